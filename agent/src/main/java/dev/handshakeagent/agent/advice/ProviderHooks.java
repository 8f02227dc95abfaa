package dev.handshakeagent.agent.advice;

import static net.bytebuddy.matcher.ElementMatchers.nameEndsWith;
import static net.bytebuddy.matcher.ElementMatchers.named;

import dev.handshakeagent.agent.jdk.ProviderRow;
import java.util.List;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The hooks of one TLS provider other than SunJSSE, in a folder of its own ({@code advice/bcjsse},
 * {@code advice/tcnative}, ...), registered by one line in {@link Providers}. Its advice reports
 * through {@link dev.handshakeagent.bridge.ProviderBridge} (JDK types only, the connection object
 * as {@code Object}); the tracking layer makes the same handshake records from those events for
 * every provider.
 *
 * <p>Shape of a provider: {@link #name()} as {@code handshake.provider} shows it; {@link
 * #classNames()} the binary names (as the provider's own build spells them) of every class it
 * hooks, which also arm the agent's install and select the classes handed to Byte Buddy (a
 * relocated copy, {@code io.grpc.netty.shaded.io.netty...}, matches by what follows its prefix);
 * {@link #rows()} every member the hooks rely on, checked when each class is matched; {@link
 * #instrumentations()} one {@link JdkInstrumentation} per hooked class, matching with {@link
 * #relocatable}. The class names also go into {@code InstallGate.PROVIDER_CLASSES} (internal form),
 * which a test keeps equal to {@link Providers#internalClassNames()}.
 */
public abstract class ProviderHooks {

  /** {@code handshake.provider}: {@code BCJSSE}, {@code OpenSSL}, {@code Conscrypt}. */
  public abstract String name();

  /** Binary names, without relocation prefix, of every class this provider's hooks transform. */
  public abstract List<String> classNames();

  /** Every internal member the hooks rely on. */
  public abstract List<ProviderRow> rows();

  /** The instrumentations, one per hooked class. */
  public abstract List<JdkInstrumentation> instrumentations();

  /** Matches {@code className} and any relocated copy of it ({@code some.prefix.className}). */
  public static ElementMatcher.Junction<TypeDescription> relocatable(String className) {
    return named(className).or(nameEndsWith("." + className));
  }
}
