package dev.leasehold.fleet.postgres;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * A light S3 endpoint on loopback for the long acceptance loop (WireMock's per-request journal and matching cost
 * more than the guarded call under test): the JDK's HTTP server answers every request with 200 and a small
 * object, as S3 answers GetObject, and counts what reached it per HTTP method and bucket.
 */
final class S3StandIn implements AutoCloseable {
  static final String BODY = "release 1.4.2 ok";

  private final HttpServer server;
  private final ExecutorService executor;
  private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();

  S3StandIn() {
    // Without TCP_NODELAY, Nagle's algorithm and delayed ACKs add ~40 ms to every small response.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath();
      String bucket = path.length() > 1 ? path.substring(1).split("/", 2)[0] : "";
      requests.computeIfAbsent(exchange.getRequestMethod() + " " + bucket, k -> new LongAdder()).increment();
      exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
      exchange.getResponseHeaders().add("ETag", "\"6f5902ac237024bdd0c176cb93063dc4\"");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    executor = Executors.newFixedThreadPool(16, r -> {
      Thread t = new Thread(r, "s3-stand-in");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** How many requests with {@code method} on {@code bucket} reached the stand-in. */
  long requests(String method, String bucket) {
    LongAdder n = requests.get(method + " " + bucket);
    return n == null ? 0 : n.sum();
  }

  /** How many requests reached it in all. */
  long requests() {
    return requests.values().stream().mapToLong(LongAdder::sum).sum();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
