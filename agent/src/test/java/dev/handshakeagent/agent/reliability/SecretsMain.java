package dev.handshakeagent.agent.reliability;

import java.util.HexFormat;

/**
 * Child-JVM main of {@link PackagedAgentNoSecretsTest}: runs the handshakes of {@link
 * SecretCapture} and prints every secret it knows on stdout as {@code SECRET <hex> <name>} (the
 * agent's output, on stderr and over OTLP, is what the test searches). Needs {@code --add-opens
 * java.base/sun.security.ssl=ALL-UNNAMED}.
 */
public final class SecretsMain {
  private SecretsMain() {}

  public static void main(String[] args) throws Exception {
    SecretCapture capture = new SecretCapture();
    capture.runAll();
    for (SecretCapture.Secret s : capture.secrets) {
      System.out.println("SECRET " + HexFormat.of().formatHex(s.bytes) + " " + s.name);
    }
    System.out.println("KINDS " + capture.kinds);
    System.out.println("DONE");
  }
}
