package io.voxelflow.masking.service;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.voxelflow.api.masking.v1alpha1.MaskingServiceGrpc;
import io.voxelflow.storage.StorageProducer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** gRPC health of the masking service: SERVING when storage is configured; NOT_SERVING at shutdown. */
@ApplicationScoped
public class MaskingHealth {
  @Inject
  StorageProducer storage;

  @Inject
  GrpcHealthStorage health;

  void onStart(@Observes StartupEvent event) {
    health.setStatus(MaskingServiceGrpc.SERVICE_NAME, storage.isConfigured() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }

  void onStop(@Observes ShutdownEvent event) {
    health.setStatus(MaskingServiceGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING);
  }
}
