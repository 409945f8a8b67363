package io.voxelflow.flight;

import io.grpc.StatusRuntimeException;
import io.voxelflow.error.ErrorMapping;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightRuntimeException;

/** Flight's status codes from {@link ErrorMapping}'s, so Flight and gRPC errors agree. */
public final class FlightErrors {
  private FlightErrors() {}

  public static FlightRuntimeException toFlight(Throwable t) {
    if (t instanceof FlightRuntimeException f) {
      return f;
    }
    StatusRuntimeException s = ErrorMapping.toStatusException(t);
    CallStatus status = switch (s.getStatus().getCode()) {
      case INVALID_ARGUMENT -> CallStatus.INVALID_ARGUMENT;
      case NOT_FOUND -> CallStatus.NOT_FOUND;
      case ALREADY_EXISTS -> CallStatus.ALREADY_EXISTS;
      case FAILED_PRECONDITION, RESOURCE_EXHAUSTED -> CallStatus.INVALID_ARGUMENT;
      case UNAVAILABLE -> CallStatus.UNAVAILABLE;
      case CANCELLED -> CallStatus.CANCELLED;
      case UNIMPLEMENTED -> CallStatus.UNIMPLEMENTED;
      case UNAUTHENTICATED -> CallStatus.UNAUTHENTICATED;
      case PERMISSION_DENIED -> CallStatus.UNAUTHORIZED;
      case DEADLINE_EXCEEDED -> CallStatus.TIMED_OUT;
      default -> CallStatus.INTERNAL;
    };
    String prefix = switch (s.getStatus().getCode()) {
      case FAILED_PRECONDITION -> "FAILED_PRECONDITION: ";
      case RESOURCE_EXHAUSTED -> "RESOURCE_EXHAUSTED: ";
      default -> "";
    };
    return status.withDescription(prefix + s.getStatus().getDescription()).withCause(t).toRuntimeException();
  }
}
