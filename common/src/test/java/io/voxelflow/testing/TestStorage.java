package io.voxelflow.testing;

import io.voxelflow.storage.EmbeddedS3;
import io.voxelflow.storage.ObjectStore;
import io.voxelflow.storage.StorageProducer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * One real S3 server (S3Proxy on loopback) per test JVM, and a fresh bucket per caller, so tests
 * see only their own objects. Shared by the test suites of every module (common's test jar).
 */
public final class TestStorage {
  private static EmbeddedS3 server;
  private static Path root;

  private TestStorage() {}

  /** A new, empty store with its own bucket and data directory. */
  public static synchronized StorageProducer fresh() {
    try {
      if (server == null) {
        root = Files.createTempDirectory("voxelflow-test-");
        server = EmbeddedS3.start(root.resolve("s3"));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
      }
      String bucket = "t-" + UUID.randomUUID().toString().substring(0, 13);
      ObjectStore store = ObjectStore.connect(server.endpoint(), server.accessKey(), server.secretKey(), bucket);
      Path data = Files.createDirectories(root.resolve(bucket));
      return StorageProducer.of(store, data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
