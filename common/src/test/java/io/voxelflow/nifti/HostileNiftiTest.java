package io.voxelflow.nifti;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of hostile and broken NIfTI files, generated here: each is refused with a
 * {@link NiftiFormatException} whose one-line message names the problem, before any allocation
 * proportional to what the header claims (the claims reach terabytes; the test heap is far smaller,
 * so an allocation would fail the test with an OutOfMemoryError).
 */
class HostileNiftiTest {
  @TempDir
  static Path dir;

  /** A valid NIfTI-1 .nii: 7×8×9×2 int16, vox_offset 352, 2016 bytes of data per volume. */
  static byte[] valid1() {
    return build(NiftiHeader.of(NiftiDatatype.INT16, 7, 8, 9, 2), ".nii");
  }

  /** A valid NIfTI-2 .nii of the same image. */
  static byte[] valid2() {
    return build(NiftiHeader.of(NiftiDatatype.INT16, 7, 8, 9, 2).setVersion(2), ".nii");
  }

  static byte[] build(NiftiHeader h, String suffix) {
    try {
      Path p = Files.createTempFile(dir, "base", suffix);
      try (NiftiWriter w = NiftiWriter.create(p, h)) {
        double[] vol = new double[(int) h.voxelsPerVolume()];
        for (int t = 0; t < h.volumeCount(); t++) {
          Arrays.fill(vol, t + 1);
          w.writeVolume(vol);
        }
      }
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] patch(byte[] base, Consumer<ByteBuffer> f) {
    byte[] copy = base.clone();
    f.accept(ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN));
    return copy;
  }

  static byte[] gzip(byte[] raw) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
        gz.write(raw);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] cut(byte[] b, int length) {
    return Arrays.copyOf(b, length);
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** A header-only file (no data) whose dims claim a huge image, NIfTI-2 so dims are 64-bit. */
  static byte[] hugeClaim2(long nx, long ny, long nz, long nt) {
    byte[] v = valid2();
    return patch(cut(v, 544), b -> {
      b.putLong(16, 4);
      b.putLong(24, nx);
      b.putLong(32, ny);
      b.putLong(40, nz);
      b.putLong(48, nt);
    });
  }

  record Case(String name, String fileName, byte[] bytes, String expected) {}

  static List<Case> corpus() {
    byte[] v1 = valid1();
    byte[] v2 = valid2();
    List<Case> c = new ArrayList<>();
    c.add(new Case("empty file", "a.nii", new byte[0], "too short"));
    c.add(new Case("three bytes", "a.nii", new byte[] {1, 2, 3}, "too short"));
    c.add(new Case("truncated NIfTI-1 header", "a.nii", cut(v1, 200), "truncated header"));
    c.add(new Case("truncated NIfTI-2 header", "a.nii", cut(v2, 400), "truncated header"));
    c.add(new Case("sizeof_hdr 0", "a.nii", patch(v1, b -> b.putInt(0, 0)), "sizeof_hdr is 0"));
    c.add(new Case("sizeof_hdr 349", "a.nii", patch(v1, b -> b.putInt(0, 349)), "sizeof_hdr is 349"));
    c.add(new Case("text file", "a.nii", "hello, this is not an image at all\n".repeat(20).getBytes(), "not a NIfTI file"));
    c.add(new Case("bad magic", "a.nii", patch(v1, b -> b.put(344, "xyz".getBytes())), "bad magic"));
    c.add(new Case("Analyze 7.5 (no magic)", "a.nii", patch(v1, b -> b.putInt(344, 0)), "Analyze"));
    c.add(new Case("NIfTI-2 magic tail wrong", "a.nii", patch(v2, b -> b.put(8, (byte) 'X')), "bad magic"));
    c.add(new Case("pair magic in a single file", "a.nii", patch(v1, b -> b.put(345, (byte) 'i')), "bad magic"));
    c.add(new Case("dim[0] = 0", "a.nii", patch(v1, b -> b.putShort(40, (short) 0)), "bad dim[0] = 0"));
    c.add(new Case("dim[0] = 8", "a.nii", patch(v1, b -> b.putShort(40, (short) 8)), "bad dim[0] = 8"));
    c.add(new Case("dim[0] = -1", "a.nii", patch(v1, b -> b.putShort(40, (short) -1)), "bad dim[0] = -1"));
    c.add(new Case("dim[1] = 0", "a.nii", patch(v1, b -> b.putShort(42, (short) 0)), "bad dim[1] = 0"));
    c.add(new Case("dim[2] negative", "a.nii", patch(v1, b -> b.putShort(44, (short) -5)), "bad dim[2] = -5"));
    c.add(new Case("dim[4] = 0", "a.nii", patch(v1, b -> b.putShort(48, (short) 0)), "bad dim[4] = 0"));
    c.add(new Case("NIfTI-2 dims overflow 2^63", "a.nii", patch(v2, b -> {
      b.putLong(24, 1L << 40);
      b.putLong(32, 1L << 40);
    }), "overflow"));
    c.add(new Case("datatype 0", "a.nii", patch(v1, b -> b.putShort(70, (short) 0)), "unsupported datatype 0"));
    c.add(new Case("datatype complex64", "a.nii", patch(v1, b -> b.putShort(70, (short) 32)), "complex64"));
    c.add(new Case("datatype RGB24", "a.nii", patch(v1, b -> b.putShort(70, (short) 128)), "RGB24"));
    c.add(new Case("datatype 9999", "a.nii", patch(v1, b -> b.putShort(70, (short) 9999)), "unsupported datatype 9999"));
    c.add(new Case("vox_offset past the end", "a.nii", patch(v1, b -> b.putFloat(108, 1e9f)), "beyond the end of the file"));
    c.add(new Case("vox_offset negative", "a.nii", patch(v1, b -> b.putFloat(108, -352f)), "bad vox_offset"));
    c.add(new Case("vox_offset fractional", "a.nii", patch(v1, b -> b.putFloat(108, 352.5f)), "bad vox_offset"));
    c.add(new Case("vox_offset NaN", "a.nii", patch(v1, b -> b.putFloat(108, Float.NaN)), "bad vox_offset"));
    c.add(new Case("NIfTI-2 vox_offset negative", "a.nii", patch(v2, b -> b.putLong(168, -1)), "bad vox_offset"));
    c.add(new Case("data truncated by 100 bytes", "a.nii", cut(v1, v1.length - 100), "truncated data"));
    c.add(new Case("header only", "a.nii", cut(v1, 352), "truncated data"));
    c.add(new Case("gzip cut in the data", "a.nii.gz", cut(gzip(v1), gzip(v1).length / 2), "gzip"));
    c.add(new Case("gzip cut in the header", "a.nii.gz", cut(gzip(v1), 30), "gzip"));
    byte[] gz = gzip(v1);
    c.add(new Case("gzip with corrupt deflate bytes", "a.nii.gz", patch(gz, b -> {
      for (int i = 40; i < 60 && i < gz.length - 8; i++) {
        b.put(i, (byte) 0xff);
      }
    }), "gzip"));
    c.add(new Case("gzip with a wrong CRC", "a.nii.gz", patch(gz, b -> b.putInt(gz.length - 8, 0x12345678)), "gzip"));
    c.add(new Case("gzip magic then garbage", "a.nii.gz", new byte[] {0x1f, (byte) 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, "gzip"));
    c.add(new Case("second gzip member is garbage", "a.nii.gz", concat(gzip(cut(v1, 1000)),
        new byte[] {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x55, 0x55, 0x55, 0x55}), "truncated"));
    c.add(new Case("small .gz claiming 1000^3 float32", "a.nii.gz", gzip(patch(hugeClaim2(1000, 1000, 1000, 1), b -> b.putShort(12, (short) 16))), "can hold at most"));
    c.add(new Case("small .gz claiming 2^14 volumes of 256^3", "a.nii.gz", gzip(hugeClaim2(256, 256, 256, 1 << 14)), "can hold at most"));
    c.add(new Case("one volume above the array limit", "a.nii", hugeClaim2(1 << 16, 1 << 16, 1, 1), "per volume"));
    c.add(new Case("extension esize 7", "a.nii", withExtension(v1, 7), "invalid esize 7"));
    c.add(new Case("extension past vox_offset", "a.nii", withExtension(v1, 4096), "invalid esize 4096"));
    c.add(new Case("scl_inter infinite with a slope", "a.nii", patch(v1, b -> {
      b.putFloat(112, 2f);
      b.putFloat(116, Float.POSITIVE_INFINITY);
    }), "scl_inter"));
    c.add(new Case("qform quaternion norm above 1", "a.nii", patch(v1, b -> {
      b.putShort(252, (short) 1);
      b.putShort(254, (short) 0);
      b.putFloat(256, 1f);
      b.putFloat(260, 1f);
      b.putFloat(264, 1f);
    }), "quaternion"));
    c.add(new Case("NIfTI-1 dims claim more data than the file", "a.nii", patch(v1, b -> b.putShort(48, (short) 30000)), "truncated data"));
    return c;
  }

  /** v1 with the extension flag set and one extension of the given esize in a 64-byte area. */
  static byte[] withExtension(byte[] v1, int esize) {
    byte[] out = new byte[v1.length + 64];
    System.arraycopy(v1, 0, out, 0, 348);
    System.arraycopy(v1, 352, out, 352 + 64, v1.length - 352);
    ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    b.putFloat(108, 352 + 64);
    b.put(348, (byte) 1);
    b.putInt(352, esize);
    b.putInt(356, 6);
    return out;
  }

  static Stream<Arguments> cases() {
    return corpus().stream().map(c -> Arguments.of(c.name(), c));
  }

  @Test
  void the_corpus_has_at_least_forty_files() {
    assertTrue(corpus().size() >= 40, "corpus size " + corpus().size());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void hostile_file_is_refused_with_one_clear_line(String name, Case c) throws IOException {
    Path sub = Files.createTempDirectory(dir, "case");
    Path p = sub.resolve(c.fileName());
    Files.write(p, c.bytes());
    NiftiFormatException e = assertThrows(NiftiFormatException.class, () -> readAll(p), name);
    assertTrue(e.getMessage().contains(c.expected()),
        name + ": message '" + e.getMessage() + "' lacks '" + c.expected() + "'");
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
  }

  @Test
  void missing_half_of_a_pair_is_named() throws IOException {
    Path sub = Files.createTempDirectory(dir, "pair");
    Files.write(sub.resolve("x.hdr"), cut(valid1(), 348));
    NiftiFormatException e = assertThrows(NiftiFormatException.class, () -> readAll(sub.resolve("x.hdr")));
    assertTrue(e.getMessage().contains(".img"), e.getMessage());
    Files.write(sub.resolve("y.img"), new byte[100]);
    e = assertThrows(NiftiFormatException.class, () -> readAll(sub.resolve("y.img")));
    assertTrue(e.getMessage().contains(".hdr"), e.getMessage());
  }

  @Test
  void missing_file_and_directory_are_refused() {
    assertThrows(NiftiFormatException.class, () -> readAll(dir.resolve("nope.nii")));
    assertThrows(NiftiFormatException.class, () -> readAll(dir));
  }

  static void readAll(Path p) {
    try (NiftiImage img = NiftiImage.open(p)) {
      float[] vol = new float[img.voxelsPerVolume()];
      for (long t = 0; t < img.volumeCount(); t++) {
        img.readVolume(vol);
      }
    }
  }
}
