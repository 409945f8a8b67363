package io.voxelflow.numerics;

import java.util.Random;

/** Seeded random matrices for the tests. */
final class TestMatrices {
  private TestMatrices() {}

  /** An r × c matrix of standard normal entries from {@code seed}. */
  static Matrix random(int r, int c, long seed) {
    Random rnd = new Random(seed);
    double[] d = new double[r * c];
    for (int i = 0; i < d.length; i++) {
      d[i] = rnd.nextGaussian();
    }
    return new Matrix(r, c, d);
  }
}
