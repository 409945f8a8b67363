package io.voxelflow.decomposition.dictlearning;

import static org.bytedeco.openblas.global.openblas.LAPACK_ROW_MAJOR;

import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.numerics.Linalg;
import io.voxelflow.numerics.Matrix;
import java.util.List;
import org.bytedeco.openblas.global.openblas;

/**
 * nilearn 0.10.4's {@code DictLearning} (Mensch et al., "Compressed online dictionary learning
 * for fast resting-state fMRI decomposition", ISBI 2016) after masking: sparse spatial maps
 * learnt by online dictionary learning on the subjects' temporal reductions, started from
 * CanICA's maps.
 *
 * <p>The steps, each a public function so that a service can run, time and persist them:
 * <ol>
 *   <li>per subject, {@link SubjectReduction#reduce} (n_components rows each), then
 *       {@link #stackReductions} → {@code reduced}, n_samples × n_voxels;
 *   <li>{@link #rescaleInitialComponents}: CanICA's maps divided by their squared norms
 *       ({@code _init_dict});
 *   <li>{@link #initialLoadings}: ridge regression of the reduced data on those maps
 *       (α = 1e-8, no intercept), columns scaled to unit norm → the initial dictionary
 *       ({@code _compute_loadings});
 *   <li>online dictionary learning on voxels as samples ({@link DictLearningParameters.Schedule}
 *       steps), then the Lasso code of every voxel against the final dictionary
 *       ({@link #encodeVoxels}) — scikit-learn's {@code dict_learning_online(reduced.T, …,
 *       method='cd', return_code=True)};
 *   <li>{@link #postprocess}: maps scaled to unit norm and signed so positive voxels are not
 *       outnumbered.
 * </ol>
 *
 * <p>Computed in float64 (nilearn runs scikit-learn in float32 on float32 data; on the reference
 * data the maps agree to within 2e-7, |r| &gt; 1 − 1e-11).
 */
public final class DictLearning {
  /** nilearn's ridge penalty in {@code _compute_loadings}. */
  static final double RIDGE_ALPHA = 1e-8;

  private DictLearning() {}

  /**
   * Learns the maps.
   *
   * @param reduced stacked subject reductions, n_samples × n_voxels
   * @param initialComponents CanICA's components as nilearn's {@code canica.components_}
   *     (k × n_voxels, before any rescaling)
   * @param params hyper-parameters and seed
   * @return maps (k × n_voxels) and the learnt dictionary
   */
  public static DictLearningResult fit(Matrix reduced, Matrix initialComponents,
      DictLearningParameters params) {
    requireUsable(reduced, "reduced data");
    requireUsable(initialComponents, "initial components");
    requireSameVoxels(reduced, initialComponents);
    Matrix dictInit = initialLoadings(rescaleInitialComponents(initialComponents), reduced);
    int steps = params.schedule().steps(reduced.cols(), params.batchSize(), params.nEpochs());
    OnlineDictionaryLearning.Learnt learnt = OnlineDictionaryLearning.learn(reduced, dictInit,
        params.alpha(), params.batchSize(), steps, params.seed(), params.codingMaxIter());
    Matrix code = encodeVoxels(reduced, learnt.dictionary(), params.alpha(),
        params.codingMaxIter());
    return new DictLearningResult(postprocess(code), learnt.dictionary(), dictInit, steps,
        learnt.resampledAtoms());
  }

  /**
   * Stacks per-subject reductions row-wise, in the given (subject) order.
   *
   * @param perSubject each n_i × n_voxels, same n_voxels
   * @return Σn_i × n_voxels
   */
  public static Matrix stackReductions(List<Matrix> perSubject) {
    if (perSubject.isEmpty()) {
      throw new InvalidArgumentException("NO_INPUTS", "no subject reductions to stack");
    }
    int nVox = perSubject.get(0).cols();
    int rows = 0;
    for (int s = 0; s < perSubject.size(); s++) {
      if (perSubject.get(s).cols() != nVox) {
        throw new InvalidArgumentException("SHAPE_MISMATCH", "subject " + s + " has "
            + perSubject.get(s).cols() + " voxels, subject 0 has " + nVox);
      }
      rows = Math.addExact(rows, perSubject.get(s).rows());
    }
    double[] out = new double[Math.multiplyExact(rows, nVox)];
    int off = 0;
    for (Matrix m : perSubject) {
      System.arraycopy(m.data(), 0, out, off, m.data().length);
      off += m.data().length;
    }
    return new Matrix(rows, nVox, out);
  }

  /**
   * nilearn's {@code _init_dict}: each map divided by its squared L2 norm (an all-zero map is
   * left as is).
   *
   * @param components k × n_voxels
   * @return a new k × n_voxels matrix
   */
  public static Matrix rescaleInitialComponents(Matrix components) {
    Matrix out = components.copy();
    int nVox = out.cols();
    double[] d = out.data();
    for (int i = 0; i < out.rows(); i++) {
      double s = 0;
      for (int v = 0; v < nVox; v++) {
        s += d[i * nVox + v] * d[i * nVox + v];
      }
      if (s == 0) {
        s = 1;
      }
      for (int v = 0; v < nVox; v++) {
        d[i * nVox + v] /= s;
      }
    }
    return out;
  }

  /**
   * nilearn's {@code _compute_loadings}: the ridge solution L of {@code reducedᵀ ≈ componentsᵀ·L}
   * ({@code (C·Cᵀ + 1e-8·I)·L = C·reducedᵀ}, Cholesky), each column then scaled to unit norm.
   *
   * @param components k × n_voxels (already {@linkplain #rescaleInitialComponents rescaled})
   * @param reduced n_samples × n_voxels
   * @return the initial dictionary, k × n_samples
   */
  public static Matrix initialLoadings(Matrix components, Matrix reduced) {
    requireSameVoxels(reduced, components);
    int k = components.rows();
    int ns = reduced.rows();
    double[] g = Linalg.gemm(components, false, components, true).data();
    for (int i = 0; i < k; i++) {
      g[i * k + i] += RIDGE_ALPHA;
    }
    double[] l = Linalg.gemm(components, false, reduced, true).data();
    int info = openblas.LAPACKE_dposv(LAPACK_ROW_MAJOR, (byte) 'L', k, ns, g, k, l, ns);
    if (info != 0) {
      throw new ArithmeticException("LAPACK dposv failed on the initial components' Gram matrix,"
          + " info = " + info + " (components linearly dependent?)");
    }
    for (int j = 0; j < ns; j++) {
      double s = 0;
      for (int i = 0; i < k; i++) {
        s += l[i * ns + j] * l[i * ns + j];
      }
      s = s == 0 ? 1 : Math.sqrt(s);
      for (int i = 0; i < k; i++) {
        l[i * ns + j] /= s;
      }
    }
    return new Matrix(k, ns, l);
  }

  /**
   * The Lasso code of every voxel against the dictionary (scikit-learn's final
   * {@code sparse_encode} of {@code dict_learning_online}); voxels are solved in parallel, which
   * does not change the result.
   *
   * @param reduced n_samples × n_voxels (each column is one voxel's sample)
   * @param dictionary k × n_samples
   * @return codes, n_voxels × k
   */
  public static Matrix encodeVoxels(Matrix reduced, Matrix dictionary, double alpha,
      int maxIter) {
    int ns = reduced.rows();
    int nVox = reduced.cols();
    int k = dictionary.rows();
    double[] cov = new double[Math.multiplyExact(nVox, k)];
    Blas.gemm(true, true, nVox, k, ns, 1.0, reduced.data(), dictionary.data(), 0.0, cov);
    double[] yNorm2 = new double[nVox];
    double[] r = reduced.data();
    for (int f = 0; f < ns; f++) {
      for (int v = 0; v < nVox; v++) {
        yNorm2[v] += r[f * nVox + v] * r[f * nVox + v];
      }
    }
    double[] code = new double[nVox * k];
    LassoCd.encodeRows(LassoCd.gram(dictionary), k, cov, yNorm2,
        LassoCd.l1Penalty(alpha, ns), maxIter, code, true);
    return new Matrix(nVox, k, code);
  }

  /**
   * nilearn's post-processing of the codes: transpose to maps, scale each to unit L2 norm
   * (all-zero maps stay zero), flip a map's sign when it has more negative than positive voxels.
   *
   * @param code n_voxels × k
   * @return maps, k × n_voxels
   */
  public static Matrix postprocess(Matrix code) {
    Matrix maps = code.transpose();
    int nVox = maps.cols();
    double[] d = maps.data();
    for (int i = 0; i < maps.rows(); i++) {
      double s = 0;
      int pos = 0;
      int neg = 0;
      for (int v = 0; v < nVox; v++) {
        double x = d[i * nVox + v];
        s += x * x;
        pos += x > 0 ? 1 : 0;
        neg += x < 0 ? 1 : 0;
      }
      double scale = (s == 0 ? 1 : Math.sqrt(s)) * (pos < neg ? -1 : 1);
      for (int v = 0; v < nVox; v++) {
        d[i * nVox + v] /= scale;
      }
    }
    return maps;
  }

  private static void requireUsable(Matrix m, String what) {
    if (m.rows() == 0 || m.cols() == 0) {
      throw new InvalidArgumentException("EMPTY_DATA",
          what + " is empty (" + m.rows() + " × " + m.cols() + ")");
    }
    for (double v : m.data()) {
      if (!Double.isFinite(v)) {
        throw new InvalidArgumentException("NON_FINITE_VALUES",
            what + " contains NaN or infinite values");
      }
    }
  }

  private static void requireSameVoxels(Matrix reduced, Matrix components) {
    if (reduced.cols() != components.cols()) {
      throw new InvalidArgumentException("SHAPE_MISMATCH", "initial components are "
          + components.rows() + " × " + components.cols() + " but the reduced data is "
          + reduced.rows() + " × " + reduced.cols() + ": both need one column per voxel");
    }
  }
}
