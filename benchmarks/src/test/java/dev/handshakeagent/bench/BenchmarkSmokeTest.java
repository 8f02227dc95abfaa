package dev.handshakeagent.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark cannot rot: a smoke run of the real comparison (one fork per configuration, one 100
 * ms iteration, no warm-up) with the packaged agent attached to the forks, on JDK 17 (every
 * workload) and JDK 25 (one workload and one start-up run). The figures mean nothing; what is
 * checked is that every workload runs with and without the agent, that the agent's forks really
 * exported spans to the receiver and the baseline's none, and that the report has its tables.
 */
class BenchmarkSmokeTest {
  private static final Path AGENT = Paths.get(System.getProperty("agent.jar"));

  @Test
  void everyWorkloadRunsWithAndWithoutTheAgentOnJdk17(@TempDir Path out) throws Exception {
    Compare c =
        Compare.run(
            "--quick",
            "--variants=agent,agent-sampled",
            "--startup-runs=1",
            "--jvm=" + System.getProperty("jdk17.home"),
            "--agent=" + AGENT,
            "--out-dir=" + out);
    for (Compare.Bench b : Compare.BENCHES) {
      for (String config : List.of("none", "agent", "agent-sampled")) {
        List<Compare.Fork> forks = c.forks(b.id, config);
        assertEquals(1, forks.size(), b.id + " " + config);
        assertTrue(forks.get(0).opsPerSecond > 0, b.id + " " + config);
        assertTrue(forks.get(0).get("cpu.process") > 0, b.id + " " + config + " CPU");
      }
    }
    assertEquals(0, c.spansExported("none"));
    assertTrue(c.spansExported("agent") > 0, "the agent forks exported no span");
    // Production mode: 1% of the traces, the metrics complete.
    assertTrue(
        c.spansExported("agent-sampled") < c.spansExported("agent"),
        c.spansExported("agent-sampled") + " spans sampled of " + c.spansExported("agent"));
    assertTrue(c.metricExports("agent-sampled") > 0, "the agent-sampled forks exported no metric");
    assertTrue(c.report.contains("`agent-sampled` vs. `none`"), c.report);
    assertTrue(c.report.contains("| full TLS 1.3 EC P-256 |"), c.report);
    assertTrue(c.report.contains("### Start-up"), c.report);
    assertEquals(1, c.startupResults.get("agent").size());
    assertTrue(c.report.contains("### Start-up: a JVM that makes no TLS traffic"), c.report);
    assertEquals(1, c.startupNoTlsResults.get("agent").size());
    assertTrue(Files.readString(out.resolve("results.md")).contains("`agent` vs. `none`"));
  }

  @Test
  void oneWorkloadAndStartUpOnJdk25(@TempDir Path out) throws Exception {
    Compare c =
        Compare.run(
            "--quick",
            "--variants=agent",
            "--only=full TLS 1.3 EC",
            "--startup-runs=1",
            "--jvm=" + System.getProperty("jdk25.home"),
            "--agent=" + AGENT,
            "--out-dir=" + out);
    assertTrue(c.forks("full TLS 1.3 EC P-256", "agent").get(0).opsPerSecond > 0);
    assertTrue(c.spansExported("agent") > 0, "the agent forks exported no span");
    // A normal start with the agent prints nothing on stderr (no JVM class-sharing note either).
    assertEquals(0.0, c.startupResults.get("agent").get(0)[2], c.report);
    assertEquals(0.0, c.startupNoTlsResults.get("agent").get(0)[2], c.report);
  }

  @Test
  void badOptionsAreOneClearLine(@TempDir Path out) {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Compare.run("--rounds=many", "--out-dir=" + out));
    assertEquals("invalid value 'many' for --rounds (accepted: a number >= 0)", e.getMessage());
  }
}
