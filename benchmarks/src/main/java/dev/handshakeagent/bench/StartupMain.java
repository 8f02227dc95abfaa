package dev.handshakeagent.bench;

/**
 * The start-up workloads: a JVM that makes one TLS 1.3 handshake (in-memory engines, certificates
 * made beforehand) and exits, or, with the argument {@code notls}, one that makes no TLS traffic at
 * all (what every JVM with the agent on pays). The driver times the whole process and reads its
 * peak RSS.
 */
public final class StartupMain {
  private StartupMain() {}

  /** The argument that selects the JVM without TLS traffic. */
  static final String NO_TLS = "notls";

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && NO_TLS.equals(args[0])) {
      System.out.println("no TLS");
      return;
    }
    EnginePair pair = Workload.TLS13_EC.contexts().pair(null, -1, null);
    pair.handshake();
    pair.close();
    System.out.println("handshake " + pair.client.getSession().getProtocol());
  }
}
