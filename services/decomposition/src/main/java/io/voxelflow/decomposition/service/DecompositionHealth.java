package io.voxelflow.decomposition.service;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.voxelflow.api.decomposition.v1alpha1.DecompositionServiceGrpc;
import io.voxelflow.numerics.LapackHealth;
import io.voxelflow.storage.StorageProducer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * gRPC health of the decomposition service: SERVING when storage is configured and the loaded
 * LAPACK passes its self-check ({@link LapackHealth}); NOT_SERVING otherwise and at shutdown.
 */
@ApplicationScoped
public class DecompositionHealth {
  private static final Logger LOG = Logger.getLogger(DecompositionHealth.class);

  @Inject
  StorageProducer storage;

  @Inject
  GrpcHealthStorage health;

  void onStart(@Observes StartupEvent event) {
    boolean ok = storage.isConfigured();
    var problem = LapackHealth.problem();
    if (problem.isPresent()) {
      LOG.error(problem.get());
      ok = false;
    }
    health.setStatus(DecompositionServiceGrpc.SERVICE_NAME, ok ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }

  void onStop(@Observes ShutdownEvent event) {
    health.setStatus(DecompositionServiceGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING);
  }
}
