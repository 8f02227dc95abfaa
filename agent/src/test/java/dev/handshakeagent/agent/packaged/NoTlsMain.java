package dev.handshakeagent.agent.packaged;

import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A child JVM that uses the JDK's security providers (a digest) but makes no TLS connection: it
 * prints the agent's status property and {@code DONE}.
 */
public final class NoTlsMain {
  private NoTlsMain() {}

  public static void main(String[] args) throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(new byte[] {1, 2, 3});
    System.out.println("DIGEST " + HexFormat.of().formatHex(digest));
    System.out.println("STATUS " + System.getProperty("handshake.agent.status"));
    System.out.println("DONE");
  }
}
