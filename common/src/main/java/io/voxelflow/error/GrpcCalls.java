package io.voxelflow.error;

import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/** Helpers for gRPC adapters: run the domain call and answer with its result or its mapped error. */
public final class GrpcCalls {
  private GrpcCalls() {}

  /** Answers a unary call with {@code body}'s result, or with {@link ErrorMapping}'s status. */
  public static <T> void unary(StreamObserver<T> observer, Supplier<T> body) {
    T result;
    try {
      result = body.get();
    } catch (Throwable t) {
      observer.onError(ErrorMapping.toStatusException(t));
      return;
    }
    observer.onNext(result);
    observer.onCompleted();
  }
}
