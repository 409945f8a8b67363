package io.voxelflow.ingest;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.voxelflow.api.ingest.v1.DatasetServiceGrpc;
import io.voxelflow.api.ingest.v1.ImageServiceGrpc;
import io.voxelflow.storage.StorageProducer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/**
 * gRPC health of the ingest services: SERVING only when object storage is configured (an S3
 * endpoint, or the embedded server's jar); NOT_SERVING at shutdown. Storage reachability itself is
 * the readiness check {@code storage} at {@code /q/health/ready}.
 */
@ApplicationScoped
public class IngestHealth {
  @Inject
  StorageProducer storage;

  @Inject
  GrpcHealthStorage health;

  void onStart(@Observes StartupEvent event) {
    IngestService.removeStaleScratch(storage.dataDir().resolve("scratch"));
    ServingStatus s = storage.isConfigured() ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
    health.setStatus(ImageServiceGrpc.SERVICE_NAME, s);
    health.setStatus(DatasetServiceGrpc.SERVICE_NAME, s);
  }

  void onStop(@Observes ShutdownEvent event) {
    health.setStatus(ImageServiceGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING);
    health.setStatus(DatasetServiceGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING);
  }
}
