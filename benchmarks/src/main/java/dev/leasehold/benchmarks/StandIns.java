package dev.leasehold.benchmarks;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.sun.net.httpserver.HttpServer;
import dev.leasehold.support.StsStub;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.time.Instant;

/**
 * WireMock stand-ins on loopback, started inside a benchmark's {@code @Setup}: STS answering
 * {@code AssumeRole} in its real Query API wire format, and an S3 endpoint answering every call with a
 * small object.
 */
final class StandIns {
  static final String ACCESS_KEY_ID = StsStub.ACCESS_KEY_ID;
  static final String SECRET_ACCESS_KEY = StsStub.SECRET_ACCESS_KEY;
  static final String SESSION_TOKEN = StsStub.SESSION_TOKEN;

  private StandIns() {}

  /** An STS stand-in whose every AssumeRole succeeds with credentials valid for an hour. */
  static WireMockServer sts() {
    WireMockServer server = new WireMockServer(wireMockConfig().bindAddress("127.0.0.1").dynamicPort()
        .containerThreads(300).jettyAcceptQueueSize(512));
    server.start();
    server.stubFor(post(urlEqualTo("/")).withRequestBody(containing("Action=AssumeRole"))
        .willReturn(StsStub.success(Instant.now().plusSeconds(3600))));
    return server;
  }

  /**
   * An S3 stand-in on the JDK's HTTP server: every request gets 200 with a 16-byte body. Lighter than
   * WireMock, so B3 measures the clients rather than the stand-in.
   */
  static HttpServer s3() {
    // Without TCP_NODELAY, Nagle's algorithm and delayed ACKs add ~40 ms to every small response.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
      byte[] body = "release 1.4.2 ok".getBytes(StandardCharsets.UTF_8);
      server.createContext("/", exchange -> {
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
        exchange.getResponseHeaders().add("ETag", "\"6f5902ac237024bdd0c176cb93063dc4\"");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      });
      server.setExecutor(Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "s3-stand-in");
        t.setDaemon(true);
        return t;
      }));
      server.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static URI endpoint(WireMockServer server) {
    return URI.create("http://127.0.0.1:" + server.port());
  }

  static URI endpoint(HttpServer server) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** How many AssumeRole requests reached {@code sts}. */
  static int assumeRoleCount(WireMockServer sts) {
    return sts.findAll(postRequestedFor(urlEqualTo("/")).withRequestBody(containing("Action=AssumeRole"))).size();
  }
}
