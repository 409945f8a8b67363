package io.voxelflow.operations;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** CDI wiring of the process-wide {@link OperationManager}. */
@ApplicationScoped
public class OperationsProducer {
  @ConfigProperty(name = "voxelflow.operations.workers", defaultValue = "0")
  int workers;

  @Produces
  @Singleton
  OperationManager operationManager() {
    int n = workers > 0 ? workers : Math.max(2, Runtime.getRuntime().availableProcessors());
    AtomicInteger count = new AtomicInteger();
    ThreadFactory tf = r -> {
      Thread t = new Thread(r, "voxelflow-operation-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    return new OperationManager(Executors.newFixedThreadPool(n, tf), Clock.systemUTC());
  }

  void onStop(@Observes ShutdownEvent event, OperationManager operations) {
    operations.close();
  }
}
