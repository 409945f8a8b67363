package io.voxelflow.connectivity.seed;

import io.voxelflow.connectivity.connectome.Connectivity;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.numerics.Linalg;
import io.voxelflow.numerics.Matrix;
import java.util.TreeSet;

/**
 * Seed-based correlation: {@link #sphereVoxels} (nilearn's {@code _apply_mask_and_get_affinity}),
 * {@link #seedSeries} (their mean) and {@link #correlate} (Pearson r of the seed with every voxel,
 * optional Fisher z); {@link #fromSphere} chains them.
 */
public final class SeedCorrelation {

  private SeedCorrelation() {}

  /**
   * The mask voxels of a spherical seed, as nilearn 0.10.4's {@code NiftiSpheresMasker} picks them:
   * (1) every voxel whose centre (affine · (i, j, k)) is within {@code radius} mm of the seed
   * (distance ≤ radius); (2) the voxel nearest the seed, {@code round(affine⁻¹ · seed)} (half to
   * even, numpy's rounding), if it is in the mask; (3) nilearn quirk, copied: the first mask voxel
   * whose world coordinates truncated to integers equal the seed's truncated coordinates.
   *
   * @param ijk mask voxel indices, flat {@code i0, j0, k0, i1, …}, length 3V
   * @param affine 4 × 4 voxel → world (mm), row-major rows
   * @param seed centre and radius, mm
   * @return ascending voxel columns (0..V-1)
   * @throws InvalidArgumentException {@code SEED_OUTSIDE_MASK} when no voxel is selected
   */
  public static int[] sphereVoxels(int[] ijk, double[][] affine, SphereSeed seed) {
    if (ijk.length % 3 != 0) {
      throw new InvalidArgumentException("SHAPE_MISMATCH",
          "mask voxel indices must be (i, j, k) triples; got " + ijk.length + " values");
    }
    checkAffine(affine);
    int v = ijk.length / 3;
    TreeSet<Integer> chosen = new TreeSet<>();
    double r = seed.radiusMm();
    double[] s = {seed.x(), seed.y(), seed.z()};
    Matrix inv = Linalg.inverse(Matrix.of(affine));
    int[] nearest = new int[3];
    for (int a = 0; a < 3; a++) {
      double c = inv.get(a, 0) * s[0] + inv.get(a, 1) * s[1] + inv.get(a, 2) * s[2] + inv.get(a, 3);
      nearest[a] = (int) Math.rint(c);
    }
    int[] seedTrunc = {(int) s[0], (int) s[1], (int) s[2]};
    boolean truncFound = false;
    double[] w = new double[3];
    for (int q = 0; q < v; q++) {
      int i = ijk[3 * q];
      int j = ijk[3 * q + 1];
      int k = ijk[3 * q + 2];
      for (int a = 0; a < 3; a++) {
        w[a] = affine[a][0] * i + affine[a][1] * j + affine[a][2] * k + affine[a][3];
      }
      double dx = w[0] - s[0];
      double dy = w[1] - s[1];
      double dz = w[2] - s[2];
      if (Math.sqrt(dx * dx + dy * dy + dz * dz) <= r) {
        chosen.add(q);
      }
      if (i == nearest[0] && j == nearest[1] && k == nearest[2]) {
        chosen.add(q);
      }
      if (!truncFound && (int) w[0] == seedTrunc[0] && (int) w[1] == seedTrunc[1]
          && (int) w[2] == seedTrunc[2]) {
        truncFound = true;
        chosen.add(q);
      }
    }
    if (chosen.isEmpty()) {
      throw (InvalidArgumentException) new InvalidArgumentException("SEED_OUTSIDE_MASK",
          "the seed sphere at (" + seed.x() + ", " + seed.y() + ", " + seed.z() + ") mm with radius "
              + r + " mm contains no mask voxel (nearest voxel (" + nearest[0] + ", " + nearest[1]
              + ", " + nearest[2] + ") is not in the mask)")
          .with("radius_mm", r);
    }
    return chosen.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * The seed series: at each time point the mean of the given voxels (double accumulation).
   *
   * @param data T × V
   * @param voxels columns to average, non-empty
   * @return length T
   */
  public static double[] seedSeries(float[][] data, int[] voxels) {
    double[] out = new double[data.length];
    for (int t = 0; t < data.length; t++) {
      double sum = 0;
      for (int q : voxels) {
        sum += data[t][q];
      }
      out[t] = sum / voxels.length;
    }
    return out;
  }

  /**
   * Pearson correlation of a seed series with every voxel, accumulated in double: {@code r_v =
   * Σ(x_v - mean_v)(s - mean_s) / sqrt(Σ(x_v - mean_v)² Σ(s - mean_s)²)}, clipped to [-1, 1]. A
   * constant voxel (zero variance) gets r = 0, not NaN.
   *
   * @param data T × V, finite
   * @param seed length T, not constant
   * @param fisherZ also return artanh(r) (see {@link Connectivity#fisherZ(double)} for |r| = 1)
   * @throws InvalidArgumentException {@code SHAPE_MISMATCH}, {@code TOO_FEW_TIME_POINTS}, {@code
   *     CONSTANT_SIGNAL} (seed), {@code NON_FINITE_VALUES}
   */
  public static SeedMap correlate(float[][] data, double[] seed, boolean fisherZ) {
    int t = data.length;
    if (seed.length != t) {
      throw new InvalidArgumentException("SHAPE_MISMATCH", "seed series has " + seed.length
          + " time points but the data have " + t);
    }
    if (t < 2) {
      throw new InvalidArgumentException("TOO_FEW_TIME_POINTS",
          "a correlation needs at least 2 time points, got " + t);
    }
    int v = data[0].length;
    double[] mean = new double[v];
    for (int i = 0; i < t; i++) {
      float[] row = data[i];
      if (row.length != v) {
        throw new InvalidArgumentException("SHAPE_MISMATCH", "time point " + i + " has "
            + row.length + " voxels but time point 0 has " + v);
      }
      for (int q = 0; q < v; q++) {
        mean[q] += row[q];
      }
    }
    for (int q = 0; q < v; q++) {
      if (!Double.isFinite(mean[q])) {
        throw (InvalidArgumentException) new InvalidArgumentException("NON_FINITE_VALUES",
            "voxel " + q + " has a non-finite value").with("voxel", q);
      }
      mean[q] /= t;
    }
    double seedMean = 0;
    for (double x : seed) {
      seedMean += x;
    }
    seedMean /= t;
    double[] sc = new double[t];
    double seedSs = 0;
    for (int i = 0; i < t; i++) {
      sc[i] = seed[i] - seedMean;
      seedSs += sc[i] * sc[i];
    }
    if (!Double.isFinite(seedSs)) {
      throw new InvalidArgumentException("NON_FINITE_VALUES", "the seed series has a non-finite value");
    }
    if (seedSs == 0) {
      throw new InvalidArgumentException("CONSTANT_SIGNAL",
          "the seed series is constant; its correlation with any voxel is undefined");
    }
    double[] cross = new double[v];
    double[] ss = new double[v];
    for (int i = 0; i < t; i++) {
      float[] row = data[i];
      double s = sc[i];
      for (int q = 0; q < v; q++) {
        double d = row[q] - mean[q];
        cross[q] += d * s;
        ss[q] += d * d;
      }
    }
    double[] r = new double[v];
    double[] z = fisherZ ? new double[v] : null;
    double seedNorm = Math.sqrt(seedSs);
    for (int q = 0; q < v; q++) {
      double value = ss[q] == 0 ? 0.0 : cross[q] / (Math.sqrt(ss[q]) * seedNorm);
      r[q] = Math.max(-1.0, Math.min(1.0, value));
      if (fisherZ) {
        z[q] = Connectivity.fisherZ(r[q]);
      }
    }
    return new SeedMap(r, z, seed.clone(), 0, new int[0]);
  }

  /**
   * The correlation map of a spherical seed: {@link #sphereVoxels}, {@link #seedSeries}, {@link
   * #correlate}.
   *
   * @param data T × V (V mask voxels)
   * @param ijk mask voxel indices, flat, length 3V
   * @param affine 4 × 4 voxel → world, mm
   * @param seed centre and radius, mm
   * @param fisherZ also return Fisher z
   */
  public static SeedMap fromSphere(float[][] data, int[] ijk, double[][] affine, SphereSeed seed,
      boolean fisherZ) {
    if (data.length > 0 && data[0].length * 3 != ijk.length) {
      throw new InvalidArgumentException("SHAPE_MISMATCH", "data have " + data[0].length
          + " voxels but " + ijk.length / 3 + " mask voxel indices were given");
    }
    int[] voxels = sphereVoxels(ijk, affine, seed);
    SeedMap m = correlate(data, seedSeries(data, voxels), fisherZ);
    return new SeedMap(m.r(), m.z(), m.seedSeries(), voxels.length, voxels);
  }

  private static void checkAffine(double[][] affine) {
    if (affine.length != 4) {
      throw new InvalidArgumentException("INVALID_AFFINE", "affine must be 4 × 4, got "
          + affine.length + " rows");
    }
    for (double[] row : affine) {
      if (row.length != 4) {
        throw new InvalidArgumentException("INVALID_AFFINE", "affine must be 4 × 4, got a row of "
            + row.length);
      }
    }
  }
}
