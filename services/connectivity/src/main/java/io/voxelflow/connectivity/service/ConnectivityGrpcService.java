package io.voxelflow.connectivity.service;

import com.google.longrunning.Operation;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.voxelflow.api.connectivity.v1alpha1.ComputeConnectomeRequest;
import io.voxelflow.api.connectivity.v1alpha1.ConnectivityServiceGrpc;
import io.voxelflow.api.connectivity.v1alpha1.GraphMetricsRequest;
import io.voxelflow.api.connectivity.v1alpha1.SeedCorrelationRequest;
import io.voxelflow.api.connectivity.v1alpha1.VoxelwiseConnectomeRequest;
import io.voxelflow.error.GrpcCalls;
import jakarta.inject.Inject;

/** gRPC adapter: {@code voxelflow.connectivity.v1alpha1.ConnectivityService}. */
@GrpcService
public class ConnectivityGrpcService extends ConnectivityServiceGrpc.ConnectivityServiceImplBase {
  @Inject
  ConnectomeService connectomes;

  @Inject
  SeedService seeds;

  @Inject
  VoxelwiseService voxelwise;

  @Inject
  GraphService graphs;

  @Override
  @Blocking
  public void computeConnectome(ComputeConnectomeRequest request, StreamObserver<Operation> observer) {
    GrpcCalls.unary(observer, () -> connectomes.start(request));
  }

  @Override
  @Blocking
  public void seedCorrelation(SeedCorrelationRequest request, StreamObserver<Operation> observer) {
    GrpcCalls.unary(observer, () -> seeds.start(request));
  }

  @Override
  @Blocking
  public void voxelwiseConnectome(VoxelwiseConnectomeRequest request, StreamObserver<Operation> observer) {
    GrpcCalls.unary(observer, () -> voxelwise.start(request));
  }

  @Override
  @Blocking
  public void graphMetrics(GraphMetricsRequest request, StreamObserver<Operation> observer) {
    GrpcCalls.unary(observer, () -> graphs.start(request));
  }
}
