package dev.handshakeagent.agent.advice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

/** {@link HookCheck}: the real table against the running JDK, and made-up rows that mismatch. */
class HookCheckTest {

  private static final TypePool POOL =
      TypePool.Default.of(ClassFileLocator.ForClassLoader.ofBootLoader());

  /** One row per feature that matches every JDK. */
  private static List<Hook> goodRows() {
    List<Hook> rows = new ArrayList<>();
    rows.add(Hook.of("java.lang.String", "length", "()I", Hook.Feature.CORE, "good core"));
    rows.add(Hook.of("java.lang.String", "charAt", "(I)C", Hook.Feature.PHASES, "good phases"));
    rows.add(Hook.of("java.util.ArrayList", "<init>", "(I)V", Hook.Feature.TRUST, "good trust"));
    rows.add(Hook.of("java.nio.ByteBuffer", "get", "(I)B", Hook.Feature.CLOSE, "good close"));
    rows.add(
        Hook.of("java.lang.String", "isEmpty", "()Z", Hook.Feature.REVOCATION, "good revocation"));
    return rows;
  }

  @Test
  void realTableMatchesTheRunningJdk() {
    assertFalse(HookTable.rows().isEmpty());
    HookCheck check = HookCheck.run();
    assertEquals(List.of(), check.mismatched, "rows not found in " + Runtime.version());
    assertEquals(EnumSet.allOf(Hook.Feature.class), check.enabled);
  }

  @Test
  void realTableCoversEveryFeature() {
    EnumSet<Hook.Feature> covered = EnumSet.noneOf(Hook.Feature.class);
    for (Hook h : HookTable.rows()) {
      covered.add(h.feature);
    }
    assertEquals(EnumSet.allOf(Hook.Feature.class), covered);
  }

  @Test
  void matchingMadeUpRowsEnableEverything() {
    HookCheck check = HookCheck.run(goodRows(), POOL);
    assertEquals(List.of(), check.mismatched);
    assertEquals(EnumSet.allOf(Hook.Feature.class), check.enabled);
  }

  @Test
  void wrongDescriptorSwitchesOffOnlyThatFeature() {
    List<Hook> rows = goodRows();
    // String.length exists, but returns int, not long.
    Hook bad = Hook.of("java.lang.String", "length", "()J", Hook.Feature.PHASES, "bad phases");
    rows.add(bad);
    HookCheck check = HookCheck.run(rows, POOL);
    assertEquals(1, check.mismatched.size());
    assertSame(bad, check.mismatched.get(0));
    assertEquals(
        EnumSet.of(
            Hook.Feature.CORE, Hook.Feature.TRUST, Hook.Feature.CLOSE, Hook.Feature.REVOCATION),
        check.enabled);
  }

  @Test
  void wrongDescriptorOfARealRowSwitchesOffItsFeature() {
    Hook real = null;
    for (Hook h : HookTable.rows()) {
      if (h.feature == Hook.Feature.TRUST) {
        real = h;
        break;
      }
    }
    assertNotNull(real, "the table has a TRUST row");
    String wrong = real.descriptor.substring(0, real.descriptor.lastIndexOf(')') + 1) + "J";
    Hook bad = Hook.of(real.className, real.method, wrong, real.feature, "bad trust");
    List<Hook> rows = new ArrayList<>(HookTable.rows());
    rows.add(bad);
    HookCheck check = HookCheck.run(rows, POOL);
    assertEquals(List.of(bad), check.mismatched);
    assertEquals(
        EnumSet.of(
            Hook.Feature.CORE, Hook.Feature.PHASES, Hook.Feature.CLOSE, Hook.Feature.REVOCATION),
        check.enabled);
  }

  @Test
  void missingClassOrMethodSwitchesOffThatFeature() {
    List<Hook> rows = goodRows();
    Hook noClass =
        Hook.of("sun.security.ssl.NoSuchClass", "run", "()V", Hook.Feature.CLOSE, "no class");
    Hook noMethod =
        Hook.of("java.lang.String", "noSuchMethod", "()I", Hook.Feature.TRUST, "no method");
    rows.add(noClass);
    rows.add(noMethod);
    HookCheck check = HookCheck.run(rows, POOL);
    assertEquals(List.of(noClass, noMethod), check.mismatched);
    assertEquals(
        EnumSet.of(Hook.Feature.CORE, Hook.Feature.PHASES, Hook.Feature.REVOCATION), check.enabled);
  }

  @Test
  void wrongRevocationRowSwitchesOffOnlyRevocation() {
    List<Hook> rows = new ArrayList<>(HookTable.rows());
    Hook bad =
        Hook.of(
            "sun.security.provider.certpath.OCSP",
            "getOCSPBytes",
            "(Ljava/util/List;Ljava/net/URI;)[B",
            Hook.Feature.REVOCATION,
            "a JDK whose OCSP fetch changed");
    rows.add(bad);
    HookCheck check = HookCheck.run(rows, POOL);
    assertEquals(List.of(bad), check.mismatched);
    assertEquals(EnumSet.complementOf(EnumSet.of(Hook.Feature.REVOCATION)), check.enabled);
  }

  @Test
  void wrongCoreRowSwitchesEverythingOff() {
    List<Hook> rows = goodRows();
    Hook bad = Hook.of("java.lang.String", "length", "()V", Hook.Feature.CORE, "bad core");
    rows.add(bad);
    HookCheck check = HookCheck.run(rows, POOL);
    assertEquals(List.of(bad), check.mismatched);
    assertTrue(check.enabled.isEmpty(), "enabled: " + check.enabled);
  }
}
