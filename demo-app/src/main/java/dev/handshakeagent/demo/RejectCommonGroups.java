package dev.handshakeagent.demo;

import java.security.AlgorithmConstraints;
import java.security.AlgorithmParameters;
import java.security.CryptoPrimitive;
import java.security.Key;
import java.util.Set;

/**
 * Server-side constraints that refuse the named groups x25519 and secp256r1, the key shares a JDK
 * client sends first. The server then asks for another group with a HelloRetryRequest.
 *
 * <p>The JDK also checks the curve of ECDSA signature schemes against these constraints, so a
 * server using them cannot present a chain signed with P-256 ECDSA (it fails with
 * handshake_failure): the demo's CA and server keys are RSA.
 */
final class RejectCommonGroups implements AlgorithmConstraints {
  private static boolean rejected(String algorithm) {
    return "x25519".equalsIgnoreCase(algorithm) || "secp256r1".equalsIgnoreCase(algorithm);
  }

  @Override
  public boolean permits(
      Set<CryptoPrimitive> primitives, String algorithm, AlgorithmParameters parameters) {
    return !rejected(algorithm);
  }

  @Override
  public boolean permits(Set<CryptoPrimitive> primitives, Key key) {
    return true;
  }

  @Override
  public boolean permits(
      Set<CryptoPrimitive> primitives, String algorithm, Key key, AlgorithmParameters parameters) {
    return !rejected(algorithm);
  }
}
