package dev.handshakeagent.bench;

/**
 * The start-up workload: a JVM that makes one TLS 1.3 handshake (in-memory engines, certificates
 * made beforehand) and exits. The driver times the whole process and reads its peak RSS.
 */
public final class StartupMain {
  private StartupMain() {}

  public static void main(String[] args) throws Exception {
    EnginePair pair = Workload.TLS13_EC.contexts().pair(null, -1, null);
    pair.handshake();
    pair.close();
    System.out.println("handshake " + pair.client.getSession().getProtocol());
  }
}
