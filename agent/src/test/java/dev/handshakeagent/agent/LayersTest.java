package dev.handshakeagent.agent;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import org.junit.jupiter.api.Test;

/**
 * The layers' dependency arrows (advice -> bridge <- tracking <- telemetry), checked on the
 * compiled main classes: a class that imports across a forbidden arrow fails the build. Each rule
 * is also run against {@code layerfixture}, test classes that break it on purpose, so a rule that
 * can no longer fail is noticed too.
 */
class LayersTest {
  private static final String BYTE_BUDDY = "net.bytebuddy..";
  private static final String OPENTELEMETRY = "io.opentelemetry..";

  /** The real layers: the agent's packages and the bridge module, test classes left out. */
  private static final Layers AGENT =
      new Layers("dev.handshakeagent.agent", "dev.handshakeagent.bridge");

  private static final Layers FIXTURE =
      new Layers(
          "dev.handshakeagent.agent.layerfixture", "dev.handshakeagent.agent.layerfixture.bridge");

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.handshakeagent");

  private static final JavaClasses BROKEN =
      new ClassFileImporter().importPackages("dev.handshakeagent.agent.layerfixture");

  /** The packages of one set of layers; {@code jdk} is the model of the JDK's internals. */
  private static final class Layers {
    final String advice;
    final String jdkModel;
    final String tracking;
    final String telemetry;
    final String bridge;

    Layers(String agentPackage, String bridgePackage) {
      advice = agentPackage + ".advice..";
      jdkModel = agentPackage + ".jdk..";
      tracking = agentPackage + ".tracking..";
      telemetry = agentPackage + ".telemetry..";
      bridge = bridgePackage + "..";
    }

    /** Advice is inlined into JDK classes: it may see only what every class loader sees there. */
    ArchRule advice() {
      return classes()
          .that()
          .resideInAPackage(advice)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(advice, jdkModel, bridge, BYTE_BUDDY, "java..", "javax..")
          .because("advice reaches the agent only through the bridge");
    }

    ArchRule tracking() {
      return noClasses()
          .that()
          .resideInAPackage(tracking)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(OPENTELEMETRY, BYTE_BUDDY, telemetry, advice)
          .because(
              "tracking records handshakes on the application's threads, without OpenTelemetry");
    }

    ArchRule telemetry() {
      return noClasses()
          .that()
          .resideInAPackage(telemetry)
          .should()
          .dependOnClassesThat()
          .resideInAnyPackage(BYTE_BUDDY, advice)
          .because("telemetry turns ended handshakes into spans and metrics, it never instruments");
    }

    /** The bridge is defined in the boot loader, where only the JDK is. */
    ArchRule bridge() {
      return classes()
          .that()
          .resideInAPackage(bridge)
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(bridge, "java..", "javax..")
          .because("the bridge lives in the boot loader, which sees the JDK only");
    }
  }

  @Test
  void adviceDependsOnTheBridgeByteBuddyAndTheJdkOnly() {
    AGENT.advice().check(MAIN);
  }

  @Test
  void trackingDependsOnNeitherOpenTelemetryNorByteBuddy() {
    AGENT.tracking().check(MAIN);
  }

  @Test
  void telemetryDependsNotOnByteBuddy() {
    AGENT.telemetry().check(MAIN);
  }

  @Test
  void bridgeDependsOnTheJdkOnly() {
    AGENT.bridge().check(MAIN);
  }

  @Test
  void adviceRuleFailsOnAdviceThatUsesTrackingOrOpenTelemetry() {
    assertViolations(FIXTURE.advice(), "WrongAdvice", "tracking.WrongTracking", "Span");
  }

  @Test
  void trackingRuleFailsOnTrackingThatUsesOpenTelemetryOrByteBuddy() {
    assertViolations(FIXTURE.tracking(), "WrongTracking", "Span", "net.bytebuddy");
  }

  @Test
  void telemetryRuleFailsOnTelemetryThatUsesByteBuddy() {
    assertViolations(FIXTURE.telemetry(), "WrongTelemetry", "net.bytebuddy");
  }

  @Test
  void bridgeRuleFailsOnABridgeThatUsesMoreThanTheJdk() {
    assertViolations(FIXTURE.bridge(), "WrongBridge", "io.opentelemetry");
  }

  private static void assertViolations(ArchRule rule, String... mentioned) {
    EvaluationResult result = rule.evaluate(BROKEN);
    assertTrue(result.hasViolation(), "the rule should fail on the fixture: " + rule);
    String report = String.join("\n", result.getFailureReport().getDetails());
    for (String m : mentioned) {
      assertTrue(report.contains(m), "the report should name " + m + ":\n" + report);
    }
    // The fixture also has a class per layer with only right arrows: never reported.
    assertFalse(report.contains("Right") || report.contains("FixtureBridge"), report);
  }
}
