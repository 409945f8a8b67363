package io.voxelflow.decomposition.dictlearning;

import io.voxelflow.numerics.Matrix;

/**
 * Online dictionary learning (Mairal, Bach, Ponce &amp; Sapiro, "Online learning for matrix
 * factorization and sparse coding", JMLR 11, 2010) as scikit-learn 1.2's
 * {@code MiniBatchDictionaryLearning(fit_algorithm='cd', shuffle=True)} runs it for nilearn.
 *
 * <p>Orientation is scikit-learn's, on nilearn's data transposed: a <em>sample</em> is a voxel
 * and a <em>feature</em> is one row of the stacked subject reductions. Input is kept as nilearn
 * holds it, {@code reduced} = n_features × n_voxels, so no transposed copy is made; the
 * dictionary is k × n_features (temporal atoms) and the codes n_voxels × k (spatial maps).
 *
 * <p>One step on a mini-batch X_b of b voxels, with D the dictionary:
 * <ol>
 *   <li>codes C (b × k) by {@link LassoCd} from zero, penalty α;
 *   <li>statistics with forgetting: {@code θ = (t+1)·b} for {@code t < b−1}, else
 *       {@code b² + t + 1 − b}; {@code β = (θ + 1 − b) / (θ + 1)};
 *       {@code A ← βA + CᵀC / b}, {@code B ← βB + CᵀX_b / b};
 *   <li>block-coordinate update of each atom j in turn,
 *       {@code d_j ← (d_j + (B_j − A_j·D) / A_jj)} then {@code d_j ← d_j / max(‖d_j‖, 1)};
 *       an atom with {@code A_jj ≤ 1e-6} is replaced by a random voxel of the batch plus
 *       Gaussian noise of 1% of its standard deviation (sklearn's {@code _update_dict}).
 * </ol>
 * The voxels are shuffled once with {@link LegacyMersenneTwister} seeded like numpy's
 * {@code RandomState(seed)}, then cut into consecutive batches of {@code batchSize} (the last one
 * shorter) that are cycled through for {@code nSteps} steps. No early stopping.
 */
final class OnlineDictionaryLearning {
  /** sklearn's (and SPAMS') threshold under which an atom counts as unused. */
  static final double UNUSED_ATOM = 1e-6;

  private OnlineDictionaryLearning() {}

  /**
   * The learnt dictionary and how many atoms had to be resampled.
   *
   * @param dictionary k × n_features, rows of norm ≤ 1
   * @param resampledAtoms atom replacements made over all steps (0 in healthy runs)
   */
  record Learnt(Matrix dictionary, int resampledAtoms) {}

  /**
   * Runs {@code nSteps} mini-batch steps.
   *
   * @param reduced n_features × n_voxels (sklearn's X transposed)
   * @param dictInit k × n_features, not modified
   * @param alpha L1 penalty of the codes
   * @param batchSize voxels per mini-batch (capped at n_voxels)
   * @param nSteps number of mini-batch steps
   * @param seed seed of the shuffle and of atom resampling
   * @param codingMaxIter coordinate-descent sweeps allowed per code
   */
  static Learnt learn(Matrix reduced, Matrix dictInit, double alpha, int batchSize, int nSteps,
      long seed, int codingMaxIter) {
    int nf = reduced.rows();
    int nVox = reduced.cols();
    int k = dictInit.rows();
    int bs = Math.min(batchSize, nVox);
    int nBatches = (nVox + bs - 1) / bs;
    LegacyMersenneTwister rng = new LegacyMersenneTwister(seed);
    int[] order = rng.shuffleOrder(nVox);

    double[] d = dictInit.data().clone();
    double[] a = new double[k * k];
    double[] bt = new double[k * nf];
    double[] xb = new double[bs * nf];
    double[] cov = new double[bs * k];
    double[] code = new double[bs * k];
    double[] yNorm2 = new double[bs];
    double l1 = LassoCd.l1Penalty(alpha, nf);
    int resampled = 0;

    for (int step = 0; step < nSteps; step++) {
      int start = (step % nBatches) * bs;
      int b = Math.min(bs, nVox - start);
      gatherBatch(reduced, order, start, b, xb);
      for (int i = 0; i < b; i++) {
        double acc = 0;
        for (int f = 0; f < nf; f++) {
          acc += xb[i * nf + f] * xb[i * nf + f];
        }
        yNorm2[i] = acc;
      }
      Matrix dict = new Matrix(k, nf, d);
      double[] gram = LassoCd.gram(dict);
      Blas.gemm(false, true, b, k, nf, 1.0, xb, d, 0.0, cov);
      double[] y2 = b == bs ? yNorm2 : java.util.Arrays.copyOf(yNorm2, b);
      LassoCd.encodeRows(gram, k, cov, y2, l1, codingMaxIter, code, false);

      double theta = step < b - 1 ? (double) (step + 1) * b : (double) b * b + step + 1 - b;
      double beta = (theta + 1 - b) / (theta + 1);
      Blas.gemm(true, false, k, k, b, 1.0 / b, code, code, beta, a);
      Blas.gemm(true, false, k, nf, b, 1.0 / b, code, xb, beta, bt);
      resampled += updateDictionary(d, k, nf, a, bt, xb, b, rng);
    }
    return new Learnt(new Matrix(k, nf, d), resampled);
  }

  /** Copies voxels {@code order[start .. start+b)} as rows of {@code xb} (b × n_features). */
  private static void gatherBatch(Matrix reduced, int[] order, int start, int b, double[] xb) {
    int nf = reduced.rows();
    int nVox = reduced.cols();
    double[] r = reduced.data();
    for (int i = 0; i < b; i++) {
      int v = order[start + i];
      for (int f = 0; f < nf; f++) {
        xb[i * nf + f] = r[f * nVox + v];
      }
    }
  }

  /**
   * sklearn's {@code _update_dict}: one pass of block-coordinate descent over the atoms, in
   * place, each projected onto the unit ball.
   *
   * @return the number of atoms resampled from the batch
   */
  static int updateDictionary(double[] d, int k, int nf, double[] a, double[] bt, double[] xb,
      int b, LegacyMersenneTwister rng) {
    int resampled = 0;
    double[] ad = new double[nf];
    for (int j = 0; j < k; j++) {
      double ajj = a[j * k + j];
      if (ajj > UNUSED_ATOM) {
        java.util.Arrays.fill(ad, 0.0);
        for (int i = 0; i < k; i++) {
          double aji = a[j * k + i];
          for (int f = 0; f < nf; f++) {
            ad[f] += aji * d[i * nf + f];
          }
        }
        for (int f = 0; f < nf; f++) {
          d[j * nf + f] += (bt[j * nf + f] - ad[f]) / ajj;
        }
      } else {
        resampleAtom(d, j, nf, xb, b, rng);
        resampled++;
      }
      double norm = 0;
      for (int f = 0; f < nf; f++) {
        norm += d[j * nf + f] * d[j * nf + f];
      }
      double scale = Math.max(Math.sqrt(norm), 1.0);
      for (int f = 0; f < nf; f++) {
        d[j * nf + f] /= scale;
      }
    }
    return resampled;
  }

  /** Atom j ← a random voxel of the batch + N(0, (0.01·std)²) noise (std = 1 if it is 0). */
  private static void resampleAtom(double[] d, int j, int nf, double[] xb, int b,
      LegacyMersenneTwister rng) {
    int pick = (int) rng.nextInterval(b - 1L);
    double mean = 0;
    for (int f = 0; f < nf; f++) {
      mean += xb[pick * nf + f];
    }
    mean /= nf;
    double var = 0;
    for (int f = 0; f < nf; f++) {
      double c = xb[pick * nf + f] - mean;
      var += c * c;
    }
    double std = Math.sqrt(var / nf);
    double noise = 0.01 * (std != 0 ? std : 1.0);
    for (int f = 0; f < nf; f++) {
      d[j * nf + f] = xb[pick * nf + f] + noise * rng.nextGaussian();
    }
  }
}
