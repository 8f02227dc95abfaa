package dev.handshakeagent.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * What one run of a scenario produced: the server port (to find its spans), one entry per
 * connection, and remarks worth printing (for example whether a session was resumed).
 */
record Exchange(int port, List<Connection> connections, List<String> notes) {

  /** Both sides of one connection. */
  record Connection(Outcome client, Outcome server) {}

  static Exchange of(int port, Outcome client, Outcome server) {
    return new Exchange(port, List.of(new Connection(client, server)), List.of());
  }

  Exchange withNote(String note) {
    List<String> all = new ArrayList<>(notes);
    all.add(note);
    return new Exchange(port, connections, List.copyOf(all));
  }
}
