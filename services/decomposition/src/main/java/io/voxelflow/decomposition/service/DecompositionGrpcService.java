package io.voxelflow.decomposition.service;

import com.google.longrunning.Operation;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.voxelflow.api.decomposition.v1alpha1.DecomposeRequest;
import io.voxelflow.api.decomposition.v1alpha1.DecompositionServiceGrpc;
import io.voxelflow.error.GrpcCalls;
import jakarta.inject.Inject;

/** gRPC adapter: {@code voxelflow.decomposition.v1alpha1.DecompositionService}. */
@GrpcService
public class DecompositionGrpcService extends DecompositionServiceGrpc.DecompositionServiceImplBase {
  @Inject
  DecompositionService decomposition;

  @Override
  @Blocking
  public void decompose(DecomposeRequest request, StreamObserver<Operation> observer) {
    GrpcCalls.unary(observer, () -> decomposition.decompose(request));
  }
}
