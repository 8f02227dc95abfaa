package dev.handshakeagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.advice.ProviderCheck;
import dev.handshakeagent.agent.advice.Providers;
import dev.handshakeagent.agent.advice.bcjsse.BcjsseHooks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import net.bytebuddy.description.type.TypeDescription;
import org.junit.jupiter.api.Test;

/**
 * A provider whose internals do not match its model rows is switched off when its class is first
 * matched: one warning line naming the provider and the missing member, its hooks not applied (to
 * that class or any later one), nothing thrown. Relocated copies are found by what follows their
 * prefix, by the install gate and by the check alike.
 */
class ProviderGuardTest {

  private static final TypeDescription CHANGED =
      TypeDescription.ForLoadedType.of(
          dev.handshakeagent.agent.fake.org.bouncycastle.tls.TlsProtocol.class);
  private static final TypeDescription MATCHING =
      TypeDescription.ForLoadedType.of(
          dev.handshakeagent.agent.fakematch.org.bouncycastle.tls.TlsProtocol.class);

  @Test
  void missingMemberSwitchesTheProviderOffWithOneWarningLine() {
    List<String> disabled = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    AgentRuntime.ProviderGuard guard =
        new AgentRuntime.ProviderGuard(new BcjsseHooks(), disabled::add, warnings::add);
    assertFalse(guard.allows(CHANGED));
    assertEquals(List.of("BCJSSE"), disabled);
    assertEquals(1, warnings.size(), warnings.toString());
    String line = warnings.get(0);
    assertTrue(line.startsWith("BCJSSE internals differ"), line);
    assertTrue(
        line.contains("org.bouncycastle.tls.TlsProtocol.writeHandshakeMessage([BII)V"), line);
    // Off for good: a matching class of the same provider is left alone too, without more lines.
    assertFalse(guard.allows(MATCHING));
    assertFalse(guard.allows(CHANGED));
    assertEquals(1, warnings.size());
    assertEquals(1, disabled.size());
  }

  @Test
  void matchingRelocatedCopyIsHooked() {
    List<String> warnings = new ArrayList<>();
    AgentRuntime.ProviderGuard guard =
        new AgentRuntime.ProviderGuard(new BcjsseHooks(), name -> {}, warnings::add);
    assertTrue(guard.allows(MATCHING));
    assertTrue(warnings.isEmpty(), warnings.toString());
    assertTrue(ProviderCheck.missing(new BcjsseHooks().rows(), MATCHING).isEmpty());
  }

  @Test
  void theInstallGateKnowsEveryRegisteredProviderClass() {
    assertEquals(
        new TreeSet<>(Arrays.asList(Providers.internalClassNames())),
        new TreeSet<>(Arrays.asList(InstallGate.PROVIDER_CLASSES)));
  }

  @Test
  void relocatedNamesMatchByWhatFollowsThePrefix() {
    String[] names = Providers.internalClassNames();
    assertTrue(InstallGate.isProviderClass("org/bouncycastle/tls/TlsProtocol", names));
    assertTrue(
        InstallGate.isProviderClass("io/grpc/shaded/org/bouncycastle/tls/TlsProtocol", names));
    assertFalse(InstallGate.isProviderClass("org/bouncycastle/tls/TlsProtocolUtils", names));
    assertFalse(InstallGate.isProviderClass("xorg/bouncycastle/tls/TlsProtocol", names));
    assertFalse(InstallGate.isProviderClass("java/lang/String", names));
    assertEquals("", ProviderCheck.prefix("a.B", "a.B"));
    assertEquals("shaded.", ProviderCheck.prefix("shaded.a.B", "a.B"));
    assertNull(ProviderCheck.prefix("shadeda.B", "a.B"));
  }
}
