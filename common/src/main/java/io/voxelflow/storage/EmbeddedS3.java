package io.voxelflow.storage;

import io.voxelflow.error.FailedPreconditionException;
import io.voxelflow.error.UnavailableException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A real S3-compatible server (S3Proxy on its filesystem backend) under a data directory, run as a
 * child process on a loopback port: the object storage of the embedded default and of the tests.
 * Voxelflow reaches it through the same MinIO SDK code path as any S3 service.
 *
 * <p>The child exits when this object is closed or when the parent process dies (its stdin closes,
 * see {@link S3ProxyWatchdog}). Objects live in {@code dataDir/objects}; its log in
 * {@code dataDir/s3proxy.log}.
 */
public final class EmbeddedS3 implements AutoCloseable {
  /** System property (or env {@code VOXELFLOW_S3PROXY_JAR}) naming S3Proxy's jar-with-dependencies. */
  public static final String JAR_PROPERTY = "voxelflow.s3proxy.jar";

  private static final Logger LOG = Logger.getLogger(EmbeddedS3.class.getName());

  private final Process process;
  private final String endpoint;
  private final String accessKey;
  private final String secretKey;

  private EmbeddedS3(Process process, String endpoint, String accessKey, String secretKey) {
    this.process = process;
    this.endpoint = endpoint;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
  }

  /**
   * Starts a server storing its objects under {@code dataDir} and waits until it answers.
   *
   * @throws FailedPreconditionException if S3Proxy's jar cannot be found
   * @throws UnavailableException if the server does not come up within 60 s
   */
  public static EmbeddedS3 start(Path dataDir) {
    Path jar = locateJar();
    try {
      Files.createDirectories(dataDir.resolve("objects"));
      int port = freePort();
      String endpoint = "http://127.0.0.1:" + port;
      byte[] secret = new byte[24];
      new SecureRandom().nextBytes(secret);
      String accessKey = "voxelflow-embedded";
      String secretKey = HexFormat.of().formatHex(secret);
      Path props = dataDir.resolve("s3proxy.properties");
      Files.writeString(props, String.join("\n",
          "s3proxy.endpoint=" + endpoint,
          "s3proxy.authorization=aws-v2-or-v4",
          "s3proxy.identity=" + accessKey,
          "s3proxy.credential=" + secretKey,
          "jclouds.provider=filesystem-nio2",
          "jclouds.filesystem.basedir=" + dataDir.resolve("objects").toAbsolutePath(),
          ""));
      Path logback = dataDir.resolve("s3proxy-logback.xml");
      Files.writeString(logback, "<configuration><appender name=\"E\" class=\"ch.qos.logback.core.ConsoleAppender\">"
          + "<encoder><pattern>%d %level %logger{30} %msg%n</pattern></encoder></appender>"
          + "<root level=\"WARN\"><appender-ref ref=\"E\"/></root></configuration>\n");
      String ownClasses = extractWatchdog(dataDir).toString();
      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-Xmx256m");
      cmd.add("-XX:+UseSerialGC");
      cmd.add("-Dlogback.configurationFile=" + logback.toAbsolutePath());
      cmd.add("-cp");
      cmd.add(jar + java.io.File.pathSeparator + ownClasses);
      cmd.add(S3ProxyWatchdog.class.getName());
      cmd.add("--properties");
      cmd.add(props.toAbsolutePath().toString());
      Path log = dataDir.resolve("s3proxy.log");
      Process p = new ProcessBuilder(cmd)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
      EmbeddedS3 s3 = new EmbeddedS3(p, endpoint, accessKey, secretKey);
      s3.awaitReady(log);
      return s3;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded S3 server: " + e.getMessage(), e);
    }
  }

  /** Copies {@link S3ProxyWatchdog}'s class file into a directory for the child's class path. */
  private static Path extractWatchdog(Path dataDir) throws IOException {
    String resource = S3ProxyWatchdog.class.getName().replace('.', '/') + ".class";
    Path dir = dataDir.resolve("watchdog-classes");
    Path target = dir.resolve(resource);
    Files.createDirectories(target.getParent());
    try (var in = S3ProxyWatchdog.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("class file " + resource + " not found");
      }
      Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    return dir;
  }

  private void awaitReady(Path log) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new UnavailableException("STORAGE_UNAVAILABLE", "the embedded S3 server exited with code "
            + process.exitValue() + " at start; see " + log);
      }
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create(endpoint + "/").toURL().openConnection();
        c.setConnectTimeout(500);
        c.setReadTimeout(2000);
        int code = c.getResponseCode();
        c.disconnect();
        if (code > 0) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new UnavailableException("STORAGE_UNAVAILABLE", "interrupted while starting the embedded S3 server");
      }
    }
    close();
    throw new UnavailableException("STORAGE_UNAVAILABLE", "the embedded S3 server did not answer within 60 s; see " + log);
  }

  private static Path locateJar() {
    String configured = System.getProperty(JAR_PROPERTY, System.getenv("VOXELFLOW_S3PROXY_JAR"));
    if (configured != null && Files.isRegularFile(Path.of(configured))) {
      return Path.of(configured);
    }
    throw new FailedPreconditionException("STORAGE_NOT_CONFIGURED",
        "no object storage: set voxelflow.storage.endpoint to an S3 service, or " + JAR_PROPERTY
            + " (env VOXELFLOW_S3PROXY_JAR) to S3Proxy's jar-with-dependencies for the embedded server"
            + (configured == null ? "" : " (" + configured + " does not exist)"));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  public String endpoint() {
    return endpoint;
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  /** Stops the server (closing its stdin first, then forcibly after 5 s). */
  @Override
  public void close() {
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // closing is all we wanted
    }
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    LOG.fine("embedded S3 server stopped");
  }
}
