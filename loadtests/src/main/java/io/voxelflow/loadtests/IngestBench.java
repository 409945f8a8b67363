package io.voxelflow.loadtests;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.voxelflow.api.ingest.v1.ImageServiceGrpc;
import io.voxelflow.api.ingest.v1.UploadImageRequest;
import io.voxelflow.api.ingest.v1.UploadImageResponse;
import io.voxelflow.api.ingest.v1.UploadMetadata;
import io.voxelflow.client.FileUpload;
import io.voxelflow.ingest.ImageGrpcService;
import io.voxelflow.ingest.IngestService;
import io.voxelflow.storage.EmbeddedS3;
import io.voxelflow.storage.ObjectStore;
import io.voxelflow.storage.StorageProducer;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A gRPC upload of a ≥ 500 MB {@code .nii.gz} (96×96×64×640 float32, 1.51 GB inflated) to the
 * ingest service (validated, de-identified, stored in S3 via the embedded server), in a JVM whose
 * heap and direct memory are capped at 512 MB each: wall time, and the peak heap and direct memory
 * sampled every 20 ms. The baseline in the same run is a plain local copy of the file (disk speed).
 */
final class IngestBench {
  private IngestBench() {}

  static void run() throws Exception {
    java.util.logging.Logger phases = java.util.logging.Logger.getLogger("io.voxelflow.ingest.phases");
    phases.setLevel(java.util.logging.Level.FINE);
    java.util.logging.ConsoleHandler h = new java.util.logging.ConsoleHandler();
    h.setLevel(java.util.logging.Level.FINE);
    phases.addHandler(h);
    Path file = BenchFiles.boldGz(96, 96, 64, 640, 1);
    long size = Files.size(file);
    Path dir = BenchFiles.dir().resolve("ingest");
    Files.createDirectories(dir);
    // Baselines in the same run: inflating the file alone, and rewriting it (inflate, validate,
    // write the .nii the ingest stores) — what de-identifying a .nii.gz costs on top of inflating.
    long ti = System.nanoTime();
    try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    double inflateSeconds = (System.nanoTime() - ti) / 1e9;
    long tr = System.nanoTime();
    Path rewritten = dir.resolve("rewrite.nii");
    try (io.voxelflow.nifti.NiftiImage img = io.voxelflow.nifti.NiftiImage.open(file);
         io.voxelflow.nifti.NiftiWriter w = io.voxelflow.nifti.NiftiWriter.create(rewritten, img.header().copy().setDescrip(""))) {
      byte[] raw = new byte[img.bytesPerVolume()];
      for (long t = 0; t < img.volumeCount(); t++) {
        img.readRawVolume(raw);
        w.writeRawVolume(raw);
      }
    }
    double rewriteSeconds = (System.nanoTime() - tr) / 1e9;
    Files.delete(rewritten);
    long tc = System.nanoTime();
    Files.copy(file, dir.resolve("copy.tmp"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    double copySeconds = (System.nanoTime() - tc) / 1e9;
    Files.delete(dir.resolve("copy.tmp"));

    try (EmbeddedS3 s3 = EmbeddedS3.start(dir.resolve("s3"))) {
      ObjectStore store = ObjectStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), "bench-" + System.nanoTime());
      IngestService ingest = IngestService.standalone(StorageProducer.of(store, dir.resolve("data")), Long.MAX_VALUE);
      Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
          .addService(new ImageGrpcService(ingest)).build().start();
      ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
      Sampler sampler = new Sampler();
      sampler.start();
      long t0 = System.nanoTime();
      UploadImageResponse r;
      try {
        UploadMetadata meta = UploadMetadata.newBuilder().setFilename(file.getFileName().toString()).setTotalSizeBytes(size).build();
        r = FileUpload.send(file, ImageServiceGrpc.newStub(ch).withDeadlineAfter(1, TimeUnit.HOURS)::uploadImage,
            UploadImageRequest.newBuilder().setMetadata(meta).build(),
            c -> UploadImageRequest.newBuilder().setChunk(c).build(), (f, s) -> { });
      } finally {
        sampler.stop();
        ch.shutdownNow();
        server.shutdownNow();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      long inflated = r.getImage().getSizeBytes();
      System.out.printf(Locale.ROOT, "{\"suite\": \"ingest\", \"nii_gz_mb\": %.0f, \"stored_nii_mb\": %.0f, \"wall_s\": %.1f,"
              + " \"upload_mb_per_s\": %.0f, \"local_copy_s\": %.2f, \"inflate_only_s\": %.2f, \"rewrite_nii_gz_s\": %.2f,"
              + " \"rewrite_vs_inflate\": %.2f, \"max_heap_mb\": %.0f, \"peak_heap_used_mb\": %.0f,"
              + " \"peak_direct_mb\": %.0f, \"peak_netty_direct_mb\": %.0f}%n",
          size / 1e6, inflated / 1e6, seconds, size / 1e6 / seconds, copySeconds, inflateSeconds, rewriteSeconds,
          rewriteSeconds / inflateSeconds,
          Runtime.getRuntime().maxMemory() / 1e6, sampler.heap.get() / 1e6, sampler.direct.get() / 1e6, sampler.netty.get() / 1e6);
    }
  }

  /** Samples used heap and direct memory every 20 ms. */
  static final class Sampler {
    final AtomicLong heap = new AtomicLong();
    final AtomicLong direct = new AtomicLong();
    final AtomicLong netty = new AtomicLong();
    private volatile boolean running = true;
    private Thread thread;

    void start() {
      BufferPoolMXBean pool = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
          .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
      thread = new Thread(() -> {
        while (running) {
          heap.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
          direct.accumulateAndGet(pool.getMemoryUsed(), Math::max);
          netty.accumulateAndGet(io.netty.util.internal.PlatformDependent.usedDirectMemory(), Math::max);
          try {
            Thread.sleep(20);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "memory-sampler");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join();
    }
  }
}
