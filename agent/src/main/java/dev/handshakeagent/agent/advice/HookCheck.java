package dev.handshakeagent.agent.advice;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

/**
 * Compares the hook table with the running JDK by reading class files (nothing is loaded or
 * initialised), and says which features must be switched off.
 */
public final class HookCheck {

  /** Features whose every row matched. */
  public final Set<Hook.Feature> enabled;

  /** Rows that did not match, for the one warning line. */
  public final List<Hook> mismatched;

  private HookCheck(Set<Hook.Feature> enabled, List<Hook> mismatched) {
    this.enabled = enabled;
    this.mismatched = mismatched;
  }

  /** Checks every row of {@link HookTable#rows()} against the JDK's own class files. */
  public static HookCheck run() {
    TypePool pool = TypePool.Default.of(ClassFileLocator.ForClassLoader.ofBootLoader());
    return run(HookTable.rows(), pool);
  }

  static HookCheck run(List<Hook> rows, TypePool pool) {
    Set<Hook.Feature> enabled = EnumSet.allOf(Hook.Feature.class);
    List<Hook> mismatched = new ArrayList<>();
    for (Hook hook : rows) {
      if (!present(hook, pool)) {
        mismatched.add(hook);
        enabled.remove(hook.feature);
      }
    }
    if (!enabled.contains(Hook.Feature.CORE)) {
      enabled.clear();
    }
    return new HookCheck(enabled, mismatched);
  }

  private static boolean present(Hook hook, TypePool pool) {
    TypePool.Resolution resolution = pool.describe(hook.className);
    if (!resolution.isResolved()) {
      return false;
    }
    for (MethodDescription.InDefinedShape m : resolution.resolve().getDeclaredMethods()) {
      if (m.getInternalName().equals(hook.method) && m.getDescriptor().equals(hook.descriptor)) {
        return true;
      }
    }
    return false;
  }
}
