package dev.handshakeagent.agent.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.jdk.Feature;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The provider-neutral tracking without any provider: plain objects stand for connections and for
 * the provider objects aliased to them. One record per connection, phases nested as reported, ended
 * exactly once, events kept, disabled providers ignored.
 */
class ProviderTrackerTest {

  private final List<HandshakeRecord> ended = new ArrayList<>();
  private final Object parent = new Object();
  private final HandshakeTracker tracker =
      new HandshakeTracker(
          new HandshakeSink() {
            @Override
            public void handshakeEnded(HandshakeRecord record) {
              ended.add(record);
            }

            @Override
            public void postHandshake(HandshakeRecord handshake, List<Frame> phases) {}
          },
          60_000,
          e -> {},
          e -> {
            throw new AssertionError(e);
          },
          () -> parent,
          EnumSet.allOf(Feature.class));
  private final ProviderTracker p = tracker.providers();

  @Test
  void phasesThroughAliasesAndOneEnd() {
    Object connection = new Object();
    Object peer = new Object();
    Object protocol = new Object();
    p.alias(protocol, peer);
    p.started(connection, "Test", "lib 1.0", true);
    p.alias(peer, connection);
    p.started(connection, "Test", null, true); // ignored: one open handshake per connection
    assertEquals(1, tracker.activeHandshakes());
    p.messageEnter(protocol, true, 1);
    p.exit(protocol, null);
    p.messageEnter(protocol, false, 11);
    p.validateEnter(connection);
    p.exit(connection, null);
    p.exit(protocol, null);
    p.event(peer, "session_reused");
    p.finished(connection, null);
    p.failed(connection, null, "bad_certificate", true); // after the end: no second record end
    p.closed(connection);
    assertEquals(1, ended.size());
    HandshakeRecord r = ended.get(0);
    assertEquals(HandshakeRecord.Outcome.SUCCEEDED, r.outcome());
    assertEquals("Test", r.provider());
    assertEquals("lib 1.0", r.library());
    assertTrue(r.viaProviderBridge);
    assertSame(parent, r.applicationParent());
    assertEquals(List.of("session_reused"), r.eventNames());
    List<Frame> phases = r.phases();
    assertEquals(
        List.of("SEND 1", "VALIDATE_CHAIN -1", "RECEIVE 11"),
        phases.stream().map(f -> f.kind() + " " + f.wireType()).collect(Collectors.toList()));
    assertTrue(phases.stream().allMatch(Frame::isExported));
    assertEquals(Frame.Kind.RECEIVE, phases.get(1).exportedParent().kind());
    assertTrue(ProviderFacts.read(r).peerChain == null);
    assertEquals(0, tracker.activeHandshakes());
  }

  @Test
  void failureInsideAPhaseEndsWhenThePhaseCloses() {
    Object connection = new Object();
    p.started(connection, "Test", null, false);
    p.messageEnter(connection, false, 11);
    p.validateEnter(connection);
    IllegalStateException e = new IllegalStateException("untrusted");
    p.failed(connection, e, "bad_certificate", false);
    assertTrue(ended.isEmpty(), "ends once its open phases close");
    p.exit(connection, e);
    p.exit(connection, e);
    assertEquals(1, ended.size());
    HandshakeRecord r = ended.get(0);
    assertEquals(HandshakeRecord.Outcome.FAILED, r.outcome());
    assertEquals("bad_certificate", r.alert());
    assertFalse(r.alertReceived());
    assertSame(e, r.thrown());
    assertEquals(Frame.Kind.VALIDATE_CHAIN, r.failedFrame().kind());
    assertEquals("bad_certificate", ProviderFacts.read(r).alertDescription);
  }

  @Test
  void closedMidHandshakeFailsAndDisabledProvidersAreIgnored() {
    Object connection = new Object();
    p.started(connection, "Test", null, true);
    p.closed(connection);
    assertEquals(1, ended.size());
    assertEquals(HandshakeRecord.Outcome.FAILED, ended.get(0).outcome());
    assertNull(ended.get(0).alert());

    p.disable("Off");
    p.started(new Object(), "Off", null, true);
    assertEquals(0, tracker.activeHandshakes());
  }
}
