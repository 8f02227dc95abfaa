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
 * One full handshake per operation: a fresh client and server {@code SSLEngine} (no peer host, so
 * nothing can be resumed), the handshake run to the end in memory, both sides closed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FullHandshake {
  @Param({"TLS13_EC", "TLS13_RSA", "TLS12_ECDHE_RSA", "MTLS13"})
  public Workload workload;

  private HandshakeLoop loop;

  @Setup
  public void setUp() throws Exception {
    loop = new HandshakeLoop(workload, null, -1);
  }

  @Benchmark
  public Object handshake() throws Exception {
    return loop.next();
  }
}
