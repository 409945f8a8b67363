package io.voxelflow.decomposition.dictlearning;

import static org.bytedeco.openblas.global.openblas.LAPACK_ROW_MAJOR;

import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.numerics.Matrix;
import io.voxelflow.numerics.Nd4jRuntime;
import org.bytedeco.openblas.global.openblas;

/**
 * {@link SubjectReduction} by an exact thin SVD (LAPACK dgesvd, called directly: the bundled
 * OpenBLAS's dgesdd, behind {@code Linalg.svd}, returns wrong factors once min(rows, cols)
 * exceeds a few dozen — seen on 48 × 100 and 60 × 60 — so it is avoided here).
 *
 * <p>A stand-in: nilearn's {@code _fast_svd} takes this exact path only when both dimensions
 * are ≤ 500 and otherwise uses scikit-learn's {@code randomized_svd} (the same reduction CanICA
 * uses); the randomized result agrees with this one to within its approximation error (on the
 * tiny reference data every reduced row has |cosine| &gt; 0.99999 with nilearn's). Its cost is a
 * full SVD of the subject: memory ≈ 2 × n_timepoints × n_voxels doubles.
 */
public final class ExactSvdReduction implements SubjectReduction {

  static {
    Nd4jRuntime.ensureLoaded();
  }

  @Override
  public Matrix reduce(Matrix signals, int nComponents) {
    if (nComponents < 1) {
      throw new InvalidArgumentException("N_COMPONENTS_TOO_SMALL",
          "reduction needs n_components >= 1, got " + nComponents);
    }
    if (signals.rows() == 0 || signals.cols() == 0) {
      throw new InvalidArgumentException("EMPTY_DATA", "cannot reduce a subject with "
          + signals.rows() + " time points × " + signals.cols() + " voxels");
    }
    int nt = signals.rows();
    int nVox = signals.cols();
    int k = Math.min(nt, nVox);
    double[] work = signals.data().clone();
    double[] sv = new double[k];
    double[] u = new double[nt * k];
    double[] vt = new double[k * nVox];
    double[] superb = new double[Math.max(1, k - 1)];
    int info = openblas.LAPACKE_dgesvd(LAPACK_ROW_MAJOR, (byte) 'S', (byte) 'S', nt, nVox, work,
        nVox, sv, u, k, vt, nVox, superb);
    if (info != 0) {
      throw new ArithmeticException("LAPACK dgesvd failed, info = " + info);
    }
    int n = Math.min(nComponents, k);
    double[] out = new double[n * nVox];
    for (int i = 0; i < n; i++) {
      int peak = 0;
      for (int v = 1; v < nVox; v++) {
        if (Math.abs(vt[i * nVox + v]) > Math.abs(vt[i * nVox + peak])) {
          peak = v;
        }
      }
      double scale = vt[i * nVox + peak] < 0 ? -sv[i] : sv[i];
      for (int v = 0; v < nVox; v++) {
        out[i * nVox + v] = scale * vt[i * nVox + v];
      }
    }
    return new Matrix(n, nVox, out);
  }
}
