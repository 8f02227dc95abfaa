package dev.handshakeagent.agent.providers;

import java.util.ArrayList;
import java.util.List;

/**
 * The child JVM of {@code PackagedAgentProvidersTest}: every scenario of the other providers (Netty
 * with OpenSSL and JDK, gRPC on grpc-netty-shaded, Conscrypt as first provider), one line each:
 * {@code RESULT <scenario> <startMillis> <endMillis> port=<p> <what the application saw>}.
 * Arguments name the groups to run ({@code netty grpc conscrypt}); Conscrypt last, since it changes
 * the provider list for the rest of the JVM.
 */
public final class ProvidersMain {
  private ProvidersMain() {}

  public static void main(String[] args) throws Exception {
    System.out.println("JAVA " + System.getProperty("java.specification.version"));
    // One handshake per HttpsURLConnection, so the second one resumes a session.
    System.setProperty("http.keepAlive", "false");
    List<String> groups = args.length == 0 ? List.of("netty", "grpc", "conscrypt") : List.of(args);
    List<String> lines = new ArrayList<>();
    if (groups.contains("netty")) {
      NettyScenarios.run(l -> print(lines, l));
    }
    if (groups.contains("grpc")) {
      GrpcScenarios.run(l -> print(lines, l));
    }
    if (groups.contains("conscrypt")) {
      ConscryptScenarios.run(l -> print(lines, l));
    }
    System.out.println("DONE");
  }

  private static void print(List<String> lines, String line) {
    lines.add(line);
    System.out.println(line);
  }

  /**
   * Wall-clock millis as the agent stamps spans: one wall-clock reading, then the monotonic clock
   * (the wall clock of a loaded machine may step between scenarios; span times do not follow it).
   */
  private static final long EPOCH_MILLIS = System.currentTimeMillis();

  private static final long BASE_NANOS = System.nanoTime();

  static long now() {
    return EPOCH_MILLIS + (System.nanoTime() - BASE_NANOS) / 1_000_000;
  }

  static String result(String name, long startMillis, int port, String saw) {
    return "RESULT " + name + " " + startMillis + " " + now() + " port=" + port + " " + saw;
  }
}
