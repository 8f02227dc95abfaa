package dev.handshakeagent.agent.jdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link JdkCheck}: the whole model against the running JDK (surefire runs this on JDK 17 and 25),
 * and mutated rows that must switch off exactly the features that need them.
 */
class JdkCheckTest {

  @Test
  void everyRowHoldsOnTheRunningJdk() {
    JdkCheck check = JdkCheck.run(JdkModel.standard());
    assertEquals(List.of(), check.failed, "rows that do not hold on " + Runtime.version());
    assertEquals(EnumSet.allOf(Feature.class), check.enabled);
    assertNull(check.warning(Runtime.version().toString()));
  }

  @Test
  void everyFeatureHasRowsAndNoRowIsListedTwice() {
    Map<Feature, Integer> perFeature = JdkModel.standard().rowsPerFeature();
    for (Feature f : Feature.values()) {
      assertTrue(perFeature.get(f) > 0, "no row for " + f);
    }
    Set<String> seen = new HashSet<>();
    for (JdkRow r : JdkModel.standard().rows) {
      assertTrue(seen.add(r.toString()), "listed twice: " + r);
      assertTrue(
          List.of(SunJsse.PROVIDER, CertPath.PROVIDER, JavaBase.PROVIDER).contains(r.provider),
          r.provider);
      assertTrue(r.verifiedOn.contains(feature(Runtime.version())), r + ": " + r.verifiedOn);
    }
    System.out.println("JDK model rows per feature: " + perFeature + ", rows: " + seen.size());
  }

  /** The README's table of rows per feature is the model's, and so is its total. */
  @Test
  void readmeCountsRowsPerFeatureAsTheModelDoes() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    Map<Feature, Integer> perFeature = JdkModel.standard().rowsPerFeature();
    for (Feature f : Feature.values()) {
      String row = "| `" + f + "` | " + perFeature.get(f) + " |";
      assertTrue(readme.contains(row), "README lacks " + row);
    }
    int total = JdkModel.standard().rows.size();
    assertTrue(readme.contains("the model's " + total + " rows"), "README total is not " + total);
  }

  @Test
  void renamedFieldSwitchesOffEveryFeatureThatNeedsIt() {
    assertOnlyFailedRow(
        SunJsse.TC_CLOSE_REASON,
        SunJsse.TC_CLOSE_REASON.renamed("closeCause"),
        Feature.FAILURE,
        Feature.CLOSE);
  }

  @Test
  void missingMethodSwitchesOffItsFeature() {
    assertOnlyFailedRow(
        SunJsse.T13_SERVER_CERTS,
        SunJsse.T13_SERVER_CERTS.renamed("checkServerCertificates"),
        Feature.TRUST);
  }

  @Test
  void changedMethodDescriptorSwitchesOffItsFeature() {
    // nameOf(int) exists, but returns a String, not an Object.
    assertOnlyFailedRow(
        SunJsse.NAMED_GROUP_NAME_OF,
        SunJsse.NAMED_GROUP_NAME_OF.withDescriptor("(I)Ljava/lang/Object;"),
        Feature.OFFERED);
  }

  @Test
  void changedFieldTypeSwitchesOffItsFeature() {
    assertOnlyFailedRow(
        SunJsse.HC_APPLICATION_PROTOCOL,
        SunJsse.HC_APPLICATION_PROTOCOL.withDescriptor("[B"),
        Feature.ALPN);
  }

  @Test
  void missingStringSwitchesOffItsFeature() {
    assertOnlyFailedRow(
        SunJsse.NO_CIPHER_SUITES_IN_COMMON,
        SunJsse.NO_CIPHER_SUITES_IN_COMMON.renamed("no cipher suite in common"),
        Feature.DIAGNOSIS);
  }

  @Test
  void missingClassFailsEveryRowInIt() {
    JdkModel model = JdkModel.standard();
    List<JdkRow> moved = new ArrayList<>();
    for (JdkRow r : JdkModel.standard().rows) {
      if (r.className.equals(SunJsse.CCS_CONSUMER)) {
        JdkRow m = r.inClass(SunJsse.CCS_CONSUMER + "Gone");
        model = model.replacing(r, m);
        moved.add(m);
      }
    }
    assertFalse(moved.isEmpty());
    JdkCheck check = JdkCheck.run(model);
    assertEquals(moved, check.failed);
    assertEquals(allBut(Feature.PHASES), check.enabled);
  }

  @Test
  void aCoreRowSwitchesEverythingOff() {
    JdkRow renamed = SunJsse.TC_CON_SESSION.renamed("session");
    JdkCheck check = mutated(SunJsse.TC_CON_SESSION, renamed);
    assertEquals(List.of(renamed), check.failed);
    assertTrue(check.enabled.isEmpty(), "enabled: " + check.enabled);
    String line = check.warning("17.0.99");
    assertTrue(line.contains("switched off: everything"), line);
  }

  @Test
  void warningIsOneLineNamingEveryFailedRowAndTheFeaturesOff() {
    JdkRow field = SunJsse.TC_CLOSE_REASON.renamed("closeCause");
    JdkRow text = SunJsse.PKIX_PATH_BUILDING_FAILED.renamed("PKIX path building broke");
    JdkModel model =
        JdkModel.standard()
            .replacing(SunJsse.TC_CLOSE_REASON, field)
            .replacing(SunJsse.PKIX_PATH_BUILDING_FAILED, text);
    String line = JdkCheck.run(model).warning("17.0.99");
    assertEquals(
        "this JDK (17.0.99) does not match the JDK model; switched off: [FAILURE, CLOSE,"
            + " DIAGNOSIS]; missing: sun.security.ssl.TransportContext.closeCause"
            + ":Ljava/lang/Exception;, sun.security.validator.PKIXValidator"
            + " \"PKIX path building broke\"",
        line);
  }

  @Test
  void classesAreReadNotLoaded() {
    String name = NeverLoaded.class.getName(); // a constant: this does not load the class
    JdkRow row =
        new JdkRow(
            JdkRow.Kind.FIELD,
            "test",
            name,
            "value",
            "I",
            EnumSet.of(Feature.PHASES),
            "test row",
            "any");
    JdkRow text =
        new JdkRow(
            JdkRow.Kind.STRING,
            "test",
            name,
            "initialised",
            null,
            EnumSet.of(Feature.PHASES),
            "test row",
            "any");
    JdkModel model = JdkModel.standard().replacing(SunJsse.KEY_UPDATE, row);
    model = model.replacing(SunJsse.CHANGE_CIPHER_SPEC, text);
    JdkCheck check = JdkCheck.run(model, JdkCheckTest::testClassFile);
    assertEquals(List.of(), check.failed);
    assertFalse(neverLoadedInitialised, "reading the class file must not initialise it");
  }

  private static byte[] testClassFile(String binaryName) {
    String resource = binaryName.replace('.', '/') + ".class";
    try (InputStream in = JdkCheckTest.class.getClassLoader().getResourceAsStream(resource)) {
      return in == null ? null : in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static volatile boolean neverLoadedInitialised;

  /** Sets a flag (outside itself) when initialised; the check must only read its class file. */
  static final class NeverLoaded {
    static int value;

    static {
      neverLoadedInitialised = true;
      System.out.println("initialised");
    }
  }

  /**
   * The model with {@code row} replaced by {@code changed}: exactly that row fails, and exactly the
   * features {@code off} are switched off.
   */
  private static void assertOnlyFailedRow(
      JdkRow row, JdkRow changed, Feature first, Feature... off) {
    JdkCheck check = mutated(row, changed);
    assertEquals(List.of(changed), check.failed);
    assertEquals(allBut(first, off), check.enabled);
  }

  private static JdkCheck mutated(JdkRow row, JdkRow replacement) {
    return JdkCheck.run(JdkModel.standard().replacing(row, replacement));
  }

  private static Set<Feature> allBut(Feature first, Feature... more) {
    Set<Feature> s = EnumSet.allOf(Feature.class);
    s.removeAll(EnumSet.of(first, more));
    return s;
  }

  /** {@code 17.0.15} or {@code 25.0.3}: the form {@link JdkRow#verifiedOn} lists. */
  private static String feature(Runtime.Version v) {
    return v.feature() + "." + v.interim() + "." + v.update();
  }
}
