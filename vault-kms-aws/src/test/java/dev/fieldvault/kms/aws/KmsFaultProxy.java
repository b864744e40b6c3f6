package dev.fieldvault.kms.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on loopback between the KMS client and moto: it forwards every request to moto,
 * counts them per KMS operation, and can answer the next requests of an operation with an AWS error
 * instead (throttling, a disabled key, access denied), which moto cannot produce by itself.
 */
final class KmsFaultProxy implements AutoCloseable {

  private static final Set<String> HOP_HEADERS = Set.of("host", "content-length", "connection", "expect",
      "upgrade", "transfer-encoding");

  private final HttpServer server;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "kms-fault-proxy");
    t.setDaemon(true);
    return t;
  });
  private final URI target;
  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final Map<String, ConcurrentLinkedQueue<String[]>> faults = new ConcurrentHashMap<>();

  KmsFaultProxy(URI target) throws IOException {
    this.target = target;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(pool);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** The next {@code times} calls of {@code operation} (e.g. "Decrypt") get this AWS error. */
  void fail(String operation, int times, int status, String errorType) {
    var q = faults.computeIfAbsent(operation, k -> new ConcurrentLinkedQueue<>());
    for (int i = 0; i < times; i++) {
      q.add(new String[] {Integer.toString(status), errorType});
    }
  }

  /** How many calls of the operation reached the proxy (failed ones included). */
  int calls(String operation) {
    AtomicInteger n = counts.get(operation);
    return n == null ? 0 : n.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
      String op = target == null ? "?" : target.substring(target.indexOf('.') + 1);
      counts.computeIfAbsent(op, k -> new AtomicInteger()).incrementAndGet();
      byte[] body = ex.getRequestBody().readAllBytes();
      var q = faults.get(op);
      String[] fault = q == null ? null : q.poll();
      if (fault != null) {
        byte[] err = ("{\"__type\":\"" + fault[1] + "\",\"message\":\"injected by the test\"}")
            .getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        ex.getResponseHeaders().add("x-amzn-ErrorType", fault[1]);
        ex.sendResponseHeaders(Integer.parseInt(fault[0]), err.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(err);
        }
        return;
      }
      HttpRequest.Builder req = HttpRequest.newBuilder(this.target.resolve(ex.getRequestURI().toString()))
          .method(ex.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
      for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
        if (!HOP_HEADERS.contains(h.getKey().toLowerCase())) {
          h.getValue().forEach(v -> req.header(h.getKey(), v));
        }
      }
      HttpResponse<byte[]> res;
      try {
        res = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        ex.sendResponseHeaders(502, -1);
        return;
      }
      res.headers().map().forEach((k, v) -> {
        if (!HOP_HEADERS.contains(k.toLowerCase()) && !k.startsWith(":")) {
          v.forEach(val -> ex.getResponseHeaders().add(k, val));
        }
      });
      ex.sendResponseHeaders(res.statusCode(), res.body().length == 0 ? -1 : res.body().length);
      if (res.body().length > 0) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(res.body());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
