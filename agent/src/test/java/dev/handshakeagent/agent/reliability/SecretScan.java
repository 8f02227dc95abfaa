package dev.handshakeagent.agent.reliability;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Searches text for key material in every form it could take: hex (any case), base64 (standard and
 * URL, with and without padding) and the raw bytes (ISO-8859-1), whole and, for long secrets, in
 * pieces: 16 bytes every 8 (hex and raw), so any leaked run of 23 bytes or more is found, and 18
 * bytes every 3 (base64, at the boundaries where a longer base64 run contains them).
 */
final class SecretScan {
  static final int WINDOW = 16;

  private SecretScan() {}

  /** The forms of {@code b} as they would appear in text, by name. */
  static Map<String, String> forms(byte[] b) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("hex", HexFormat.of().formatHex(b)); // compared case-insensitively
    f.put("base64", Base64.getEncoder().encodeToString(b));
    f.put("base64 unpadded", Base64.getEncoder().withoutPadding().encodeToString(b));
    f.put("base64url", Base64.getUrlEncoder().encodeToString(b));
    f.put("base64url unpadded", Base64.getUrlEncoder().withoutPadding().encodeToString(b));
    f.put("raw", new String(b, StandardCharsets.ISO_8859_1));
    return f;
  }

  /** Every place one of {@code secrets} occurs in {@code text}; empty when none does. */
  static List<String> find(List<SecretCapture.Secret> secrets, String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    // The same text as bytes: raw secret bytes written through a UTF-8 stream show up here.
    String rawBytes =
        new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    List<String> found = new ArrayList<>();
    for (SecretCapture.Secret s : secrets) {
      for (Map.Entry<String, String> form : forms(s.bytes).entrySet()) {
        if (contains(form.getKey(), form.getValue(), text, lower, rawBytes)) {
          found.add(s.name + " as " + form.getKey());
        }
      }
      if (s.bytes.length > 2 * WINDOW) {
        for (int i = 0; i + WINDOW <= s.bytes.length; i++) {
          if (i % 8 == 0) {
            byte[] w = Arrays.copyOfRange(s.bytes, i, i + WINDOW);
            String hex = HexFormat.of().formatHex(w);
            if (lower.contains(hex)) {
              found.add(s.name + " bytes " + i + ".." + (i + WINDOW) + " as hex");
            }
            String raw = new String(w, StandardCharsets.ISO_8859_1);
            if (text.contains(raw) || rawBytes.contains(raw)) {
              found.add(s.name + " bytes " + i + ".." + (i + WINDOW) + " raw");
            }
          }
          if (i % 3 == 0 && i + 18 <= s.bytes.length) {
            byte[] w18 = Arrays.copyOfRange(s.bytes, i, i + 18);
            if (text.contains(Base64.getEncoder().encodeToString(w18))
                || text.contains(Base64.getUrlEncoder().encodeToString(w18))) {
              found.add(s.name + " bytes " + i + ".." + (i + 18) + " as base64");
            }
          }
        }
      }
    }
    return found;
  }

  private static boolean contains(
      String form, String value, String text, String lower, String rawBytes) {
    if (form.equals("hex")) {
      return lower.contains(value);
    }
    if (form.equals("raw")) {
      return text.contains(value) || rawBytes.contains(value);
    }
    return text.contains(value);
  }
}
