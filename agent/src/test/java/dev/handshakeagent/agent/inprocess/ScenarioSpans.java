package dev.handshakeagent.agent.inprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.handshakeagent.agent.AgentRuntime;
import dev.handshakeagent.agent.testing.InProcessAgent;
import dev.handshakeagent.agent.testing.Scenario;
import dev.handshakeagent.agent.testing.TlsRun;
import dev.handshakeagent.agent.testing.Traces;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.concurrent.Callable;

/** One scenario run with the in-process agent: what the application saw and what was exported. */
final class ScenarioSpans {
  static final int JDK = Runtime.version().feature();

  final List<TlsRun.Result> results;
  final List<SpanData> spans;

  private ScenarioSpans(List<TlsRun.Result> results, List<SpanData> spans) {
    this.results = results;
    this.spans = spans;
  }

  static AgentRuntime agent() {
    return InProcessAgent.install("abandon.timeout=1500ms");
  }

  static ScenarioSpans run(Scenario s) throws Exception {
    return run(s::run);
  }

  /** Runs handshakes set up by the test itself (cases the shared scenarios do not cover). */
  static ScenarioSpans run(Callable<List<TlsRun.Result>> handshakes) throws Exception {
    AgentRuntime agent = agent();
    InProcessAgent.reset();
    List<TlsRun.Result> results = handshakes.call();
    List<SpanData> spans = InProcessAgent.spans();
    assertEquals(0, agent.suppressedErrors(), "errors swallowed by the agent's hooks");
    assertEquals(0, agent.tracker.suppressedErrors(), "errors swallowed by the tracker");
    return new ScenarioSpans(results, spans);
  }

  TlsRun.Result result() {
    assertEquals(1, results.size());
    return results.get(0);
  }

  SpanData client() {
    return Traces.root(spans, "client");
  }

  SpanData server() {
    return Traces.root(spans, "server");
  }

  List<String> phases(SpanData root) {
    return Traces.phases(spans, root);
  }

  String parent(SpanData root, String phase) {
    return Traces.parentName(spans, root, phase);
  }

  static String str(SpanData s, String key) {
    return s.getAttributes().get(AttributeKey.stringKey(key));
  }

  static Boolean bool(SpanData s, String key) {
    return s.getAttributes().get(AttributeKey.booleanKey(key));
  }

  static Long num(SpanData s, String key) {
    return s.getAttributes().get(AttributeKey.longKey(key));
  }
}
