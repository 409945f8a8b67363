package io.voxelflow.decomposition.pca;

import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.numerics.LapackHealth;
import io.voxelflow.numerics.Linalg;
import io.voxelflow.numerics.Matrix;
import io.voxelflow.numerics.RandomizedSvd;
import java.util.Arrays;

/**
 * scikit-learn 1.2's {@code IncrementalPCA.partial_fit}: PCA of a samples × features matrix fed as
 * row blocks (e.g. one subject's time × voxels matrix at a time), so the whole matrix never has to
 * be in memory (Ross et al. 2008, "Incremental learning for robust visual tracking", IJCV 77).
 *
 * <p>Per block of n rows: the per-feature mean and variance are updated (Chan, Golub and LeVeque's
 * pairwise update); then an exact SVD ({@link Linalg#svd}) of the stack
 * <pre>
 *   [ diag(s) · Vᵀ                           ]   the retained singular triplets so far
 *   [ block − block mean                     ]   n × features
 *   [ √(seen · n / (seen + n)) · (mean − block mean) ]   the shift of the mean
 * </pre>
 * gives the new basis; signs follow {@code svd_flip(u_based_decision=False)} (each component's
 * largest-magnitude entry positive).
 *
 * <p>sklearn keeps {@code n_components} triplets between blocks ({@link #IncrementalPca(int)}),
 * which approximates PCA. Keeping {@code retainedRank ≥} the rank of the data seen ({@link
 * #IncrementalPca(int, int)}, e.g. the total number of time points) makes the result equal to the
 * exact PCA of all rows up to rounding; memory is then {@code retainedRank × features} doubles.
 *
 * <p>Not thread-safe: feed blocks from one thread (or synchronise).
 */
public final class IncrementalPca {

  private final int nComponents;
  private final int retainedRank;
  private long seen;
  private int features = -1;
  private double[] mean;
  private double[] variance;     // population (ddof 0) per feature
  private Matrix basis;          // retained rows of Vᵀ, r × features
  private double[] singular;     // retained singular values, length r
  private double[] explainedVarianceAll;
  private double[] explainedVarianceRatioAll;
  private int lastBlockRows;

  /** sklearn's {@code IncrementalPCA(n_components)}: keeps nComponents triplets between blocks. */
  public IncrementalPca(int nComponents) {
    this(nComponents, nComponents);
  }

  /**
   * @param nComponents number of components reported
   * @param retainedRank singular triplets kept between blocks, ≥ nComponents (exact PCA when ≥ the
   *     rank of all the data)
   */
  public IncrementalPca(int nComponents, int retainedRank) {
    if (nComponents < 1) {
      throw new InvalidArgumentException("INVALID_N_COMPONENTS", "n_components must be ≥ 1, got " + nComponents);
    }
    if (retainedRank < nComponents) {
      throw new IllegalArgumentException(
          "retainedRank (" + retainedRank + ") must be ≥ nComponents (" + nComponents + ")");
    }
    this.nComponents = nComponents;
    this.retainedRank = retainedRank;
  }

  /** Number of samples fitted so far. */
  public long samplesSeen() {
    return seen;
  }

  /**
   * Adds a block of samples.
   *
   * @param block n × features, n ≥ 1, the same number of features as earlier blocks (not modified)
   * @throws InvalidArgumentException {@code SHAPE_MISMATCH} when the number of features changes
   */
  public void partialFit(Matrix block) {
    LapackHealth.requireHealthy();
    int n = block.rows();
    int p = block.cols();
    if (n == 0) {
      return;
    }
    if (features < 0) {
      features = p;
      mean = new double[p];
      variance = new double[p];
    } else if (p != features) {
      throw new InvalidArgumentException("SHAPE_MISMATCH",
          "block has " + p + " features, earlier blocks had " + features);
    }
    double[] blockMean = Pca.columnMeans(block);
    Matrix centred = Pca.centred(block, blockMean);
    double[] blockM2 = columnSumsOfSquares(centred);
    long total = seen + n;

    Matrix stack;
    if (seen == 0) {
      stack = centred;
    } else {
      double[] correction = new double[p];
      double scale = Math.sqrt((double) seen * n / total);
      for (int j = 0; j < p; j++) {
        correction[j] = scale * (mean[j] - blockMean[j]);
      }
      stack = stackRows(scaledBasis(), centred, correction);
    }
    // Chan et al.: M2 = M2_old + M2_block + seen·n/total · (mean_old − mean_block)²
    for (int j = 0; j < p; j++) {
      double delta = mean[j] - blockMean[j];
      double m2 = variance[j] * seen + blockM2[j] + (double) seen * n / total * delta * delta;
      mean[j] = (seen * mean[j] + n * blockMean[j]) / total;
      variance[j] = m2 / total;
    }
    seen = total;
    lastBlockRows = n;

    Linalg.Svd svd = Linalg.svd(stack);
    RandomizedSvd.flipSigns(svd.u(), svd.vt(), false);
    double totalScatter = 0;
    for (double v : variance) {
      totalScatter += v * total;
    }
    int k = svd.s().length;
    explainedVarianceAll = new double[k];
    explainedVarianceRatioAll = new double[k];
    for (int i = 0; i < k; i++) {
      double s2 = svd.s()[i] * svd.s()[i];
      explainedVarianceAll[i] = s2 / (total - 1);
      explainedVarianceRatioAll[i] = s2 / totalScatter;
    }
    int r = Math.min(retainedRank, k);
    basis = new Matrix(r, p, Arrays.copyOf(svd.vt().data(), r * p));
    singular = Arrays.copyOf(svd.s(), r);
  }

  /**
   * The PCA of all samples so far.
   *
   * @throws InvalidArgumentException {@code TOO_MANY_COMPONENTS} while fewer than nComponents
   *     directions are known (fewer samples or features than components)
   */
  public PcaResult result() {
    if (basis == null || basis.rows() < nComponents) {
      throw new InvalidArgumentException("TOO_MANY_COMPONENTS", "n_components = " + nComponents
          + " but only " + (basis == null ? 0 : basis.rows()) + " directions are known from "
          + seen + " samples × " + Math.max(features, 0) + " features");
    }
    int k = nComponents;
    double noise = 0;
    // sklearn: noise_variance_ = mean of the discarded explained variances of the last SVD, unless
    // n_components equals the last block's rows or the number of features
    if (k != lastBlockRows && k != features && explainedVarianceAll.length > k) {
      for (int i = k; i < explainedVarianceAll.length; i++) {
        noise += explainedVarianceAll[i];
      }
      noise /= explainedVarianceAll.length - k;
    }
    return new PcaResult(new Matrix(k, features, Arrays.copyOf(basis.data(), k * features)),
        Arrays.copyOf(explainedVarianceAll, k), Arrays.copyOf(explainedVarianceRatioAll, k),
        Arrays.copyOf(singular, k), mean.clone(), noise, seen, null);
  }

  private Matrix scaledBasis() {
    Matrix m = basis.copy();
    int p = m.cols();
    for (int i = 0; i < m.rows(); i++) {
      double s = singular[i];
      for (int j = 0; j < p; j++) {
        m.data()[i * p + j] *= s;
      }
    }
    return m;
  }

  private static Matrix stackRows(Matrix top, Matrix middle, double[] last) {
    int p = middle.cols();
    double[] d = new double[(top.rows() + middle.rows() + 1) * p];
    System.arraycopy(top.data(), 0, d, 0, top.data().length);
    System.arraycopy(middle.data(), 0, d, top.data().length, middle.data().length);
    System.arraycopy(last, 0, d, top.data().length + middle.data().length, p);
    return new Matrix(top.rows() + middle.rows() + 1, p, d);
  }

  private static double[] columnSumsOfSquares(Matrix x) {
    int p = x.cols();
    double[] s = new double[p];
    double[] d = x.data();
    for (int i = 0; i < x.rows(); i++) {
      int o = i * p;
      for (int j = 0; j < p; j++) {
        s[j] += d[o + j] * d[o + j];
      }
    }
    return s;
  }
}
