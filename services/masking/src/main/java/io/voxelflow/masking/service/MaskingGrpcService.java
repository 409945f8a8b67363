package io.voxelflow.masking.service;

import com.google.longrunning.Operation;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.voxelflow.api.masking.v1alpha1.ComputeEpiMaskRequest;
import io.voxelflow.api.masking.v1alpha1.ComputeMultiEpiMaskRequest;
import io.voxelflow.api.masking.v1alpha1.ExtractLabelsSignalsRequest;
import io.voxelflow.api.masking.v1alpha1.ExtractMapsSignalsRequest;
import io.voxelflow.api.masking.v1alpha1.ExtractSignalsRequest;
import io.voxelflow.api.masking.v1alpha1.MaskingServiceGrpc;
import io.voxelflow.error.GrpcCalls;
import jakarta.inject.Inject;

/**
 * gRPC adapter of {@link MaskingService} and {@link SignalExtractionService}:
 * {@code voxelflow.masking.v1alpha1.MaskingService}.
 */
@GrpcService
public class MaskingGrpcService extends MaskingServiceGrpc.MaskingServiceImplBase {
  @Inject
  MaskingService masking;

  @Inject
  SignalExtractionService extraction;

  @Override
  @Blocking
  public void extractLabelsSignals(ExtractLabelsSignalsRequest request, StreamObserver<Operation> observer) {
    GrpcCalls.unary(observer, () -> extraction.extractLabels(request));
  }

  @Override
  @Blocking
  public void extractMapsSignals(ExtractMapsSignalsRequest request, StreamObserver<Operation> observer) {
    GrpcCalls.unary(observer, () -> extraction.extractMaps(request));
  }

  @Override
  @Blocking
  public void extractSignals(ExtractSignalsRequest request, StreamObserver<Operation> observer) {
    GrpcCalls.unary(observer, () -> extraction.extract(request));
  }

  @Override
  @Blocking
  public void computeEpiMask(ComputeEpiMaskRequest request, StreamObserver<Operation> observer) {
    GrpcCalls.unary(observer, () -> masking.computeEpiMask(request));
  }

  @Override
  @Blocking
  public void computeMultiEpiMask(ComputeMultiEpiMaskRequest request, StreamObserver<Operation> observer) {
    GrpcCalls.unary(observer, () -> masking.computeMultiEpiMask(request));
  }
}
