package dev.handshakeagent.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One resumed handshake per operation: the client names the same peer (localhost:443) every time,
 * so after the first full handshake each one resumes (TLS 1.3: a PSK from the server's ticket; TLS
 * 1.2: the session id). The set-up checks that resumption really happens.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ResumedHandshake {
  @Param({"TLS13_EC", "TLS12_ECDHE_RSA"})
  public Workload workload;

  private HandshakeLoop loop;

  @Setup
  public void setUp() throws Exception {
    loop = new HandshakeLoop(workload, "localhost", 443);
    long validations = CountingTrust.serverChecks();
    handshake();
    if (CountingTrust.serverChecks() != validations) {
      throw new IllegalStateException(workload + ": the second handshake was not resumed");
    }
  }

  @Benchmark
  public Object handshake() throws Exception {
    return loop.next();
  }
}
