package io.voxelflow.masking.mask;

import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiHeader;
import io.voxelflow.nifti.NiftiWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Test data under {@code src/test/resources/mask/} (see its README.md): nilearn's reference masks
 * and the fixtures written by {@code gen_mask_fixtures.py}, plus the synthetic phantoms that script
 * defines, regenerated here bit for bit.
 */
final class MaskFixtures {
  static final double[][] PHANTOM_AFFINE = {{2, 0, 0, -16}, {0, 2, 0, -14}, {0, 0, 2.5, -10}, {0, 0, 0, 1}};

  private MaskFixtures() {}

  static Path path(String name) {
    URL url = MaskFixtures.class.getResource("/mask/" + name);
    if (url == null) {
      throw new IllegalStateException("missing test resource mask/" + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] bytes(String name) {
    try {
      return Files.readAllBytes(path(name));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A .u8 mask (0/1 bytes, file order). */
  static boolean[] mask(String name) {
    byte[] b = bytes(name);
    boolean[] m = new boolean[b.length];
    for (int i = 0; i < b.length; i++) {
      m[i] = b[i] != 0;
    }
    return m;
  }

  static float[] floats(String name) {
    byte[] b = bytes(name);
    float[] f = new float[b.length / 4];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
    return f;
  }

  static int[] ints(String name) {
    byte[] b = bytes(name);
    int[] f = new int[b.length / 4];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(f);
    return f;
  }

  static Properties props() {
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(path("fixtures.properties"))) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  // ---------------------------------------------------------------- phantoms (mirror of gen_mask_fixtures.py)

  /** Parameters of one phantom, as {@code phantom(...)} in gen_mask_fixtures.py. */
  record Phantom(int x, int y, int z, int t, int seed, int shift, int bg, boolean rim, boolean blob,
      int zeroSlab, boolean nonFinite) {

    /** The three "subjects": shape 17×15×10, 5 volumes, shifted by 0, +1, -1 voxels; no blob in s2. */
    static Phantom subject(int s) {
      return new Phantom(17, 15, 10, 5, s, new int[] {0, 1, -1}[s], 700, true, s != 2, 0, false);
    }

    /** 24×15×10×4 with a zero slab (i < 8), bright background, a NaN and an +inf. */
    static Phantom padded() {
      return new Phantom(24, 15, 10, 4, 7, 4, 4900, false, false, 8, true);
    }

    /** Volume {@code tt} in file order: {@code float32(base + noise) / 7}, the zero slab, NaN/inf. */
    float[] volume(int tt) {
      int[] raw = integerVolume(tt);
      float[] v = new float[raw.length];
      for (int k = 0; k < z; k++) {
        for (int j = 0; j < y; j++) {
          for (int i = 0; i < x; i++) {
            int p = i + x * (j + y * k);
            v[p] = i < zeroSlab ? 0f : (float) raw[p] / 7f;
          }
        }
      }
      if (nonFinite) {
        if (tt == 2) {
          v[x - 1] = Float.NaN;
        }
        if (tt == 0) {
          v[x / 2 + shift + x * (y / 2 + y * (z / 2))] = Float.POSITIVE_INFINITY;
        }
      }
      return v;
    }

    /** Volume {@code tt}'s integer intensities {@code base + noise} (the {@code integer=True} phantom). */
    int[] integerVolume(int tt) {
      int ci = x / 2 + shift;
      int cj = y / 2;
      int ck = z / 2;
      int[] v = new int[x * y * z];
      for (int k = 0; k < z; k++) {
        for (int j = 0; j < y; j++) {
          for (int i = 0; i < x; i++) {
            int di = i - ci;
            int dj = j - cj;
            int dk = k - ck;
            int q = di * di * 900 + dj * dj * 1296 + dk * dk * 1600;
            int base;
            if (q <= 32400) {
              base = 9000 + 60 * i - 40 * k;
            } else if (rim && q <= 42000) {
              base = 4200 + 30 * j + (q % 7) * 150;
            } else {
              base = bg + 10 * j;
            }
            if (di == -2 && dj == 0 && dk == 0) {
              base = bg; // a one-voxel hole
            }
            if (dj == 0 && dk == 1 && di >= 6) {
              base = 9000; // a thin protrusion
            }
            int bi = i - 2;
            int bj = j - (y - 3);
            int bk = k - 2;
            if (blob && bi * bi + bj * bj + bk * bk <= 9) {
              base = 8000; // a separate blob
            }
            int idx = ((tt * z + k) * y + j) * x + i;
            int noise = Integer.remainderUnsigned(hash32(seed * 0x9E3779B1 + idx), 2001) - 1000;
            v[i + x * (j + y * k)] = base + noise;
          }
        }
      }
      return v;
    }

    /** Writes the integer phantom as int16 with {@code scl_slope = slope} (1: no scaling). */
    Path writeInt16(Path dir, String name, double slope) {
      Path p = dir.resolve(name + ".nii.gz");
      NiftiHeader h = NiftiHeader.of(NiftiDatatype.INT16, x, y, z, t).setAffine(PHANTOM_AFFINE, 1);
      if (slope != 1) {
        h.setScaling(slope, 0);
      }
      try (NiftiWriter w = NiftiWriter.create(p, h)) {
        for (int tt = 0; tt < t; tt++) {
          int[] raw = integerVolume(tt);
          double[] d = new double[raw.length];
          for (int i = 0; i < d.length; i++) {
            d[i] = raw[i] * slope;
          }
          w.writeVolume(d);
        }
      }
      return p;
    }

    /** Writes the phantom as a float32 .nii.gz (4-D). */
    Path write(Path dir, String name) {
      Path p = dir.resolve(name + ".nii.gz");
      NiftiHeader h = NiftiHeader.of(NiftiDatatype.FLOAT32, x, y, z, t).setAffine(PHANTOM_AFFINE, 1);
      try (NiftiWriter w = NiftiWriter.create(p, h)) {
        for (int tt = 0; tt < t; tt++) {
          w.writeVolume(volume(tt));
        }
      }
      return p;
    }
  }

  static int hash32(int v) {
    v ^= v >>> 16;
    v *= 0x7FEB352D;
    v ^= v >>> 15;
    v *= 0x846CA68B;
    v ^= v >>> 16;
    return v;
  }
}
