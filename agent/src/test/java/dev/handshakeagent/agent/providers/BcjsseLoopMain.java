package dev.handshakeagent.agent.providers;

import dev.handshakeagent.agent.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;

/**
 * A service whose TLS runs in BCJSSE, doing handshakes (an engine pair, then a socket pair,
 * alternately) until the file named by its first argument exists, or for at most 120 s: what the
 * agent is attached to and detached from while it runs. Prints {@code READY}, {@code RESULT ...}
 * per handshake and {@code UNEXPECTED ...} for anything that should not happen; exits 0 when all
 * went well.
 */
public final class BcjsseLoopMain {
  private BcjsseLoopMain() {}

  public static void main(String[] args) throws Exception {
    Logger.getLogger("org.bouncycastle").setLevel(Level.OFF);
    Path stop = Paths.get(args[0]);
    SSLContext server = BcjsseScenarios.context(TestPki.keyStore(TestPki.Server.RSA));
    SSLContext client = BcjsseScenarios.context(null);
    long deadline = System.nanoTime() + 120_000_000_000L;
    boolean clean = true;
    System.out.println("READY");
    for (int round = 0; !Files.exists(stop) && System.nanoTime() < deadline; round++) {
      String result;
      try {
        result =
            round % 2 == 0
                ? BcjsseScenarios.engines(server, client, "TLSv1.3", false)
                : BcjsseScenarios.sockets(server, client, "TLSv1.2", false, 1).get(0);
      } catch (Throwable t) {
        result = t.toString();
      }
      boolean ok = result.startsWith("OK");
      System.out.println((ok ? "RESULT " : "UNEXPECTED ") + round + " " + result);
      System.out.flush();
      clean &= ok;
      Thread.sleep(50);
    }
    System.out.println("DONE");
    System.exit(clean ? 0 : 1);
  }
}
