package io.voxelflow.loadtests;

import io.voxelflow.nifti.NiftiImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@code .nii.gz} → float32 volumes through {@link NiftiImage}, against the baseline of inflating the
 * same file with {@code java.util.zip} and discarding the bytes. The figure that matters is the
 * ratio {@code inflateOnly / readFloat32} of their times (goal ≥ 0.95): how close reading comes to
 * the cost of decompression alone.
 *
 * <p>The file is 96×96×64×256 float32 (604 MB uncompressed, ~250 MB gzipped), made once.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class NiftiReadBenchmark {
  Path file;

  @Setup
  public void setup() throws Exception {
    file = BenchFiles.boldGz(96, 96, 64, 256);
  }

  /** Baseline: inflate the whole file into a reused 1 MiB buffer. */
  @Benchmark
  public long inflateOnly() throws Exception {
    byte[] buf = new byte[1 << 20];
    long total = 0;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
      int r;
      while ((r = in.read(buf)) > 0) {
        total += r;
      }
    }
    return total;
  }

  /** Ours: open, validate, and decode every volume to scaled float32. */
  @Benchmark
  public void readFloat32(Blackhole bh) {
    try (NiftiImage img = NiftiImage.open(file)) {
      float[] vol = new float[img.voxelsPerVolume()];
      for (long t = 0; t < img.volumeCount(); t++) {
        img.readVolume(vol);
        bh.consume(vol);
      }
    }
  }
}
