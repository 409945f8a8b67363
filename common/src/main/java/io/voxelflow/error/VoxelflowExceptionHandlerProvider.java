package io.voxelflow.error;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.ExceptionHandler;
import io.quarkus.grpc.ExceptionHandlerProvider;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Makes {@link ErrorMapping} the status mapping of every gRPC service Quarkus serves: an exception
 * escaping a service method becomes the status its kind says, never {@code UNKNOWN}.
 */
@ApplicationScoped
public class VoxelflowExceptionHandlerProvider implements ExceptionHandlerProvider {
  @Override
  public <ReqT, RespT> ExceptionHandler<ReqT, RespT> createHandler(ServerCall.Listener<ReqT> listener,
      ServerCall<ReqT, RespT> call, Metadata metadata) {
    return new ExceptionHandler<>(listener, call, metadata) {
      @Override
      protected void handleException(Throwable t, ServerCall<ReqT, RespT> c, Metadata m) {
        StatusRuntimeException sre = ErrorMapping.toStatusException(t);
        Metadata trailers = sre.getTrailers() == null ? new Metadata() : sre.getTrailers();
        c.close(sre.getStatus(), trailers);
      }
    };
  }

  @Override
  public Throwable transform(Throwable t) {
    return ErrorMapping.toStatusException(t);
  }
}
