package dev.handshakeagent.agent.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Small queries over exported spans: roots by role, phase names in start order, children; and the
 * shape of a client root the server rejected after the client's Finished.
 */
public final class Traces {
  private Traces() {}

  public static final AttributeKey<String> ROLE = AttributeKey.stringKey("handshake.role");

  public static List<SpanData> roots(List<SpanData> spans) {
    return spans.stream()
        .filter(s -> !s.getParentSpanContext().isValid())
        .collect(Collectors.toList());
  }

  /** The single root span of {@code role}; fails when there is none or more than one. */
  public static SpanData root(List<SpanData> spans, String role) {
    List<SpanData> r =
        roots(spans).stream()
            .filter(s -> role.equals(s.getAttributes().get(ROLE)))
            .collect(Collectors.toList());
    if (r.size() != 1) {
      throw new AssertionError(
          "expected exactly one " + role + " root span, got " + r.size() + ": " + names(spans));
    }
    return r.get(0);
  }

  /**
   * {@code root} is a TLS 1.3 client root that a server asking for a client certificate rejected
   * after the client's Finished: failed, with {@code alert} received from the peer.
   */
  public static void assertRejectedAfterFinished(SpanData root, String alert, String context) {
    assertEquals(StatusCode.ERROR, root.getStatus().getStatusCode(), context);
    assertEquals(
        false, root.getAttributes().get(AttributeKey.booleanKey("tls.established")), context);
    assertEquals(alert, str(root, "error.type"), context);
    assertEquals(alert, str(root, "handshake.alert"), context);
    assertEquals("peer", str(root, "handshake.alert.origin"), context);
    assertEquals("receive alert", str(root, "handshake.failed_phase"), context);
    assertEquals("1.3", str(root, "tls.protocol.version"), context);
    assertEquals("requested", str(root, "handshake.client_auth"), context);
  }

  private static String str(SpanData s, String key) {
    return s.getAttributes().get(AttributeKey.stringKey(key));
  }

  public static List<SpanData> roots(List<SpanData> spans, String role) {
    return roots(spans).stream()
        .filter(s -> role.equals(s.getAttributes().get(ROLE)))
        .collect(Collectors.toList());
  }

  /** Every descendant of {@code root}, in start order. */
  public static List<SpanData> descendants(List<SpanData> spans, SpanData root) {
    List<SpanData> out = new ArrayList<>();
    collect(spans, root.getSpanId(), out);
    out.sort(Comparator.comparingLong(SpanData::getStartEpochNanos));
    return out;
  }

  private static void collect(List<SpanData> spans, String parentId, List<SpanData> out) {
    for (SpanData s : spans) {
      if (s.getParentSpanId().equals(parentId)) {
        out.add(s);
        collect(spans, s.getSpanId(), out);
      }
    }
  }

  /** Span names of every descendant of {@code root}, in start order. */
  public static List<String> phases(List<SpanData> spans, SpanData root) {
    return descendants(spans, root).stream().map(SpanData::getName).collect(Collectors.toList());
  }

  /** The direct parent's name of the first descendant named {@code name}. */
  public static String parentName(List<SpanData> spans, SpanData root, String name) {
    for (SpanData s : descendants(spans, root)) {
      if (s.getName().equals(name)) {
        if (s.getParentSpanId().equals(root.getSpanId())) {
          return root.getName();
        }
        return spans.stream()
            .filter(p -> p.getSpanId().equals(s.getParentSpanId()))
            .map(SpanData::getName)
            .findFirst()
            .orElse("?");
      }
    }
    throw new AssertionError("no phase " + name + " under " + root.getName());
  }

  public static String names(List<SpanData> spans) {
    return spans.stream().map(SpanData::getName).collect(Collectors.toList()).toString();
  }
}
