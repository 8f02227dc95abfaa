package dev.handshakeagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.handshakeagent.agent.jdk.CertPath;
import dev.handshakeagent.agent.jdk.SunJsse;
import org.junit.jupiter.api.Test;

/**
 * The gate's package names are literals (premain must not load the JDK model): they are the model's
 * packages, so no hooked class is ever kept from Byte Buddy.
 */
class InstallGateTest {
  @Test
  void gatePackagesAreTheModelsPackages() {
    assertEquals(SunJsse.PACKAGE.replace('.', '/') + "/", InstallGate.TRIGGER);
    assertEquals(CertPath.PACKAGE.replace('.', '/') + "/", InstallGate.CERTPATH);
  }
}
