package io.voxelflow.client;

import com.google.protobuf.ByteString;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * Sends a file over a client-streaming upload RPC with flow control: a chunk goes out only when
 * the transport is ready, so memory stays one chunk whatever the file size. Used by the CLI and
 * the benchmarks.
 */
public final class FileUpload {
  /** Bytes per request message. */
  public static final int CHUNK = 1 << 20;

  private FileUpload() {}

  /**
   * @param call the async stub's method, e.g. {@code stub::uploadImage}
   * @param first the metadata message
   * @param chunk makes a request message from a chunk of bytes
   * @param progress told the fraction sent and a short step text after each chunk
   */
  public static <Req, Resp> Resp send(Path file, Function<StreamObserver<Resp>, StreamObserver<Req>> call, Req first,
      Function<ByteString, Req> chunk, java.util.function.BiConsumer<Double, String> progress) throws Exception {
    long size = Files.size(file);
    CompletableFuture<Resp> result = new CompletableFuture<>();
    InputStream in = Files.newInputStream(file);
    call.apply(new ClientResponseObserver<Req, Resp>() {
      private boolean sentFirst;
      private long sent;
      private boolean done;

      @Override
      public void beforeStart(ClientCallStreamObserver<Req> requests) {
        requests.setOnReadyHandler(() -> {
          try {
            while (requests.isReady() && !done) {
              if (!sentFirst) {
                requests.onNext(first);
                sentFirst = true;
                continue;
              }
              byte[] buf = in.readNBytes(CHUNK);
              if (buf.length == 0) {
                done = true;
                in.close();
                requests.onCompleted();
                return;
              }
              requests.onNext(chunk.apply(ByteString.copyFrom(buf)));
              sent += buf.length;
              progress.accept(size == 0 ? 1 : (double) sent / size, sent / (1 << 20) + " MiB");
            }
          } catch (IOException e) {
            done = true;
            requests.onError(e);
            result.completeExceptionally(new UncheckedIOException("reading " + file + ": " + e.getMessage(), e));
          }
        });
      }

      @Override
      public void onNext(Resp value) {
        result.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        done = true;
        result.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        // the response arrived in onNext
      }
    });
    try {
      return result.get();
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    } finally {
      in.close();
    }
  }
}
