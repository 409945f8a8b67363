package io.voxelflow.ingest;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import io.voxelflow.api.ingest.v1.UploadMetadata;
import io.voxelflow.error.ErrorMapping;
import io.voxelflow.error.GrpcCalls;
import io.voxelflow.error.InvalidArgumentException;
import java.util.function.Function;

/**
 * The server side of Voxelflow's upload protocol, shared by every client-streaming upload RPC: the
 * first message carries {@link UploadMetadata}, the following ones the bytes. Chunks go to a
 * scratch file as they arrive; the upload is finished (checked, stored) when the client
 * half-closes, and only then acknowledged. Errors answer at once with the mapped status.
 */
final class UploadStream {
  private UploadStream() {}

  /**
   * @param metadataOf the request's metadata, or null when it carries a chunk
   * @param chunkOf the request's chunk
   * @param begin starts an upload from its metadata
   * @param finish checks and stores a complete upload; its result is the response
   */
  static <Req, Resp> StreamObserver<Req> receive(StreamObserver<Resp> response,
      Function<Req, UploadMetadata> metadataOf, Function<Req, ByteString> chunkOf,
      Function<UploadMetadata, IngestService.Upload> begin, Function<IngestService.Upload, Resp> finish) {
    return new StreamObserver<>() {
      private IngestService.Upload upload;
      private boolean failed;

      @Override
      public void onNext(Req req) {
        if (failed) {
          return;
        }
        try {
          UploadMetadata metadata = metadataOf.apply(req);
          if (metadata != null) {
            if (upload != null) {
              throw new InvalidArgumentException("METADATA_REQUIRED", "upload metadata was sent twice");
            }
            upload = begin.apply(metadata);
          } else if (upload == null) {
            throw new InvalidArgumentException("METADATA_REQUIRED",
                "the first message of an upload must carry metadata (filename, total_size_bytes)");
          } else {
            upload.append(chunkOf.apply(req));
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
          upload.close(); // the client went away: drop the scratch file
        }
      }

      @Override
      public void onCompleted() {
        if (failed) {
          return;
        }
        if (upload == null) {
          fail(new InvalidArgumentException("METADATA_REQUIRED", "the upload carried no metadata and no bytes"));
          return;
        }
        GrpcCalls.unary(response, () -> {
          try (IngestService.Upload u = upload) {
            return finish.apply(u);
          }
        });
      }
    };
  }
}
