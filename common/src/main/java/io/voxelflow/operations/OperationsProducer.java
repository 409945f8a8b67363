package io.voxelflow.operations;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.voxelflow.api.operations.v1.OperationsServiceGrpc;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
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

  void onStart(@Observes StartupEvent event, OperationManager operations, GrpcHealthStorage health) {
    // Served once the manager exists; the service name turns NOT_SERVING at shutdown.
    health.setStatus(OperationsServiceGrpc.SERVICE_NAME,
        operations.isRunning() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }

  void onStop(@Observes ShutdownEvent event, OperationManager operations, GrpcHealthStorage health) {
    health.setStatus(OperationsServiceGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING);
    operations.close();
  }

  /** Readiness: the operation workers accept work. */
  @Produces
  @Readiness
  @ApplicationScoped
  HealthCheck operationsReady(OperationManager operations) {
    return () -> HealthCheckResponse.named("operations").status(operations.isRunning()).build();
  }
}
