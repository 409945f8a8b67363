package io.voxelflow.decomposition.service;

import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.voxelflow.api.decomposition.v1alpha1.DecompositionServiceGrpc;
import io.voxelflow.health.ServiceHealth;
import io.voxelflow.numerics.LapackHealth;
import java.util.Optional;
import io.voxelflow.storage.StorageProducer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** gRPC health of the decomposition service: SERVING when storage is configured and LAPACK passes its self-check. */
@ApplicationScoped
public class DecompositionHealth extends ServiceHealth {
  @Inject
  StorageProducer storage;

  @Inject
  GrpcHealthStorage health;

  @Override
  protected String serviceName() {
    return DecompositionServiceGrpc.SERVICE_NAME;
  }

  /** The loaded LAPACK must pass its self-check (see numerics' LapackHealth). */
  @Override
  protected Optional<String> problem() {
    return LapackHealth.problem();
  }

  void onStart(@Observes StartupEvent event) {
    publish(health, storage);
  }

  void onStop(@Observes ShutdownEvent event) {
    withdraw(health);
  }
}
