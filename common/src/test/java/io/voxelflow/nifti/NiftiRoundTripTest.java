package io.voxelflow.nifti;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the writer writes, the reader reads back: every datatype, byte order, version and file kind. */
class NiftiRoundTripTest {
  @TempDir
  Path dir;

  static final int NX = 7;
  static final int NY = 8;
  static final int NZ = 9;
  static final int NT = 3;

  /** A value that identifies voxel (i, j, k) of volume t and fits every datatype. */
  static double value(int i, int j, int k, int t) {
    return (i + 7 * j + 56 * k) % 100 + 10 * t - 50; // in [-50, 69]: fits int8
  }

  static Stream<Arguments> kinds() {
    List<Arguments> out = new ArrayList<>();
    for (NiftiDatatype t : NiftiDatatype.values()) {
      for (ByteOrder o : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
        for (int version : new int[] {1, 2}) {
          for (String suffix : new String[] {".nii", ".nii.gz", ".hdr", ".hdr.gz"}) {
            out.add(Arguments.of(t, o, version, suffix));
          }
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1} v{2} {3}")
  @MethodSource("kinds")
  void read_returns_what_write_wrote_in_file_order(NiftiDatatype type, ByteOrder order, int version, String suffix) {
    boolean unsigned = !type.isSigned();
    NiftiHeader h = NiftiHeader.of(type, NX, NY, NZ, NT).setByteOrder(order).setVersion(version);
    if (unsigned) {
      h.setScaling(1, -50); // stored = value + 50 >= 0
    }
    double[][] affine = {{-2, 0, 0, 30}, {0, 2.5, 0, -40}, {0, 0, 3, -20}, {0, 0, 0, 1}};
    h.setAffine(affine, 2);
    h.setPixdim(4, 1.5);
    Path p = dir.resolve("img" + suffix);
    try (NiftiWriter w = NiftiWriter.create(p, h)) {
      double[] vol = new double[NX * NY * NZ];
      for (int t = 0; t < NT; t++) {
        fill(vol, t);
        w.writeVolume(vol);
      }
    }
    try (NiftiImage img = NiftiImage.open(p)) {
      NiftiHeader r = img.header();
      assertEquals(type, r.datatype());
      assertEquals(order, r.byteOrder());
      assertEquals(version, r.version());
      assertArrayEquals(new long[] {NX, NY, NZ, NT}, r.shape());
      assertEquals(1.5, r.trSeconds().orElseThrow(), 1e-12);
      for (int a = 0; a < 4; a++) {
        assertArrayEquals(affine[a], r.affine()[a], 1e-5);
        assertArrayEquals(affine[a], r.qformAffine()[a], 1e-5);
      }
      double[] expected = new double[NX * NY * NZ];
      double[] got = new double[NX * NY * NZ];
      for (int t = 0; t < NT; t++) {
        fill(expected, t);
        img.readVolume(got);
        assertArrayEquals(expected, got, 0.0, "volume " + t);
      }
      float[] f = new float[NX * NY * NZ];
      img.readVolume(1, f);
      assertEquals((float) value(3, 4, 5, 1), f[3 + NX * (4 + NY * 5)]);
    }
  }

  private static void fill(double[] vol, int t) {
    for (int k = 0; k < NZ; k++) {
      for (int j = 0; j < NY; j++) {
        for (int i = 0; i < NX; i++) {
          vol[i + NX * (j + NY * k)] = value(i, j, k, t);
        }
      }
    }
  }

  @Test
  void a_rotated_affine_survives_qform_encoding() {
    double c = Math.cos(0.4);
    double s = Math.sin(0.4);
    double[][] affine = {{2 * c, -2.5 * s, 0, 10}, {2 * s, 2.5 * c, 0, -5}, {0, 0, -3, 7}, {0, 0, 0, 1}};
    NiftiHeader h = NiftiHeader.of(NiftiDatatype.FLOAT32, 4, 5, 6).setAffine(affine, 1);
    NiftiHeader decoded = NiftiHeader.decode(h.setVoxOffset(352).encode(), 348, false);
    decoded.setSformCode(0);
    for (int r = 0; r < 4; r++) {
      assertArrayEquals(affine[r], decoded.affine()[r], 1e-5);
    }
  }

  @Test
  void integer_types_round_half_to_even_and_clamp() {
    NiftiHeader h = NiftiHeader.of(NiftiDatatype.UINT8, 6, 1, 1);
    Path p = dir.resolve("clamp.nii");
    try (NiftiWriter w = NiftiWriter.create(p, h)) {
      w.writeVolume(new double[] {-5, 0.5, 1.5, 254.6, 1e9, Double.NaN});
    }
    try (NiftiImage img = NiftiImage.open(p)) {
      double[] got = new double[6];
      img.readVolume(got);
      assertArrayEquals(new double[] {0, 0, 2, 255, 255, 0}, got);
    }
  }

  @Test
  void an_unfinished_write_leaves_no_file() throws IOException {
    Path p = dir.resolve("partial.nii.gz");
    NiftiWriter w = NiftiWriter.create(p, NiftiHeader.of(NiftiDatatype.FLOAT32, 2, 2, 2, 3));
    w.writeVolume(new float[8]);
    assertThrows(IllegalStateException.class, w::close);
    assertFalse(Files.exists(p));
    try (var files = Files.list(dir)) {
      assertEquals(0, files.count(), "temporary files are removed");
    }
  }

  @Test
  void volumes_can_be_read_out_of_order_from_gzip() {
    Path p = dir.resolve("seek.nii.gz");
    NiftiHeader h = NiftiHeader.of(NiftiDatatype.INT16, 3, 3, 3, 5);
    try (NiftiWriter w = NiftiWriter.create(p, h)) {
      for (int t = 0; t < 5; t++) {
        float[] v = new float[27];
        java.util.Arrays.fill(v, t * 10);
        w.writeVolume(v);
      }
    }
    try (NiftiImage img = NiftiImage.open(p)) {
      float[] v = new float[27];
      for (int t : new int[] {4, 1, 3, 0, 2}) {
        img.readVolume(t, v);
        assertEquals(t * 10, v[13]);
      }
      assertTrue(img.nextVolume() == 3);
    }
  }
}
