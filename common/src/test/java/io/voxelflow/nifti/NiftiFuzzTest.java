package io.voxelflow.nifti;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Fuzzes the NIfTI parser: any bytes, as {@code .nii} and as {@code .nii.gz}, either open and read
 * completely or fail with {@link NiftiFormatException}; nothing else may escape (no
 * {@code IndexOutOfBounds}, {@code NegativeArraySize}, {@code OutOfMemoryError}, hang).
 *
 * <p>Under plain {@code mvn test} this replays the seed corpus in
 * {@code src/test/resources/io/voxelflow/nifti/NiftiFuzzTestInputs/}; to fuzz for real run
 * {@code JAZZER_FUZZ=1 ./mvnw -pl common test -Dtest=NiftiFuzzTest}.
 */
class NiftiFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void parse_any_bytes_or_refuse_cleanly(byte[] data) throws IOException {
    Path dir = Files.createTempDirectory("vf-fuzz");
    try {
      for (String name : new String[] {"f.nii", "f.nii.gz"}) {
        Path p = dir.resolve(name);
        Files.write(p, data);
        try (NiftiImage img = NiftiImage.open(p)) {
          if ((long) img.voxelsPerVolume() * img.volumeCount() > 64L << 20) {
            continue; // a genuine but large claim on a file this small is refused earlier; stay bounded
          }
          float[] vol = new float[img.voxelsPerVolume()];
          for (long t = 0; t < img.volumeCount(); t++) {
            img.readVolume(vol);
          }
          NiftiInfo.describe(img, false);
        } catch (NiftiFormatException expected) {
          // refused cleanly
        } catch (UncheckedIOException e) {
          throw new AssertionError("I/O error escaped for " + name, e);
        }
      }
    } finally {
      try (var s = Files.list(dir)) {
        s.forEach(f -> f.toFile().delete());
      }
      Files.deleteIfExists(dir);
    }
  }
}
