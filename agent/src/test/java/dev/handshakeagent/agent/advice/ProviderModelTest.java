package dev.handshakeagent.agent.advice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.advice.conscrypt.ConscryptHooks;
import dev.handshakeagent.agent.advice.tcnative.TcnativeHooks;
import dev.handshakeagent.agent.jdk.ProviderRow;
import dev.handshakeagent.agent.jdk.Tcnative;
import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

/**
 * The OpenSSL (netty-tcnative) and Conscrypt rows against the libraries' real class files, as the
 * start-up guard checks them (Netty 4.2.18, grpc-netty-shaded 1.85.1's relocated copy, Conscrypt
 * 2.5.2): every row holds, every hooked method is found exactly once (relocated descriptors
 * included), and a row that names something else does not hold.
 */
class ProviderModelTest {

  static final String GRPC = "io.grpc.netty.shaded.";

  final TypePool pool =
      TypePool.Default.of(ClassFileLocator.ForClassLoader.of(getClass().getClassLoader()));

  @Test
  void tcnativeRowsHoldOnNettyAndOnGrpcsRelocatedCopy() {
    checkAll(new TcnativeHooks(), "");
    checkAll(new TcnativeHooks(), GRPC);
  }

  @Test
  void conscryptRowsHold() {
    checkAll(new ConscryptHooks(), "");
  }

  @Test
  void aRenamedRowDoesNotHold() {
    TypeDescription engine = pool.describe(GRPC + Tcnative.ENGINE).resolve();
    ProviderRow renamed = Tcnative.HANDSHAKE.renamed("handshake0");
    assertEquals(List.of(renamed), ProviderCheck.missing(List.of(renamed), engine));
    assertTrue(ProviderCheck.missing(List.of(Tcnative.HANDSHAKE), engine).isEmpty());
  }

  @Test
  void relocatedDescriptorsGetThePrefix() {
    assertEquals(
        "(Lio/grpc/netty/shaded/io/netty/handler/ssl/ReferenceCountedOpenSslEngine;"
            + "[Ljava/lang/String;[Ljavax/security/auth/x500/X500Principal;)V",
        ProviderMethods.relocate(
            Tcnative.KEY_MATERIAL_CLIENT.descriptor, Tcnative.KEY_MATERIAL_MANAGER, GRPC));
    assertEquals(
        Tcnative.KEY_MATERIAL_CLIENT.descriptor,
        ProviderMethods.relocate(
            Tcnative.KEY_MATERIAL_CLIENT.descriptor, Tcnative.KEY_MATERIAL_MANAGER, ""));
  }

  void checkAll(ProviderHooks hooks, String prefix) {
    for (String name : hooks.classNames()) {
      TypeDescription type = pool.describe(prefix + name).resolve();
      assertTrue(ProviderCheck.missing(hooks.rows(), type).isEmpty(), type.getName());
      boolean matched = false;
      for (JdkInstrumentation i : hooks.instrumentations()) {
        matched |= i.types().matches(type);
      }
      assertTrue(matched, "no instrumentation for " + type.getName());
      for (ProviderRow row : hooks.rows()) {
        if (row.kind != ProviderRow.Kind.METHOD
            || ProviderCheck.prefix(type.getName(), row.className) == null) {
          continue;
        }
        long found =
            type.getDeclaredMethods().stream()
                .filter((MethodDescription m) -> ProviderMethods.method(row, type).matches(m))
                .count();
        assertEquals(1, found, row + " in " + type.getName());
      }
    }
    // Every row's class is one the hooks match, so the guard checks it.
    for (ProviderRow row : hooks.rows()) {
      assertTrue(hooks.classNames().contains(row.className), row.toString());
    }
    assertFalse(hooks.rows().isEmpty());
  }
}
