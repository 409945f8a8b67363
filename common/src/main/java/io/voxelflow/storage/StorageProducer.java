package io.voxelflow.storage;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Path;
import java.util.Optional;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * CDI wiring of object storage. With {@code voxelflow.storage.endpoint} set, Voxelflow uses that S3
 * service; without it (the embedded default) it starts {@link EmbeddedS3} under
 * {@code voxelflow.data-dir}/s3 — lazily, on first use, so commands that need no storage start
 * fast.
 */
@ApplicationScoped
public class StorageProducer {
  private static final Logger LOG = Logger.getLogger(StorageProducer.class.getName());

  @ConfigProperty(name = "voxelflow.storage.endpoint")
  Optional<String> endpoint;

  @ConfigProperty(name = "voxelflow.storage.access-key")
  Optional<String> accessKey;

  @ConfigProperty(name = "voxelflow.storage.secret-key")
  Optional<String> secretKey;

  @ConfigProperty(name = "voxelflow.storage.bucket", defaultValue = "voxelflow")
  String bucket;

  @ConfigProperty(name = "voxelflow.data-dir", defaultValue = "voxelflow-data")
  String dataDir;

  private volatile EmbeddedS3 embedded;
  private volatile ObjectStore store;

  /** For CDI. */
  public StorageProducer() {}

  /** Outside CDI (tests, tools): an already connected store and a data directory. */
  public static StorageProducer of(ObjectStore store, Path dataDir) {
    StorageProducer p = new StorageProducer();
    p.store = store;
    p.dataDir = dataDir.toString();
    p.endpoint = Optional.of(store.endpoint());
    return p;
  }

  /** The process's object store (connected on first call). */
  public synchronized ObjectStore store() {
    if (store == null) {
      if (endpoint.isPresent() && !endpoint.get().isBlank()) {
        store = ObjectStore.connect(endpoint.get(), accessKey.orElse(""), secretKey.orElse(""), bucket);
      } else {
        Path dir = dataDir().resolve("s3");
        LOG.info("starting the embedded S3 server under " + dir.toAbsolutePath());
        embedded = EmbeddedS3.start(dir);
        store = ObjectStore.connect(embedded.endpoint(), embedded.accessKey(), embedded.secretKey(), bucket);
      }
    }
    return store;
  }

  /** True when storage can be reached in principle: an endpoint is set, or S3Proxy's jar is present. */
  public boolean isConfigured() {
    if (store != null || (endpoint.isPresent() && !endpoint.get().isBlank())) {
      return true;
    }
    String jar = System.getProperty(EmbeddedS3.JAR_PROPERTY, System.getenv("VOXELFLOW_S3PROXY_JAR"));
    return jar != null && java.nio.file.Files.isRegularFile(Path.of(jar));
  }

  /**
   * This process's scratch directory, {@code data-dir/scratch/{pid}} (processes may share a data
   * directory), created if needed. Nothing in it outlives the work that wrote it.
   */
  public Path scratchDir() {
    Path dir = dataDir().resolve("scratch").resolve(Long.toString(ProcessHandle.current().pid()));
    try {
      java.nio.file.Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot create scratch space " + dir + ": " + e.getMessage(), e);
    }
    return dir;
  }

  /** The local data directory (embedded storage, scratch space). */
  public Path dataDir() {
    return Path.of(dataDir).toAbsolutePath();
  }

  /** Readiness: object storage answers (only checked once something has used it). */
  @Produces
  @Readiness
  @ApplicationScoped
  HealthCheck storageReady() {
    return () -> {
      ObjectStore s = store;
      if (s == null) {
        return HealthCheckResponse.named("storage").up().withData("state", "not started (lazy)").build();
      }
      return HealthCheckResponse.named("storage").status(s.isReachable()).withData("endpoint", s.endpoint()).build();
    };
  }

  void onStop(@Observes ShutdownEvent event) {
    if (embedded != null) {
      embedded.close();
    }
  }
}
