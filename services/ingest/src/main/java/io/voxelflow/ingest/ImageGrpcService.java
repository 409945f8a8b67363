package io.voxelflow.ingest;

import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import io.voxelflow.api.ingest.v1.Image;
import io.voxelflow.api.ingest.v1.ImageServiceGetImageRequest;
import io.voxelflow.api.ingest.v1.ImageServiceGrpc;
import io.voxelflow.api.ingest.v1.UploadImageRequest;
import io.voxelflow.api.ingest.v1.UploadImageResponse;
import io.voxelflow.api.ingest.v1.UploadMetadata;
import io.voxelflow.error.ErrorMapping;
import io.voxelflow.error.GrpcCalls;
import io.voxelflow.error.InvalidArgumentException;
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
   * Client streaming: the first message carries {@link UploadMetadata}, the rest the bytes. Chunks
   * go to a scratch file as they arrive; the image is validated, de-identified and stored when the
   * client half-closes, and only then acknowledged.
   */
  @Override
  @Blocking
  public StreamObserver<UploadImageRequest> uploadImage(StreamObserver<UploadImageResponse> response) {
    return new StreamObserver<>() {
      private UploadMetadata metadata;
      private IngestService.Upload upload;
      private boolean failed;

      @Override
      public void onNext(UploadImageRequest req) {
        if (failed) {
          return;
        }
        try {
          if (req.hasMetadata()) {
            if (metadata != null) {
              throw new InvalidArgumentException("METADATA_REQUIRED", "upload metadata was sent twice");
            }
            metadata = req.getMetadata();
            upload = ingest.beginUpload(metadata);
          } else {
            if (upload == null) {
              throw new InvalidArgumentException("METADATA_REQUIRED",
                  "the first message of UploadImage must carry metadata (filename, total_size_bytes)");
            }
            upload.append(req.getChunk());
          }
        } catch (RuntimeException e) {
          fail(e);
        }
      }

      private void fail(Throwable e) {
        failed = true;
        if (upload != null) {
          upload.close();
        }
        response.onError(ErrorMapping.toStatusException(e));
      }

      @Override
      public void onError(Throwable t) {
        if (upload != null) {
          upload.close();
        }
      }

      @Override
      public void onCompleted() {
        if (failed) {
          return;
        }
        if (upload == null) {
          fail(new InvalidArgumentException("EMPTY_UPLOAD", "the upload carried no metadata and no bytes"));
          return;
        }
        GrpcCalls.unary(response, () -> {
          try (IngestService.Upload u = upload) {
            return u.finish();
          }
        });
      }
    };
  }
}
