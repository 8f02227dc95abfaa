package dev.handshakeagent.agent.layerfixture.bridge;

import java.util.concurrent.atomic.AtomicLong;

/** A bridge as the rules want it (LayersTest): JDK types only. */
public final class FixtureBridge {
  private static final AtomicLong CALLS = new AtomicLong();

  /** What the agent installs behind the bridge. */
  public interface Listener {
    void handshakeStarted(Object handshakeContext);
  }

  public static void handshakeStarted(Object handshakeContext) {
    CALLS.incrementAndGet();
  }
}
