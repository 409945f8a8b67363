package io.voxelflow.health;

import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.voxelflow.storage.StorageProducer;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The truthful {@code grpc.health.v1} status of one service: SERVING when storage is configured and
 * the service's own check ({@link #problem()}) passes, NOT_SERVING otherwise and at shutdown.
 * Each service has a small {@code @ApplicationScoped} subclass whose start and stop observers call
 * {@link #publish} and {@link #withdraw}.
 */
public abstract class ServiceHealth {
  private static final Logger LOG = Logger.getLogger(ServiceHealth.class);

  /** The gRPC service name, e.g. {@code voxelflow.masking.v1alpha1.MaskingService}. */
  protected abstract String serviceName();

  /** What keeps the service from working, if anything (logged); empty by default. */
  protected Optional<String> problem() {
    return Optional.empty();
  }

  /** Sets SERVING or NOT_SERVING at start. */
  protected void publish(GrpcHealthStorage health, StorageProducer storage) {
    boolean ok = storage.isConfigured();
    Optional<String> p = problem();
    if (p.isPresent()) {
      LOG.error(serviceName() + " is not serving: " + p.get());
      ok = false;
    }
    health.setStatus(serviceName(), ok ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }

  /** Sets NOT_SERVING at shutdown. */
  protected void withdraw(GrpcHealthStorage health) {
    health.setStatus(serviceName(), ServingStatus.NOT_SERVING);
  }
}
