package dev.handshakeagent.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An OTLP/HTTP endpoint on 127.0.0.1 that answers every export with success and keeps nothing but
 * counts: requests, bytes, and spans (read from the protobuf wire format without a protobuf
 * library), so a benchmark run can show that the agent really exported and nothing was dropped. It
 * runs in the driver's process, so its own CPU is not charged to the benchmark forks.
 */
public final class DiscardingReceiver implements AutoCloseable {
  private final HttpServer server;
  public final AtomicLong requests = new AtomicLong();
  public final AtomicLong bytes = new AtomicLong();
  public final AtomicLong spans = new AtomicLong();
  public final AtomicLong metricRequests = new AtomicLong();

  public DiscardingReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/", this::handle);
    server.setExecutor(Executors.newFixedThreadPool(2, r -> daemon(r)));
    server.start();
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "discarding-receiver");
    t.setDaemon(true);
    return t;
  }

  /** The base endpoint, for {@code otel.exporter.otlp.endpoint}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readAllBytes();
      requests.incrementAndGet();
      bytes.addAndGet(body.length);
      if (exchange.getRequestURI().getPath().endsWith("/v1/traces")) {
        spans.addAndGet(countSpans(body));
      } else if (exchange.getRequestURI().getPath().endsWith("/v1/metrics")) {
        metricRequests.incrementAndGet();
      }
    } catch (RuntimeException malformed) {
      // Counted as a request; the span count is best effort.
    }
    exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
    exchange.sendResponseHeaders(200, -1);
    exchange.close();
  }

  /**
   * Spans in an ExportTraceServiceRequest: field 1 (resource_spans) holds field 2 (scope_spans)
   * which holds field 2 (spans).
   */
  static long countSpans(byte[] body) {
    long n = 0;
    for (int[] rs : fields(body, 0, body.length, 1)) {
      for (int[] ss : fields(body, rs[0], rs[1], 2)) {
        n += fields(body, ss[0], ss[1], 2).size();
      }
    }
    return n;
  }

  /** The [start, end) ranges of the length-delimited fields numbered {@code number}. */
  private static List<int[]> fields(byte[] b, int from, int to, int number) {
    List<int[]> out = new ArrayList<>();
    int[] pos = {from};
    while (pos[0] < to) {
      long key = varint(b, pos);
      int wire = (int) (key & 7);
      long field = key >>> 3;
      switch (wire) {
        case 0:
          varint(b, pos);
          break;
        case 1:
          pos[0] += 8;
          break;
        case 5:
          pos[0] += 4;
          break;
        case 2:
          int len = (int) varint(b, pos);
          if (field == number) {
            out.add(new int[] {pos[0], pos[0] + len});
          }
          pos[0] += len;
          break;
        default:
          throw new IllegalArgumentException("wire type " + wire);
      }
    }
    return out;
  }

  private static long varint(byte[] b, int[] pos) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte x = b[pos[0]++];
      v |= (long) (x & 0x7f) << shift;
      if (x >= 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("varint");
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
