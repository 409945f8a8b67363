package io.voxelflow.ingest;

import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.voxelflow.api.ingest.v1.Image;
import io.voxelflow.api.ingest.v1.ImageServiceGetImageRequest;
import io.voxelflow.api.ingest.v1.ImageServiceGrpc;
import io.voxelflow.api.ingest.v1.UploadImageRequest;
import io.voxelflow.api.ingest.v1.UploadImageResponse;
import io.voxelflow.error.GrpcCalls;
import jakarta.inject.Inject;

/** gRPC adapter of image uploads: {@code voxelflow.ingest.v1.ImageService}. */
@GrpcService
public class ImageGrpcService extends ImageServiceGrpc.ImageServiceImplBase {
  @Inject
  IngestService ingest;

  /** For CDI. */
  public ImageGrpcService() {}

  /** Outside CDI (tools, benchmarks). */
  public ImageGrpcService(IngestService ingest) {
    this.ingest = ingest;
  }

  @Override
  @Blocking
  public void getImage(ImageServiceGetImageRequest request, StreamObserver<Image> observer) {
    GrpcCalls.unary(observer, () -> ingest.getImage(request.getName()));
  }

  /**
   * Client streaming: the first message carries {@code UploadMetadata}, the rest the bytes. Chunks
   * go to a scratch file as they arrive; the image is validated, de-identified and stored when the
   * client half-closes, and only then acknowledged.
   */
  @Override
  @Blocking
  public StreamObserver<UploadImageRequest> uploadImage(StreamObserver<UploadImageResponse> response) {
    return UploadStream.receive(response, r -> r.hasMetadata() ? r.getMetadata() : null,
        UploadImageRequest::getChunk, ingest::beginUpload, IngestService.Upload::finish);
  }
}
