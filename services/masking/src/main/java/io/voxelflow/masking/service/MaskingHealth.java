package io.voxelflow.masking.service;

import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.voxelflow.api.masking.v1alpha1.MaskingServiceGrpc;
import io.voxelflow.health.ServiceHealth;
import io.voxelflow.storage.StorageProducer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** gRPC health of the masking service: SERVING when storage is configured. */
@ApplicationScoped
public class MaskingHealth extends ServiceHealth {
  @Inject
  StorageProducer storage;

  @Inject
  GrpcHealthStorage health;

  @Override
  protected String serviceName() {
    return MaskingServiceGrpc.SERVICE_NAME;
  }

  void onStart(@Observes StartupEvent event) {
    publish(health, storage);
  }

  void onStop(@Observes ShutdownEvent event) {
    withdraw(health);
  }
}
