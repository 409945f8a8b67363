package io.voxelflow.error;

import com.google.protobuf.Any;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.concurrent.CancellationException;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place where errors become gRPC statuses and HTTP codes.
 *
 * <ul>
 *   <li>{@link VoxelflowException}s map by {@link VoxelflowException.Kind}, with a
 *       {@code google.rpc.ErrorInfo} detail carrying the reason (UPPER_SNAKE_CASE) and the domain
 *       {@value #DOMAIN};
 *   <li>{@link IllegalArgumentException} → {@code INVALID_ARGUMENT};
 *   <li>{@link OutOfMemoryError} → {@code RESOURCE_EXHAUSTED};
 *   <li>{@link CancellationException} → {@code CANCELLED};
 *   <li>statuses pass through;
 *   <li>anything else → {@code INTERNAL} naming the exception (logged with its stack trace). Never
 *       a bare {@code UNKNOWN}.
 * </ul>
 */
public final class ErrorMapping {
  /** The {@code ErrorInfo.domain} of every Voxelflow error. */
  public static final String DOMAIN = "voxelflow.io";

  private static final Logger LOG = Logger.getLogger(ErrorMapping.class.getName());

  private ErrorMapping() {}

  /** The gRPC status (with details in trailers) for a throwable. */
  public static StatusRuntimeException toStatusException(Throwable t) {
    Throwable e = unwrap(t);
    if (e instanceof StatusRuntimeException sre) {
      return sre;
    }
    if (e instanceof StatusException se) {
      return new StatusRuntimeException(se.getStatus(), se.getTrailers());
    }
    Status.Code code;
    String reason;
    String message;
    java.util.Map<String, String> metadata = java.util.Map.of();
    if (e instanceof VoxelflowException ve) {
      code = grpcCode(ve.kind());
      reason = ve.reason();
      message = ve.getMessage();
      metadata = ve.metadata();
    } else if (e instanceof IllegalArgumentException) {
      code = Status.Code.INVALID_ARGUMENT;
      reason = "INVALID_ARGUMENT";
      message = e.getMessage();
    } else if (e instanceof OutOfMemoryError) {
      code = Status.Code.RESOURCE_EXHAUSTED;
      reason = "OUT_OF_MEMORY";
      message = "the server ran out of memory for this request: " + e.getMessage();
    } else if (e instanceof CancellationException) {
      code = Status.Code.CANCELLED;
      reason = "CANCELLED";
      message = e.getMessage() == null ? "cancelled" : e.getMessage();
    } else {
      LOG.log(Level.SEVERE, "internal error", e);
      code = Status.Code.INTERNAL;
      reason = "INTERNAL";
      message = "internal error: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
    return StatusProto.toStatusRuntimeException(toRpcStatus(code, reason, message, metadata));
  }

  /** A {@code google.rpc.Status} with an {@code ErrorInfo} detail. */
  public static com.google.rpc.Status toRpcStatus(Status.Code code, String reason, String message) {
    return toRpcStatus(code, reason, message, java.util.Map.of());
  }

  /** A {@code google.rpc.Status} with an {@code ErrorInfo} detail carrying {@code metadata}. */
  public static com.google.rpc.Status toRpcStatus(Status.Code code, String reason, String message,
      java.util.Map<String, String> metadata) {
    return com.google.rpc.Status.newBuilder()
        .setCode(code.value())
        .setMessage(message == null ? code.name() : message)
        .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(reason).setDomain(DOMAIN).putAllMetadata(metadata).build()))
        .build();
  }

  /** The {@code google.rpc.Status} for a throwable (used in long-running operations' errors). */
  public static com.google.rpc.Status toRpcStatus(Throwable t) {
    StatusRuntimeException sre = toStatusException(t);
    com.google.rpc.Status s = StatusProto.fromThrowable(sre);
    if (s != null) {
      return s;
    }
    return toRpcStatus(sre.getStatus().getCode(), sre.getStatus().getCode().name(), sre.getStatus().getDescription());
  }

  /** The gRPC code for a kind of domain error. */
  public static Status.Code grpcCode(VoxelflowException.Kind kind) {
    return switch (kind) {
      case INVALID_ARGUMENT -> Status.Code.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.Code.NOT_FOUND;
      case FAILED_PRECONDITION -> Status.Code.FAILED_PRECONDITION;
      case RESOURCE_EXHAUSTED -> Status.Code.RESOURCE_EXHAUSTED;
      case UNAVAILABLE -> Status.Code.UNAVAILABLE;
      case ALREADY_EXISTS -> Status.Code.ALREADY_EXISTS;
    };
  }

  /** The HTTP status for a gRPC code (Google's HTTP mapping, with 413 for size limits). */
  public static int httpStatus(Status.Code code) {
    return switch (code) {
      case OK -> 200;
      case INVALID_ARGUMENT, OUT_OF_RANGE -> 400;
      case FAILED_PRECONDITION, ALREADY_EXISTS, ABORTED -> 409;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case RESOURCE_EXHAUSTED -> 413;
      case CANCELLED -> 499;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
      case DEADLINE_EXCEEDED -> 504;
      default -> 500;
    };
  }

  /** The CLI exit code for a throwable: 2 for the caller's mistakes, 1 for internal errors. */
  public static int exitCode(Throwable t) {
    Status.Code c = toStatusException(t).getStatus().getCode();
    return switch (c) {
      case INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION, ALREADY_EXISTS, OUT_OF_RANGE, RESOURCE_EXHAUSTED -> 2;
      default -> 1;
    };
  }

  private static Throwable unwrap(Throwable t) {
    Throwable e = t;
    while ((e instanceof java.util.concurrent.CompletionException
            || e instanceof java.util.concurrent.ExecutionException
            || e instanceof java.lang.reflect.InvocationTargetException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }
}
