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

  static String result(String name, long startMillis, int port, String saw) {
    return "RESULT "
        + name
        + " "
        + startMillis
        + " "
        + System.currentTimeMillis()
        + " port="
        + port
        + " "
        + saw;
  }
}
