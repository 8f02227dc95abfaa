package dev.handshakeagent.agent.inprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.handshakeagent.agent.AgentInstaller;
import dev.handshakeagent.agent.jdk.JdkModel;
import dev.handshakeagent.agent.jdk.JdkRow;
import dev.handshakeagent.agent.jdk.SunJsse;
import dev.handshakeagent.agent.testing.Scenario;
import dev.handshakeagent.agent.testing.TlsRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.Test;

/**
 * A JDK whose handshake-start constructor changed: without {@code CORE} the agent does not install
 * at all, says so in one line, and the application's handshakes run as without it.
 */
class ChangedJdkCoreTest {

  @Test
  void aChangedCoreRowLeavesTheApplicationAlone() throws Exception {
    JdkRow changed = SunJsse.START.withDescriptor("(Lsun/security/ssl/SSLContextImpl;)V");
    JdkModel model = JdkModel.standard().replacing(SunJsse.START, changed);
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(
        new PrintStream(new ChangedJdkTest.Tee(original, captured), true, StandardCharsets.UTF_8));
    try {
      assertNull(AgentInstaller.install("", ByteBuddyAgent.install(), null, model));
    } finally {
      System.setErr(original);
    }
    List<String> warnings =
        captured
            .toString(StandardCharsets.UTF_8)
            .lines()
            .filter(l -> l.contains("WARN"))
            .collect(Collectors.toList());
    assertEquals(1, warnings.size(), captured.toString(StandardCharsets.UTF_8));
    assertTrue(
        warnings.get(0).contains("switched off: everything; missing: " + changed), warnings.get(0));
    assertNull(System.getProperty(AgentInstaller.STATUS_PROPERTY));

    List<TlsRun.Result> results = Scenario.TLS13_SOCKET_RSA.run();
    assertTrue(results.get(0).client.startsWith("OK TLSv1.3"), results.toString());
    assertTrue(results.get(0).server.startsWith("OK TLSv1.3"), results.toString());
  }
}
