package io.voxelflow.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Npy} reads what numpy writes, writes what numpy reads (byte for byte what
 * {@code numpy.save} writes), and refuses malformed files with clear messages. The fixtures in
 * {@code src/test/resources/npy/} were written by numpy 1.24.2 (see the README there).
 */
class NpyTest {
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  @TempDir
  Path tmp;

  static Path fixture(String name) {
    try {
      return Path.of(NpyTest.class.getResource("/npy/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static float[] f4Values() {
    float[] v = new float[12];
    for (int i = 0; i < 12; i++) {
      v[i] = (float) (i * 0.25 - 1.5);
    }
    return v;
  }

  static double[] f8Values() {
    double[] v = new double[24];
    for (int i = 0; i < 24; i++) {
      v[i] = i / 3.0;
    }
    return v;
  }

  static int[] i4Values() {
    int[] v = new int[6];
    for (int i = 0; i < 6; i++) {
      v[i] = i * 1000003 - 2500000;
    }
    return v;
  }

  static final short[] I2_VALUES = {-32768, -1, 0, 1, 32767};

  @Test
  void reads_arrays_written_by_numpy() {
    Npy.NpyArray f4 = Npy.read(fixture("f4_3x4.npy"));
    assertEquals(Npy.DType.FLOAT32, f4.dtype());
    assertArrayEquals(new long[] {3, 4}, f4.shape());
    assertArrayEquals(f4Values(), f4.toFloatArray());
    assertArrayEquals(new float[] {-0.5f, -0.25f, 0f, 0.25f}, f4.toFloatMatrix()[1]);

    Npy.NpyArray f8 = Npy.read(fixture("f8_2x3x4.npy"));
    assertEquals(Npy.DType.FLOAT64, f8.dtype());
    assertArrayEquals(new long[] {2, 3, 4}, f8.shape());
    assertArrayEquals(f8Values(), f8.toDoubleArray());

    Npy.NpyArray i2 = Npy.read(fixture("i2_5.npy"));
    assertEquals(Npy.DType.INT16, i2.dtype());
    assertArrayEquals(new long[] {5}, i2.shape());
    assertArrayEquals(I2_VALUES, i2.toShortArray());

    Npy.NpyArray i4 = Npy.read(fixture("i4_2x3.npy"));
    assertEquals(Npy.DType.INT32, i4.dtype());
    assertArrayEquals(i4Values(), i4.toIntArray());

    Npy.NpyArray scalar = Npy.read(fixture("f4_scalar.npy"));
    assertEquals(0, scalar.ndim());
    assertArrayEquals(new float[] {3.5f}, scalar.toFloatArray());

    Npy.NpyArray empty = Npy.read(fixture("f4_0x3.npy"));
    assertArrayEquals(new long[] {0, 3}, empty.shape());
    assertEquals(0, empty.size());
  }

  @Test
  void written_files_are_byte_identical_to_numpy_save() throws IOException {
    Npy.write(tmp.resolve("a.npy"), f4Values(), 3, 4);
    Npy.write(tmp.resolve("b.npy"), f8Values(), 2, 3, 4);
    Npy.write(tmp.resolve("c.npy"), I2_VALUES, 5);
    Npy.write(tmp.resolve("d.npy"), i4Values(), 2, 3);
    Npy.write(tmp.resolve("e.npy"), new float[] {3.5f});
    Npy.write(tmp.resolve("f.npy"), new float[0], 0, 3);
    assertArrayEquals(Files.readAllBytes(fixture("f4_3x4.npy")), Files.readAllBytes(tmp.resolve("a.npy")));
    assertArrayEquals(Files.readAllBytes(fixture("f8_2x3x4.npy")), Files.readAllBytes(tmp.resolve("b.npy")));
    assertArrayEquals(Files.readAllBytes(fixture("i2_5.npy")), Files.readAllBytes(tmp.resolve("c.npy")));
    assertArrayEquals(Files.readAllBytes(fixture("i4_2x3.npy")), Files.readAllBytes(tmp.resolve("d.npy")));
    assertArrayEquals(Files.readAllBytes(fixture("f4_scalar.npy")), Files.readAllBytes(tmp.resolve("e.npy")));
    assertArrayEquals(Files.readAllBytes(fixture("f4_0x3.npy")), Files.readAllBytes(tmp.resolve("f.npy")));
  }

  @Test
  void header_is_padded_to_a_multiple_of_64_bytes_and_ends_with_newline() {
    for (long[] shape : List.of(new long[] {}, new long[] {7}, new long[] {3, 4}, new long[] {2, 3, 4, 5, 6, 7, 8, 9},
        new long[] {123456789, 1, 1})) {
      byte[] h = Npy.header(Npy.DType.FLOAT64, shape);
      assertEquals(0, h.length % 64, "header length " + h.length);
      assertEquals('\n', h[h.length - 1]);
      assertEquals(h.length - 10, (h[8] & 0xFF) | (h[9] & 0xFF) << 8, "HEADER_LEN field");
      assertEquals(1, h[6]);
      assertEquals(0, h[7]);
    }
  }

  @Test
  void round_trip_preserves_values_and_shape_for_every_dtype() {
    float[] f = {Float.NaN, Float.NEGATIVE_INFINITY, -0.0f, Float.MIN_VALUE, Float.MAX_VALUE, 1.5f};
    Npy.write(tmp.resolve("f.npy"), f, 2, 1, 3);
    Npy.NpyArray rf = Npy.read(tmp.resolve("f.npy"));
    assertArrayEquals(new long[] {2, 1, 3}, rf.shape());
    assertArrayEquals(f, rf.toFloatArray());

    double[][] m = {{Math.PI, -Math.E}, {1e-300, Double.MAX_VALUE}, {0.1, -7}};
    Npy.write(tmp.resolve("d.npy"), m);
    Npy.NpyArray rd = Npy.read(tmp.resolve("d.npy"));
    assertArrayEquals(new long[] {3, 2}, rd.shape());
    assertArrayEquals(m, rd.toDoubleMatrix());

    int[] ints = {Integer.MIN_VALUE, -1, 0, Integer.MAX_VALUE};
    Npy.write(tmp.resolve("i.npy"), ints, 4);
    assertArrayEquals(ints, Npy.read(tmp.resolve("i.npy")).toIntArray());

    short[] shorts = {Short.MIN_VALUE, 12, Short.MAX_VALUE, -5};
    Npy.write(tmp.resolve("s.npy"), shorts, 2, 2);
    Npy.NpyArray rs = Npy.read(tmp.resolve("s.npy"));
    assertArrayEquals(shorts, rs.toShortArray());
    assertArrayEquals(new int[] {Short.MIN_VALUE, 12, Short.MAX_VALUE, -5}, rs.toIntArray());

    Npy.Header h = Npy.readHeader(tmp.resolve("s.npy"));
    assertEquals(Npy.DType.INT16, h.dtype());
    assertEquals(128, h.dataOffset());
  }

  @Test
  void streaming_writer_writes_the_same_bytes_as_the_one_shot_writer() throws IOException {
    int rows = 1000;
    int cols = 37;
    float[] all = new float[rows * cols];
    for (int i = 0; i < all.length; i++) {
      all[i] = (float) Math.sin(i * 0.01);
    }
    Npy.write(tmp.resolve("one.npy"), all, rows, cols);
    try (Npy.Writer w = Npy.writer(tmp.resolve("rows.npy"), Npy.DType.FLOAT32, rows, cols)) {
      for (int r = 0; r < rows; r++) {
        w.write(all, r * cols, cols);
      }
      assertEquals((long) rows * cols, w.written());
    }
    assertArrayEquals(Files.readAllBytes(tmp.resolve("one.npy")), Files.readAllBytes(tmp.resolve("rows.npy")));
  }

  @Test
  void incomplete_or_overfull_streaming_writes_save_nothing() throws IOException {
    Path p = tmp.resolve("short.npy");
    Npy.Writer w = Npy.writer(p, Npy.DType.FLOAT64, 2, 3);
    w.write(new double[] {1, 2, 3});
    IllegalStateException e = assertThrows(IllegalStateException.class, w::close);
    assertTrue(e.getMessage().contains("only 3 of 6"), e.getMessage());
    assertFalse(Files.exists(p));

    Npy.Writer w2 = Npy.writer(p, Npy.DType.FLOAT64, 2);
    assertThrows(IllegalArgumentException.class, () -> w2.write(new double[] {1, 2, 3}));
    w2.close();
    assertFalse(Files.exists(p));

    Npy.Writer w3 = Npy.writer(p, Npy.DType.INT16, 1);
    assertThrows(IllegalArgumentException.class, () -> w3.write(new int[] {40000}));
    w3.close();
    assertFalse(Files.exists(p));
    try (var files = Files.list(tmp)) {
      assertEquals(0, files.count(), "no temporary files are left behind");
    }
  }

  @Test
  void one_shot_writes_refuse_data_that_do_not_fill_the_shape() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Npy.write(tmp.resolve("x.npy"), new float[5], 2, 3));
    assertTrue(e.getMessage().contains("5 values do not fill shape (2, 3)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Npy.write(tmp.resolve("x.npy"), new double[0], -1));
    assertThrows(IllegalArgumentException.class, () -> Npy.write(tmp.resolve("r.npy"), new float[][] {{1, 2}, {3}}));
    assertFalse(Files.exists(tmp.resolve("x.npy")));
  }

  @Test
  void numpy_loads_what_we_write() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(PYTHON), "no /usr/bin/python3");
    Npy.write(tmp.resolve("f.npy"), f4Values(), 3, 4);
    Npy.write(tmp.resolve("d.npy"), f8Values(), 2, 3, 4);
    Npy.write(tmp.resolve("s.npy"), I2_VALUES, 5);
    Npy.write(tmp.resolve("i.npy"), i4Values(), 2, 3);
    String script = String.join("\n",
        "import sys, numpy as np",
        "d = sys.argv[1]",
        "f = np.load(d + '/f.npy'); assert f.dtype == np.float32 and f.shape == (3, 4), f",
        "assert np.array_equal(f, (np.arange(12)*0.25 - 1.5).reshape(3, 4).astype(np.float32))",
        "a = np.load(d + '/d.npy'); assert a.dtype == np.float64 and a.shape == (2, 3, 4)",
        "assert np.array_equal(a, (np.arange(24)/3.0).reshape(2, 3, 4))",
        "s = np.load(d + '/s.npy'); assert s.dtype == np.int16 and list(s) == [-32768, -1, 0, 1, 32767]",
        "i = np.load(d + '/i.npy'); assert i.dtype == np.int32",
        "assert np.array_equal(i, (np.arange(6)*1000003 - 2500000).reshape(2, 3))",
        "print('ok')");
    Process p = new ProcessBuilder(PYTHON.toString(), "-c", script, tmp.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python timed out");
    Assumptions.assumeFalse(out.contains("No module named 'numpy'"), "numpy is not installed");
    assertEquals(0, p.exitValue(), out);
    assertEquals("ok", out.strip());
  }

  // ------------------------------------------------------------------ malformed input

  private Path file(String name, byte[] bytes) throws IOException {
    Path p = tmp.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  private static byte[] withHeader(String dict, int major, int dataBytes) {
    byte[] d = dict.getBytes(StandardCharsets.US_ASCII);
    int lenBytes = major == 1 ? 2 : 4;
    byte[] out = new byte[6 + 2 + lenBytes + d.length + dataBytes];
    System.arraycopy(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'}, 0, out, 0, 6);
    out[6] = (byte) major;
    out[8] = (byte) d.length;
    out[9] = (byte) (d.length >> 8);
    System.arraycopy(d, 0, out, 8 + lenBytes, d.length);
    return out;
  }

  private void assertRejected(Path p, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Npy.read(p));
    for (String f : fragments) {
      assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
    }
  }

  @Test
  void rejects_a_file_without_the_npy_magic() throws IOException {
    assertRejected(file("x.npy", "PK\u0003\u0004not numpy at all".getBytes(StandardCharsets.ISO_8859_1)),
        "bad magic", "x.npy");
    assertRejected(file("empty.npy", new byte[0]), "bad magic");
  }

  @Test
  void rejects_unsupported_versions() throws IOException {
    assertRejected(file("v9.npy", withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\n", 9, 4)),
        "unsupported .npy format version 9.0");
  }

  @Test
  void reads_version_2_headers() throws IOException {
    Path p = file("v2.npy", withHeader("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }\n", 2, 4));
    Npy.NpyArray a = Npy.read(p);
    assertArrayEquals(new int[] {0}, a.toIntArray());
  }

  @Test
  void rejects_unsupported_dtypes_with_their_descr() throws IOException {
    assertRejected(file("be.npy", withHeader("{'descr': '>f4', 'fortran_order': False, 'shape': (1,), }\n", 1, 4)),
        "unsupported dtype '>f4'");
    assertRejected(file("u1.npy", withHeader("{'descr': '|u1', 'fortran_order': False, 'shape': (1,), }\n", 1, 1)),
        "unsupported dtype '|u1'");
    assertRejected(file("c8.npy", withHeader("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }\n", 1, 8)),
        "unsupported dtype '<c8'");
  }

  @Test
  void rejects_fortran_order() throws IOException {
    assertRejected(file("f.npy", withHeader("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }\n", 1, 32)),
        "Fortran-order");
  }

  @Test
  void rejects_malformed_shapes() throws IOException {
    assertRejected(file("neg.npy", withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (-2, 2), }\n", 1, 0)),
        "malformed .npy header");
    assertRejected(file("txt.npy", withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (a, 2), }\n", 1, 0)),
        "malformed .npy header");
    assertRejected(file("noshape.npy", withHeader("{'descr': '<f8', 'fortran_order': False, }\n", 1, 0)),
        "lacks 'shape'");
    assertRejected(file("huge.npy",
        withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999, 99999), }\n", 1, 0)),
        "bad shape");
  }

  @Test
  void rejects_truncated_data_and_trailing_bytes() throws IOException {
    assertRejected(file("trunc.npy", withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }\n", 1, 40)),
        "truncated", "(2, 3)");
    assertRejected(file("long.npy", withHeader("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n", 1, 17)),
        "trailing bytes");
  }

  @Test
  void header_keys_may_come_in_any_order_with_double_quotes() throws IOException {
    Path p = file("o.npy", withHeader("{\"shape\": (2,), \"fortran_order\": False, \"descr\": \"<i2\"}\n", 1, 4));
    assertArrayEquals(new long[] {2}, Npy.read(p).shape());
  }
}
