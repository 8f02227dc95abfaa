package dev.handshakeagent.agent.telemetry.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders one {@link ConsoleHandshake} as a small text waterfall: a header line, one line per phase
 * with a bar placed by the phase's offset and sized by its duration, and on failure the message.
 *
 * <pre>
 * TLS client handshake localhost:8443  TLSv1.3 TLS_AES_128_GCM_SHA256  48.2 ms  OK
 *     +0.02 ms    7.0 ms  |======..................................|  send client_hello
 *     +7.02 ms    1.3 ms  |......=.................................|  receive server_hello
 * </pre>
 *
 * <p>In the bar, {@code =} is the phase running, {@code .} is the rest of the handshake and a blank
 * is time after the handshake ended (post-handshake messages). The phase in which the handshake
 * failed is drawn with {@code x} and marked {@code <- failed}. A phase never shows less than one
 * mark, and the bar's scale stretches so that a phase ending after the handshake still fits.
 *
 * <p>The output is ASCII apart from characters taken from the input; control characters in input
 * strings become spaces, so every element of the result is exactly one line. With {@code color},
 * ANSI escape codes are added around parts of the lines and nothing else changes: stripping the
 * escapes gives the text rendered without color. Immutable and thread-safe; {@link #render} has no
 * side effects.
 */
public final class ConsoleRenderer {

  /** Longest phase name shown; a longer one ends in {@code ...}. */
  static final int MAX_NAME_CHARS = 60;

  /** Longest message shown; a longer one ends in {@code ...}. */
  static final int MAX_MESSAGE_CHARS = 500;

  /** Longest header field (peer, protocol, cipher, error, phase) shown. */
  static final int MAX_FIELD_CHARS = 100;

  /** Nesting deeper than this is indented as this. */
  static final int MAX_INDENT_DEPTH = 10;

  static final String FAILED_MARK = "<- failed";

  /**
   * Narrowest offset and duration columns ({@code +100.00}, {@code 100.0}), so that handshakes
   * under a second line up with each other; longer values widen the columns of their own handshake.
   */
  private static final int MIN_OFFSET_WIDTH = 7;

  private static final int MIN_DURATION_WIDTH = 5;

  private static final String GREEN = "\u001b[32m";
  private static final String RED = "\u001b[31m";
  private static final String YELLOW = "\u001b[33m";
  private static final String DIM = "\u001b[2m";
  private static final String RESET = "\u001b[0m";

  private static final char RUNNING = '=';
  private static final char FAILED = 'x';
  private static final char WAITING = '.';
  private static final char AFTER_END = ' ';

  private final int barWidth;
  private final boolean color;

  /**
   * @param barWidth columns of the bar, at least 1
   * @param color whether to add ANSI color escapes
   * @throws IllegalArgumentException when {@code barWidth} is less than 1
   */
  public ConsoleRenderer(int barWidth, boolean color) {
    if (barWidth < 1) {
      throw new IllegalArgumentException("barWidth must be at least 1: " + barWidth);
    }
    this.barWidth = barWidth;
    this.color = color;
  }

  /** The lines for one handshake, without line separators. */
  public List<String> render(ConsoleHandshake h) {
    List<ConsoleHandshake.Phase> phases = h.phases();
    List<String> lines = new ArrayList<>(phases.size() + 2);
    lines.add(header(h));

    long total = Math.max(0, h.durationNanos());
    long scale = total;
    String[] offsets = new String[phases.size()];
    String[] durations = new String[phases.size()];
    int offsetWidth = MIN_OFFSET_WIDTH;
    int durationWidth = MIN_DURATION_WIDTH;
    for (int i = 0; i < phases.size(); i++) {
      ConsoleHandshake.Phase p = phases.get(i);
      long offset = Math.max(0, p.offsetNanos());
      long duration = Math.max(0, p.durationNanos());
      scale = Math.max(scale, saturatedAdd(offset, duration));
      offsets[i] = "+" + millis(offset, 2);
      durations[i] = millis(duration, 1);
      offsetWidth = Math.max(offsetWidth, offsets[i].length());
      durationWidth = Math.max(durationWidth, durations[i].length());
    }
    if (scale <= 0) {
      scale = 1;
    }
    int endColumn = column(total, scale);
    for (int i = 0; i < phases.size(); i++) {
      ConsoleHandshake.Phase p = phases.get(i);
      StringBuilder line = new StringBuilder(barWidth + 100);
      line.append("  ");
      padLeft(line, offsets[i], offsetWidth);
      line.append(" ms  ");
      padLeft(line, durations[i], durationWidth);
      line.append(" ms  |");
      appendBar(line, p, scale, endColumn);
      line.append("|  ");
      for (int d = Math.min(p.depth(), MAX_INDENT_DEPTH); d > 0; d--) {
        line.append("  ");
      }
      String name = p.name() == null ? "?" : truncate(clean(p.name()), MAX_NAME_CHARS);
      if (p.failed()) {
        paint(line, RED, name + "  " + FAILED_MARK);
      } else {
        line.append(name);
      }
      lines.add(line.toString());
    }

    if (h.outcome() != ConsoleHandshake.Outcome.OK && h.message() != null) {
      // The explanation heads the waterfall, right under the header.
      String message = truncate(clean(h.message()).trim(), MAX_MESSAGE_CHARS);
      if (!message.isEmpty()) {
        lines.add(1, "  why: " + message);
      }
    }
    return lines;
  }

  private String header(ConsoleHandshake h) {
    StringBuilder s = new StringBuilder(160);
    s.append("TLS ");
    if (h.role() != null) {
      s.append(field(h.role())).append(' ');
    }
    s.append("handshake");
    if (h.peer() != null) {
      s.append(' ').append(field(h.peer()));
    }
    if (h.protocol() != null || h.cipher() != null) {
      s.append("  ");
      if (h.protocol() != null) {
        s.append(field(h.protocol()));
      }
      if (h.protocol() != null && h.cipher() != null) {
        s.append(' ');
      }
      if (h.cipher() != null) {
        s.append(field(h.cipher()));
      }
    }
    s.append("  ").append(millis(Math.max(0, h.durationNanos()), 1)).append(" ms  ");
    switch (h.outcome()) {
      case OK:
        paint(s, GREEN, "OK" + (h.resumed() ? " resumed" : "") + (h.helloRetry() ? " HRR" : ""));
        break;
      case FAILED:
        StringBuilder failure = new StringBuilder("FAILED");
        if (h.errorType() != null) {
          failure.append(' ').append(field(h.errorType()));
        }
        if (h.alertOrigin() != null) {
          failure.append(" (").append(field(h.alertOrigin())).append(')');
        }
        if (h.failedPhase() != null) {
          failure.append(" in ").append(field(h.failedPhase()));
        }
        paint(s, RED, failure.toString());
        break;
      default:
        paint(s, YELLOW, "ABANDONED");
        break;
    }
    return s.toString();
  }

  /**
   * Columns {@code [start, end)} are the phase, at least one; columns before {@code endColumn}
   * outside the phase are waiting, the ones after it are after the handshake's end.
   */
  private void appendBar(StringBuilder line, ConsoleHandshake.Phase p, long scale, int endColumn) {
    long offset = Math.max(0, p.offsetNanos());
    long end = saturatedAdd(offset, Math.max(0, p.durationNanos()));
    int start = Math.min(column(offset, scale), barWidth - 1);
    int stop = Math.min(Math.max(column(end, scale), start + 1), barWidth);
    appendGap(line, 0, start, endColumn);
    char mark = p.failed() ? FAILED : RUNNING;
    run(line, p.failed() ? RED : GREEN, mark, stop - start);
    appendGap(line, stop, barWidth, endColumn);
  }

  private void appendGap(StringBuilder line, int from, int to, int endColumn) {
    int waitingTo = Math.max(from, Math.min(to, endColumn));
    run(line, DIM, WAITING, waitingTo - from);
    run(line, null, AFTER_END, to - waitingTo);
  }

  private int column(long nanos, long scale) {
    return (int) Math.round((double) nanos * barWidth / scale);
  }

  private void run(StringBuilder line, String ansi, char c, int count) {
    if (count <= 0) {
      return;
    }
    boolean paint = color && ansi != null;
    if (paint) {
      line.append(ansi);
    }
    for (int i = 0; i < count; i++) {
      line.append(c);
    }
    if (paint) {
      line.append(RESET);
    }
  }

  private void paint(StringBuilder line, String ansi, String text) {
    if (color) {
      line.append(ansi).append(text).append(RESET);
    } else {
      line.append(text);
    }
  }

  private static String field(String s) {
    return truncate(clean(s), MAX_FIELD_CHARS);
  }

  /** {@code nanos} as milliseconds with {@code decimals} decimals, '.' as the separator. */
  static String millis(long nanos, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", nanos / 1_000_000.0);
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  private static void padLeft(StringBuilder line, String s, int width) {
    for (int i = s.length(); i < width; i++) {
      line.append(' ');
    }
    line.append(s);
  }

  /** Replaces control characters (line breaks, escapes) with spaces. */
  static String clean(String s) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c)) {
        if (out == null) {
          out = new StringBuilder(s);
        }
        out.setCharAt(i, ' ');
      }
    }
    return out == null ? s : out.toString();
  }

  /** {@code s} if it has at most {@code max} chars, else its start and {@code ...} in max chars. */
  static String truncate(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int cut = max - 3;
    if (cut > 0 && Character.isHighSurrogate(s.charAt(cut - 1))) {
      cut--;
    }
    return s.substring(0, cut) + "...";
  }
}
