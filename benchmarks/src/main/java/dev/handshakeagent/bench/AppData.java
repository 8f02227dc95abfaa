package dev.handshakeagent.bench;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Application data after the handshake: one operation wraps 16 KiB on the client and unwraps it on
 * the server (one full TLS record each way through AES-GCM). The agent must not touch this path;
 * MB/s = ops/s x 16384 / 10^6.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AppData {
  /** Bytes per operation (the report turns ops/s into MB/s with it). */
  public static final int RECORD = 16 * 1024;

  private EnginePair pair;
  private final ByteBuffer data = ByteBuffer.allocate(RECORD);

  @Setup
  public void setUp() throws Exception {
    pair = Workload.TLS13_EC.contexts().pair(null, -1, null);
    pair.handshake();
    for (int i = 0; i < RECORD; i++) {
      data.put(i, (byte) i);
    }
  }

  @Benchmark
  public int wrapUnwrap16k() throws Exception {
    data.clear();
    int received = pair.clientToServer(data);
    if (received != RECORD) {
      throw new IllegalStateException("received " + received);
    }
    return received;
  }
}
