package dev.handshakeagent.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the application should see in a scenario, and the check of one run against it. Judged only
 * on what the application sees: a negotiated protocol, or exceptions that name the expected alert.
 */
final class Expectation {
  /** The first JDK whose alert names the {@code failed(onJdk17, onJdk25)} scenarios show. */
  private static final int NEWER_ALERTS_FROM = 25;

  private final String protocol;
  private final List<String> alerts;
  private final Duration slowClient;

  private Expectation(String protocol, List<String> alerts, Duration slowClient) {
    this.protocol = protocol;
    this.alerts = alerts;
    this.slowClient = slowClient;
  }

  /** Both sides complete the handshake with {@code protocol} and exchange data. */
  static Expectation ok(String protocol) {
    return new Expectation(protocol, List.of(), null);
  }

  /** Both sides fail, and the alert they report is {@code alert}. */
  static Expectation failed(String alert) {
    return new Expectation(null, List.of(alert), null);
  }

  /**
   * Both sides fail with an alert the JDK renamed between 17 and 25 (for example an expired
   * certificate: {@code certificate_unknown} on 17, {@code certificate_expired} on 25). Either name
   * passes on any JDK, since the releases in between did not all change at once; the expectation
   * line shows the one this JDK is expected to send.
   */
  static Expectation failed(String onJdk17, String onJdk25) {
    List<String> names =
        Runtime.version().feature() >= NEWER_ALERTS_FROM
            ? List.of(onJdk25, onJdk17)
            : List.of(onJdk17, onJdk25);
    return new Expectation(null, names, null);
  }

  /** As {@link #ok}, and the client's handshake takes at least {@code atLeast}. */
  static Expectation slowClient(String protocol, Duration atLeast) {
    return new Expectation(protocol, List.of(), atLeast);
  }

  boolean expectsSuccess() {
    return protocol != null;
  }

  /** {@code OK TLSv1.3} or {@code FAILED certificate_unknown}. */
  String describe() {
    if (!expectsSuccess()) {
      return "FAILED " + alerts.get(0);
    }
    if (slowClient != null) {
      return "OK " + protocol + " (client handshake >= " + slowClient.toMillis() + " ms)";
    }
    return "OK " + protocol;
  }

  /** The verdict on one run; {@code why} says what did not match. */
  record Verdict(boolean pass, String why) {}

  Verdict judge(Exchange exchange) {
    List<String> problems = new ArrayList<>();
    List<Exchange.Connection> connections = exchange.connections();
    for (int i = 0; i < connections.size(); i++) {
      String prefix = connections.size() > 1 ? "connection " + (i + 1) + ": " : "";
      Exchange.Connection c = connections.get(i);
      if (expectsSuccess()) {
        checkOk("client", c.client(), prefix, problems);
        checkOk("server", c.server(), prefix, problems);
        checkSlow(c.client(), prefix, problems);
      } else {
        checkFailed(c, prefix, problems);
      }
    }
    return new Verdict(problems.isEmpty(), String.join("; ", problems));
  }

  private void checkOk(String side, Outcome o, String prefix, List<String> problems) {
    if (!o.isOk()) {
      problems.add(prefix + side + " expected OK " + protocol + ", got " + o.summary());
    } else if (!protocol.equals(o.protocol())) {
      problems.add(prefix + side + " negotiated " + o.protocol() + ", expected " + protocol);
    }
  }

  private void checkSlow(Outcome client, String prefix, List<String> problems) {
    if (slowClient != null
        && client.isOk()
        && client.handshake() != null
        && client.handshake().compareTo(slowClient) < 0) {
      problems.add(
          prefix
              + "client handshake took "
              + client.handshake().toMillis()
              + " ms, expected at least "
              + slowClient.toMillis()
              + " ms");
    }
  }

  /**
   * Both sides must fail. Every alert a side names must be an expected one, and at least one side
   * must name it, unless a side lost its connection instead: the side that detects the problem
   * names no alert on JDK 17, and its peer can get a TCP reset before the alert (see {@link
   * Outcome#isTransportFailure()}).
   */
  private void checkFailed(Exchange.Connection c, String prefix, List<String> problems) {
    int before = problems.size();
    boolean named = false;
    boolean lost = false;
    for (String side : List.of("client", "server")) {
      Outcome o = side.equals("client") ? c.client() : c.server();
      if (o.isOk()) {
        problems.add(prefix + side + " expected FAILED " + alerts.get(0) + ", got " + o.summary());
        continue;
      }
      Optional<String> alert = o.alert();
      if (alert.isPresent() && !alerts.contains(alert.get())) {
        problems.add(prefix + side + " got alert " + alert.get() + ", expected " + alerts.get(0));
      }
      named |= alert.isPresent();
      lost |= o.isTransportFailure();
    }
    if (problems.size() == before && !named && !lost) {
      problems.add(prefix + "neither side named the alert " + alerts.get(0));
    }
  }
}
