package dev.handshakeagent.agent.jdk;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Every JDK-internal class, method, field and string constant the agent relies on, one {@link
 * JdkRow} each. The hooks, the reflective reads and {@link JdkCheck} all take their names from the
 * rows; the README's model table counts them. Today one TLS provider (SunJSSE, {@link SunJsse}) and
 * the agent's own use of {@code java.base} ({@link JavaBase}); other providers add their own rows,
 * tagged with their provider and features.
 */
public final class JdkModel {

  private static final JdkModel STANDARD = new JdkModel(standardRows());

  /** Every row, in model order. */
  public final List<JdkRow> rows;

  private JdkModel(List<JdkRow> rows) {
    this.rows = Collections.unmodifiableList(new ArrayList<>(rows));
  }

  private static List<JdkRow> standardRows() {
    List<JdkRow> rows = new ArrayList<>(SunJsse.rows());
    rows.addAll(CertPath.rows());
    rows.addAll(JavaBase.rows());
    return rows;
  }

  /** The model the agent uses. */
  public static JdkModel standard() {
    return STANDARD;
  }

  /**
   * This model with {@code row} replaced by {@code replacement} (a renamed field, a changed
   * descriptor): how tests simulate a JDK that changed. The check then reports the replacement, and
   * the features that need it are off, so the agent's code never uses the original row.
   */
  public JdkModel replacing(JdkRow row, JdkRow replacement) {
    List<JdkRow> copy = new ArrayList<>(rows);
    int i = copy.indexOf(row);
    if (i < 0) {
      throw new IllegalArgumentException("not in the model: " + row);
    }
    copy.set(i, replacement);
    return new JdkModel(copy);
  }

  /** Rows per feature (a row needed by two features counts for both). */
  public Map<Feature, Integer> rowsPerFeature() {
    Map<Feature, Integer> counts = new EnumMap<>(Feature.class);
    for (Feature f : Feature.values()) {
      counts.put(f, 0);
    }
    for (JdkRow r : rows) {
      for (Feature f : r.features) {
        counts.merge(f, 1, Integer::sum);
      }
    }
    return counts;
  }
}
