package io.voxelflow.operations;

import com.google.longrunning.Operation;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.voxelflow.api.operations.v1.CancelOperationRequest;
import io.voxelflow.api.operations.v1.GetOperationRequest;
import io.voxelflow.api.operations.v1.ListOperationsRequest;
import io.voxelflow.api.operations.v1.ListOperationsResponse;
import io.voxelflow.api.operations.v1.OperationsServiceGrpc;
import io.voxelflow.api.operations.v1.WatchOperationRequest;
import io.voxelflow.error.ErrorMapping;
import io.voxelflow.error.GrpcCalls;
import jakarta.inject.Inject;

/** gRPC adapter of {@link OperationManager}: {@code voxelflow.operations.v1.OperationsService}. */
@GrpcService
public class OperationsGrpcService extends OperationsServiceGrpc.OperationsServiceImplBase {
  private final OperationManager operations;

  @Inject
  public OperationsGrpcService(OperationManager operations) {
    this.operations = operations;
  }

  @Override
  public void getOperation(GetOperationRequest request, StreamObserver<Operation> observer) {
    GrpcCalls.unary(observer, () -> operations.get(request.getName()));
  }

  @Override
  public void listOperations(ListOperationsRequest request, StreamObserver<ListOperationsResponse> observer) {
    GrpcCalls.unary(observer, () -> {
      OperationManager.Page page = operations.list(request.getPageSize(), request.getPageToken(), request.getOnlyRunning());
      return ListOperationsResponse.newBuilder()
          .addAllOperations(page.operations())
          .setNextPageToken(page.nextPageToken())
          .build();
    });
  }

  @Override
  public void cancelOperation(CancelOperationRequest request, StreamObserver<Operation> observer) {
    GrpcCalls.unary(observer, () -> operations.cancel(request.getName()));
  }

  @Override
  public void watchOperation(WatchOperationRequest request, StreamObserver<Operation> observer) {
    OperationWatch.stream(operations, request.getName(), (ServerCallStreamObserver<Operation>) observer);
  }

  /** Streams an operation's states to a gRPC observer, coalescing while the client is slow. */
  static final class OperationWatch {
    private OperationWatch() {}

    static void stream(OperationManager operations, String name, ServerCallStreamObserver<Operation> observer) {
      Object lock = new Object();
      Operation[] pending = new Operation[1];
      boolean[] finished = new boolean[1];
      Runnable drain = () -> {
        synchronized (lock) {
          while (!finished[0] && pending[0] != null && observer.isReady()) {
            Operation op = pending[0];
            pending[0] = null;
            observer.onNext(op);
            if (op.getDone()) {
              finished[0] = true;
              observer.onCompleted();
            }
          }
        }
      };
      observer.setOnReadyHandler(drain);
      AutoCloseable[] handle = new AutoCloseable[1];
      observer.setOnCancelHandler(() -> {
        synchronized (lock) {
          finished[0] = true;
        }
        closeQuietly(handle[0]);
      });
      try {
        handle[0] = operations.watch(name, op -> {
          synchronized (lock) {
            if (finished[0]) {
              return;
            }
            pending[0] = op;
          }
          drain.run();
        });
      } catch (RuntimeException e) {
        observer.onError(ErrorMapping.toStatusException(e));
      }
    }

    private static void closeQuietly(AutoCloseable c) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception ignored) {
          // nothing to do
        }
      }
    }
  }
}
