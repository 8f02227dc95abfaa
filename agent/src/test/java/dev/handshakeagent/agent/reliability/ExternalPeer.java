package dev.handshakeagent.agent.reliability;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code openssl} and {@code curl} as the other side of a handshake, and what they report about it:
 * protocol, cipher (mapped to the IANA name), new or reused session, key-exchange group, and the
 * fatal alerts they sent ({@code >>>}) or received ({@code <<<}).
 */
final class ExternalPeer {
  private ExternalPeer() {}

  /** What the peer printed, parsed. Null fields: the peer did not say. */
  static final class Report {
    final String output;
    final int exitCode;
    String protocol;
    String cipher;
    Boolean reused;
    String group;
    final List<String> alertsSent = new ArrayList<>();
    final List<String> alertsReceived = new ArrayList<>();

    Report(String output, int exitCode) {
      this.output = output;
      this.exitCode = exitCode;
    }

    @Override
    public String toString() {
      return "protocol="
          + protocol
          + " cipher="
          + cipher
          + " reused="
          + reused
          + " group="
          + group
          + " alertsSent="
          + alertsSent
          + " alertsReceived="
          + alertsReceived
          + " exit="
          + exitCode;
    }
  }

  /** RFC 8446 alert descriptions by number, for curl's {@code TLS alert, ... (560)} lines. */
  private static final Map<Integer, String> ALERTS =
      Map.ofEntries(
          Map.entry(0, "close_notify"),
          Map.entry(10, "unexpected_message"),
          Map.entry(20, "bad_record_mac"),
          Map.entry(40, "handshake_failure"),
          Map.entry(42, "bad_certificate"),
          Map.entry(43, "unsupported_certificate"),
          Map.entry(44, "certificate_revoked"),
          Map.entry(45, "certificate_expired"),
          Map.entry(46, "certificate_unknown"),
          Map.entry(47, "illegal_parameter"),
          Map.entry(48, "unknown_ca"),
          Map.entry(49, "access_denied"),
          Map.entry(50, "decode_error"),
          Map.entry(51, "decrypt_error"),
          Map.entry(70, "protocol_version"),
          Map.entry(71, "insufficient_security"),
          Map.entry(80, "internal_error"),
          Map.entry(90, "user_canceled"),
          Map.entry(109, "missing_extension"),
          Map.entry(110, "unsupported_extension"),
          Map.entry(112, "unrecognized_name"),
          Map.entry(116, "certificate_required"),
          Map.entry(120, "no_application_protocol"));

  private static final Pattern SESSION_PROTOCOL =
      Pattern.compile("(?m)^\\s*Protocol\\s*:\\s*(\\S+)");
  private static final Pattern SESSION_CIPHER = Pattern.compile("(?m)^\\s*Cipher\\s*:\\s*(\\S+)");
  private static final Pattern NEW_OR_REUSED =
      Pattern.compile("(?m)^(New|Reused), (\\S+), Cipher is (\\S+)");
  private static final Pattern TEMP_KEY = Pattern.compile("(?m)^Server Temp Key: ([^,\\s]+)");
  private static final Pattern OPENSSL_ALERT =
      Pattern.compile("(?m)^(>>>|<<<) [^\\n]*Alert \\[length [0-9a-fA-F]+\\], fatal (\\w+)");
  private static final Pattern CURL_CONNECTION =
      Pattern.compile("(?m)^\\* SSL connection using (\\S+) / (\\S+)");
  private static final Pattern CURL_ALERT =
      Pattern.compile("(?m)^\\* TLSv[0-9.]+ \\((OUT|IN)\\), TLS alert, [^(]*\\((\\d+)\\):");

  private static Map<String, String> ianaNames;

  static boolean available(String tool) {
    try {
      Process p =
          new ProcessBuilder(tool, tool.equals("curl") ? "--version" : "version")
              .redirectErrorStream(true)
              .start();
      p.getInputStream().readAllBytes();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  /** Runs {@code cmd} with {@code stdin}, output and errors together, bounded by 30 s. */
  static Report run(List<String> cmd, String stdin) throws IOException, InterruptedException {
    Path out = Files.createTempFile("peer", ".txt");
    try {
      Process p =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      try (OutputStream in = p.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin.getBytes(StandardCharsets.US_ASCII));
        }
      } catch (IOException e) {
        // the peer exited before reading its input
      }
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("did not finish in 30 s: " + cmd);
      }
      return parse(Files.readString(out, StandardCharsets.ISO_8859_1), p.exitValue());
    } finally {
      Files.deleteIfExists(out);
    }
  }

  /** Parses openssl s_client / s_server (with {@code -msg}) and curl {@code -v} output. */
  static Report parse(String text, int exitCode) {
    Report r = new Report(text, exitCode);
    Matcher m = SESSION_PROTOCOL.matcher(text);
    if (m.find()) {
      r.protocol = m.group(1);
    }
    m = SESSION_CIPHER.matcher(text);
    if (m.find()) {
      r.cipher = iana(m.group(1));
    }
    m = NEW_OR_REUSED.matcher(text);
    if (m.find()) {
      r.reused = m.group(1).equals("Reused");
      r.protocol = r.protocol == null ? m.group(2) : r.protocol;
      r.cipher = r.cipher == null ? iana(m.group(3)) : r.cipher;
    }
    m = TEMP_KEY.matcher(text);
    if (m.find()) {
      r.group = openSslGroup(m.group(1));
    }
    m = OPENSSL_ALERT.matcher(text);
    while (m.find()) {
      (m.group(1).equals(">>>") ? r.alertsSent : r.alertsReceived).add(m.group(2));
    }
    m = CURL_CONNECTION.matcher(text);
    if (m.find()) {
      r.protocol = m.group(1);
      r.cipher = iana(m.group(2));
    }
    m = CURL_ALERT.matcher(text);
    while (m.find()) {
      int code = Integer.parseInt(m.group(2));
      if ((code >> 8) == 2) { // fatal
        String name = ALERTS.getOrDefault(code & 0xFF, "alert(" + (code & 0xFF) + ")");
        (m.group(1).equals("OUT") ? r.alertsSent : r.alertsReceived).add(name);
      }
    }
    return r;
  }

  /** {@code X25519} -> {@code x25519}; {@code ECDH, prime256v1} is reported as its curve. */
  private static String openSslGroup(String name) {
    switch (name) {
      case "X25519":
        return "x25519";
      case "X448":
        return "x448";
      default:
        return name.toLowerCase(Locale.ROOT);
    }
  }

  /** The IANA name of an OpenSSL cipher name ({@code openssl ciphers -stdname}). */
  static synchronized String iana(String openSslName) {
    if (ianaNames == null) {
      Map<String, String> names = new HashMap<>();
      try {
        Report r = run(List.of("openssl", "ciphers", "-stdname", "ALL:COMPLEMENTOFALL"), null);
        for (String line : r.output.split("\n")) {
          String[] parts = line.trim().split("\\s+");
          if (parts.length >= 3 && parts[1].equals("-")) {
            names.put(parts[2], parts[0]);
          }
        }
      } catch (IOException | InterruptedException e) {
        throw new IllegalStateException(e);
      }
      ianaNames = names;
    }
    return ianaNames.getOrDefault(openSslName, openSslName);
  }

  /**
   * PEM files for OpenSSL and curl, exported from the test PKCS12 stores into a directory next to
   * them ({@code target/test-pki-pem}), again whenever a store is newer: {@code name.pem} holds the
   * key and the certificates, {@code name-cert.pem} the certificates only.
   */
  static synchronized Path pem(Path p12, String name) throws IOException, InterruptedException {
    Path pki = p12.getParent();
    Path dir = pki.resolveSibling(pki.getFileName() + "-pem");
    Files.createDirectories(dir);
    Path pem = dir.resolve(name + ".pem");
    Path cert = dir.resolve(name + "-cert.pem");
    if (!Files.exists(pem)
        || !Files.exists(cert)
        || Files.getLastModifiedTime(pem).compareTo(Files.getLastModifiedTime(p12)) < 0) {
      for (boolean keys : new boolean[] {true, false}) {
        Path tmp = Files.createTempFile(dir, name, ".tmp");
        List<String> cmd = new ArrayList<>(List.of("openssl", "pkcs12", "-in", p12.toString()));
        cmd.addAll(List.of("-passin", "pass:changeit", "-out", tmp.toString()));
        cmd.add(keys ? "-nodes" : "-nokeys");
        Report r = run(cmd, null);
        if (r.exitCode != 0) {
          throw new IOException("openssl pkcs12 failed: " + r.output);
        }
        Files.move(
            tmp,
            keys ? pem : cert,
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      }
    }
    return pem;
  }

  static Path certOnly(Path pem) {
    String name = pem.getFileName().toString();
    return pem.resolveSibling(name.substring(0, name.length() - 4) + "-cert.pem");
  }

  /** An {@code openssl s_server} started in the background, on an ephemeral loopback port. */
  static final class SServer implements AutoCloseable {
    final Process process;
    final Path out;
    final int port;

    SServer(List<String> args) throws IOException, InterruptedException {
      out = Files.createTempFile("s_server", ".txt");
      List<String> cmd = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:0"));
      cmd.addAll(args);
      process =
          new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      process.getOutputStream().close();
      Pattern accept = Pattern.compile("ACCEPT [^\\n]*:(\\d+)");
      int p = -1;
      for (int i = 0; i < 200 && p < 0; i++) {
        Matcher m = accept.matcher(Files.readString(out, StandardCharsets.ISO_8859_1));
        if (m.find()) {
          p = Integer.parseInt(m.group(1));
        } else if (!process.isAlive()) {
          break;
        } else {
          Thread.sleep(25);
        }
      }
      if (p < 0) {
        process.destroyForcibly();
        throw new IOException(
            "s_server did not start: " + Files.readString(out, StandardCharsets.ISO_8859_1));
      }
      port = p;
    }

    /** Waits for s_server to exit ({@code -naccept}), then parses what it printed. */
    Report report() throws IOException, InterruptedException {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroy();
        process.waitFor(5, TimeUnit.SECONDS);
      }
      return parse(Files.readString(out, StandardCharsets.ISO_8859_1), process.exitValue());
    }

    @Override
    public void close() throws IOException {
      process.destroyForcibly();
      Files.deleteIfExists(out);
    }
  }
}
