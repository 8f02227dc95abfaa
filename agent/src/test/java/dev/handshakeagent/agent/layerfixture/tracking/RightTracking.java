package dev.handshakeagent.agent.layerfixture.tracking;

import dev.handshakeagent.agent.layerfixture.bridge.FixtureBridge.Listener;
import java.util.Map;
import java.util.WeakHashMap;

/** Tracking as the rules want it (LayersTest): implements the bridge's listener, JDK types only. */
final class RightTracking implements Listener {
  private final Map<Object, Long> started = new WeakHashMap<>();

  @Override
  public void handshakeStarted(Object handshakeContext) {
    started.put(handshakeContext, System.nanoTime());
  }
}
