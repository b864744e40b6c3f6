package dev.fieldvault.testsupport;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A local AWS API server ({@code moto}, the Python package) on 127.0.0.1, started and stopped by the
 * test itself so that it can take the server away mid-run (a KMS outage). The executable is
 * {@code FIELDVAULT_TEST_MOTO_SERVER} (a path or a command), else {@code moto_server} on the PATH,
 * else {@code python3 -m moto.server}. When none starts, the test is skipped with a message, except
 * under {@code CI=true}, where it fails: CI never passes by skipping. {@code .ci/run} installs moto.
 */
public final class MotoServer implements AutoCloseable {

  private final int port;
  private final Process process;
  private final Path log;

  private MotoServer(int port, Process process, Path log) {
    this.port = port;
    this.process = process;
    this.log = log;
  }

  /** Starts a fresh server (empty state) on a free port; skips or fails as described above. */
  public static MotoServer start() {
    List<String> failures = new ArrayList<>();
    for (List<String> command : candidates()) {
      try {
        return start(command);
      } catch (IOException | RuntimeException e) {
        failures.add(String.join(" ", command) + ": " + e.getMessage());
      }
    }
    String message = "moto server unavailable (" + String.join("; ", failures) + "): install it with"
        + " pip install 'moto[server]' or set FIELDVAULT_TEST_MOTO_SERVER";
    if (TestDatabases.isCi()) {
      throw new IllegalStateException(message + " (CI=true: a missing moto server is a failure, not a skip)");
    }
    Assumptions.abort(message);
    throw new AssertionError("unreachable");
  }

  private static List<List<String>> candidates() {
    List<List<String>> out = new ArrayList<>();
    String env = System.getenv("FIELDVAULT_TEST_MOTO_SERVER");
    if (env != null && !env.isBlank()) {
      out.add(List.of(env.trim().split("\\s+")));
      return out;
    }
    if (onPath("moto_server")) {
      out.add(List.of("moto_server"));
    }
    out.add(List.of("python3", "-m", "moto.server"));
    return out;
  }

  private static boolean onPath(String exe) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, exe))) {
        return true;
      }
    }
    return false;
  }

  private static MotoServer start(List<String> command) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    List<String> full = new ArrayList<>(command);
    full.addAll(List.of("-H", "127.0.0.1", "-p", Integer.toString(port)));
    Path log = Files.createTempFile("moto-server", ".log");
    Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IllegalStateException("exited with " + p.exitValue() + ": " + tail(log));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return new MotoServer(port, p, log);
      } catch (IOException notYet) {
        sleep(100);
      }
    }
    destroy(p);
    throw new IllegalStateException("did not listen on port " + port + " within 30 s: " + tail(log));
  }

  /** The server's base URI, {@code http://127.0.0.1:<port>}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  public int port() {
    return port;
  }

  public boolean isRunning() {
    return process.isAlive();
  }

  /** Stops the server (and its state); calls to it fail with "connection refused" from then on. */
  public void stop() {
    destroy(process);
  }

  @Override
  public void close() {
    stop();
    try {
      Files.deleteIfExists(log);
    } catch (IOException ignored) {
      // a temporary file
    }
  }

  private static void destroy(Process p) {
    p.descendants().forEach(ProcessHandle::destroy);
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String tail(Path log) {
    try {
      String s = Files.readString(log);
      return s.length() > 500 ? s.substring(s.length() - 500) : s;
    } catch (IOException e) {
      return "(no output)";
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the moto server", e);
    }
  }

  @Override
  public String toString() {
    return "MotoServer{" + endpoint() + "}";
  }
}
