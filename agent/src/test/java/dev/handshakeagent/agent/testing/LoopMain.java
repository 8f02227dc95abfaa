package dev.handshakeagent.agent.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * A service that keeps doing TLS handshakes (SSLSocket and SSLEngine, alternately) until the file
 * named by its first argument exists, or for at most 120 s. Prints {@code RESULT ...} per
 * connection and {@code UNEXPECTED ...} for anything that should not happen; exits 0 when all went
 * well.
 */
public final class LoopMain {
  private LoopMain() {}

  public static void main(String[] args) throws Exception {
    Path stop = Paths.get(args[0]);
    long deadline = System.nanoTime() + 120_000_000_000L;
    boolean clean = true;
    int round = 0;
    System.out.println("READY");
    while (!Files.exists(stop) && System.nanoTime() < deadline) {
      Scenario s = round++ % 2 == 0 ? Scenario.TLS13_SOCKET_RSA : Scenario.TLS12_ENGINE;
      try {
        List<TlsRun.Result> results = s.run();
        for (TlsRun.Result r : results) {
          boolean ok = r.client.startsWith("OK") && r.server.startsWith("OK");
          System.out.println((ok ? "RESULT " : "UNEXPECTED ") + s + " " + r);
          clean &= ok;
        }
      } catch (Throwable t) {
        System.out.println("UNEXPECTED " + s + " " + t);
        t.printStackTrace(System.out);
        clean = false;
      }
      System.out.flush();
      Thread.sleep(50);
    }
    System.out.println("DONE");
    System.exit(clean ? 0 : 1);
  }
}
