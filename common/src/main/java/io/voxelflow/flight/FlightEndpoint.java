package io.voxelflow.flight;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.voxelflow.storage.BlobCache;
import io.voxelflow.storage.StorageProducer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The process's Arrow Flight server: one {@link RootAllocator} (closed at shutdown), one server on
 * {@code voxelflow.flight.port} (0 = any free port), serving every {@link FlightSource} bean and the
 * artifact store.
 */
@ApplicationScoped
public class FlightEndpoint {
  private static final Logger LOG = Logger.getLogger(FlightEndpoint.class.getName());

  @ConfigProperty(name = "voxelflow.flight.host", defaultValue = "0.0.0.0")
  String host;

  @ConfigProperty(name = "voxelflow.flight.port", defaultValue = "8815")
  int port;

  @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev")
  String version;

  @Inject
  StorageProducer storage;

  @Inject
  Instance<FlightSource> sources;

  private BufferAllocator root;
  private FlightServer server;
  private ExecutorService workers;

  void onStart(@Observes StartupEvent event) {
    start();
  }

  synchronized void start() {
    if (server != null) {
      return;
    }
    root = new RootAllocator(Long.MAX_VALUE);
    AtomicInteger n = new AtomicInteger();
    workers = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "voxelflow-flight-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    Location bind = Location.forGrpcInsecure(host, port);
    VoxelFlightProducer producer = new VoxelFlightProducer(root, List.copyOf(sources.stream().toList()),
        this::artifacts, workers);
    try {
      server = FlightServer.builder(root, bind, producer).build().start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the Arrow Flight server on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    LOG.info("Arrow Flight on " + host + ":" + server.getPort());
  }

  /** The port Flight listens on. */
  public int port() {
    start();
    return server.getPort();
  }

  private volatile ArtifactStore artifacts;

  /** The process's artifact store (connects to storage on first use). */
  public synchronized ArtifactStore artifacts() {
    if (artifacts == null) {
      artifacts = newArtifactStore();
    }
    return artifacts;
  }

  private ArtifactStore newArtifactStore() {
    return new ArtifactStore(storage.store(), new BlobCache(storage.store(), storage.dataDir().resolve("cache")),
        storage.scratchDir(), version);
  }

  void onStop(@Observes ShutdownEvent event) throws InterruptedException {
    if (server != null) {
      server.shutdown();
      server.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
      workers.shutdownNow();
      root.close();
    }
  }

}
