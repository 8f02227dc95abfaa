package dev.handshakeagent.agent.telemetry;

import dev.handshakeagent.agent.telemetry.console.ConsoleHandshake;
import dev.handshakeagent.agent.telemetry.console.ConsoleRenderer;
import dev.handshakeagent.agent.telemetry.console.ConsoleWriter;
import dev.handshakeagent.agent.tracking.Frame;
import dev.handshakeagent.agent.tracking.HandshakeFacts;
import dev.handshakeagent.agent.tracking.HandshakeRecord;
import java.util.List;

/**
 * The {@code console} option: each ended handshake as a text waterfall on stderr, from the same
 * record and facts as its spans. Runs on the export thread; printing happens on the writer's own
 * thread behind a bounded queue, so a slow stderr never slows a handshake or the export.
 */
final class ConsoleView {
  private static final int BAR_WIDTH = 40;
  private static final int QUEUE_LINES = 20_000;

  private final ConsoleRenderer renderer;
  private final ConsoleWriter writer;

  ConsoleView() {
    this.renderer = new ConsoleRenderer(BAR_WIDTH, ConsoleWriter.colorByDefault());
    this.writer = new ConsoleWriter(System.err, QUEUE_LINES);
  }

  void show(HandshakeRecord r, HandshakeFacts f) {
    writer.offer(renderer.render(of(r, f)));
  }

  void close() {
    writer.close(2000);
  }

  /** The root's diagnosis: a failed revocation check names its responder (as on the span). */
  private static String failureMessage(HandshakeRecord r, HandshakeFacts f) {
    String revocation = Diagnosis.revocation(r, Long.MAX_VALUE);
    return revocation != null ? revocation : Diagnosis.of(r, f);
  }

  static ConsoleHandshake of(HandshakeRecord r, HandshakeFacts f) {
    ConsoleHandshake.Builder b =
        ConsoleHandshake.builder()
            .role(HandshakeValues.role(r))
            .api(HandshakeValues.api(r))
            .protocol(f.protocol)
            .cipher(f.cipherSuite)
            .peer(peer(r, f))
            .durationNanos(r.endNanos() - r.startNanos());
    Frame failed = HandshakeValues.failedPhase(r);
    switch (r.outcome()) {
      case SUCCEEDED:
        b.outcome(ConsoleHandshake.Outcome.OK).resumed(f.resumed);
        break;
      case ABANDONED:
        b.outcome(ConsoleHandshake.Outcome.ABANDONED).message(Diagnosis.of(r, f));
        break;
      default:
        b.outcome(ConsoleHandshake.Outcome.FAILED)
            .errorType(HandshakeValues.errorType(r, f))
            .alertOrigin(
                f.alertDescription == null ? null : HandshakeValues.alertOrigin(r.alertReceived()))
            .message(failureMessage(r, f));
    }
    if (failed != null) {
      b.failedPhase(PhaseNames.spanName(failed));
    }
    List<Frame> frames = HandshakeValues.sorted(r.phases());
    for (Frame fr : frames) {
      int depth = 0;
      for (Frame p = fr.exportedParent(); p != null; p = p.exportedParent()) {
        depth++;
      }
      b.phase(
          PhaseNames.spanName(fr),
          depth,
          fr.startNanos() - r.startNanos(),
          fr.endNanos() - fr.startNanos(),
          fr == failed);
    }
    return b.helloRetry(HandshakeValues.helloRetry(r)).build();
  }

  private static String peer(HandshakeRecord r, HandshakeFacts f) {
    String host;
    int port;
    if (r.isClient()) {
      host = HandshakeValues.serverAddress(r, f);
      port = f.peerPort;
    } else if (f.socketPeerAddress != null) {
      host = f.socketPeerAddress.getHostAddress();
      port = f.socketPeerPort;
    } else {
      host = f.peerHost;
      port = f.peerPort;
    }
    if (host == null) {
      return null;
    }
    return port > 0 ? host + ":" + port : host;
  }
}
