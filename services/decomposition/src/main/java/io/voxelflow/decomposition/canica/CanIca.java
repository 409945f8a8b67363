package io.voxelflow.decomposition.canica;

import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.numerics.DirectMatrix;
import io.voxelflow.numerics.LapackHealth;
import io.voxelflow.numerics.Linalg;
import io.voxelflow.numerics.Matrix;
import io.voxelflow.numerics.RandomizedSvd;
import java.util.List;
import java.util.SplittableRandom;

/**
 * nilearn 0.10.4's {@code CanICA} numerics on masked, cleaned subject matrices (see the package
 * documentation for the pipeline). Typical use by a service:
 *
 * <pre>{@code
 * // on a pool, one task per subject; persist each result to resume after a crash
 * Matrix reduced = CanIca.reduceSubject(subjectData, options.nComponents(), options.seed());
 * // once all are reduced
 * CanIcaResult r = CanIca.fitReduced(reducedList, options);
 * Matrix tc = CanIca.timeCourses(subjectData, r.components());
 * }</pre>
 */
public final class CanIca {

  private CanIca() {}

  /** {@link #reduceSubject} of every subject then {@link #fitReduced}, sequentially. */
  public static CanIcaResult fit(List<Matrix> subjects, CanIcaOptions options) {
    validateSubjects(subjects, options.nComponents());
    Matrix[] reduced = new Matrix[subjects.size()];
    for (int i = 0; i < reduced.length; i++) {
      reduced[i] = reduceSubject(subjects.get(i), options.nComponents(), options.seed());
    }
    return fitReduced(List.of(reduced), options);
  }

  /**
   * Checks what {@link #fit} needs of the subjects before any work: at least one, the same number
   * of voxels each, and enough rows and voxels for nComponents maps.
   *
   * @throws InvalidArgumentException {@code SHAPE_MISMATCH}, {@code TOO_MANY_COMPONENTS},
   *     {@code INVALID_N_COMPONENTS} or {@code NO_SUBJECTS}
   */
  public static void validateSubjects(List<Matrix> subjects, int nComponents) {
    if (subjects.isEmpty()) {
      throw new InvalidArgumentException("NO_SUBJECTS", "CanICA needs at least one subject");
    }
    int voxels = subjects.get(0).cols();
    long rows = 0;
    for (int i = 0; i < subjects.size(); i++) {
      Matrix s = subjects.get(i);
      if (s.cols() != voxels) {
        throw new InvalidArgumentException("SHAPE_MISMATCH", "subject " + i + " has " + s.cols()
            + " voxels, subject 0 has " + voxels + ": all subjects must be masked with the same mask");
      }
      rows += Math.min(nComponents, s.rows());
    }
    requireGroupComponents(nComponents, rows, voxels);
  }

  /** Above this many time points {@link #reduceSubject} uses nilearn's SVD choice, not the Gram matrix. */
  public static final int GRAM_MAX_TIME_POINTS = 1024;

  /**
   * Reduces one subject to its top {@code n = min(nComponents, time points)} temporal singular
   * directions: with {@code dataᵀ = U · diag(s) · Vᵀ} (voxels × time), returns {@code diag(s) · Uᵀ}
   * (n × voxels), signs by {@code svd_flip} on U (each row's largest-magnitude voxel positive) —
   * nilearn's {@code _mask_and_reduce_single}. Depends on this subject (and the seed) only.
   *
   * <p>For up to {@link #GRAM_MAX_TIME_POINTS} time points the exact truncated SVD is computed from
   * the time × time Gram matrix ({@code data · dataᵀ = V · diag(s²) · Vᵀ}, dsyrk + eigh; the rows
   * are then {@code V_nᵀ · data}): one pass over the data, about 5× less work than nilearn's
   * randomized SVD ({@code _fast_svd}: 7 power iterations), whose result it equals up to that
   * method's approximation error ({@code CanIcaTest}: |cos| ≥ 0.9999 with nilearn's rows). Longer
   * runs use {@code _fast_svd}'s choice ({@link #reduceSubjectLikeNilearn}).
   *
   * @param data time × voxels, masked and cleaned (not modified)
   * @param nComponents number of components of the decomposition
   * @param seed seed of the randomized SVD (used above {@link #GRAM_MAX_TIME_POINTS} only)
   * @return the reduced matrix, min(nComponents, time) × voxels
   */
  public static Matrix reduceSubject(Matrix data, int nComponents, long seed) {
    LapackHealth.requireHealthy();
    requireSubject(data, nComponents);
    int n = Math.min(nComponents, data.rows());
    if (data.rows() <= GRAM_MAX_TIME_POINTS && data.rows() <= data.cols()) {
      return reduceByGram(data, n);
    }
    return reduceSubjectLikeNilearn(data, nComponents, seed);
  }

  /**
   * {@link #reduceSubject} exactly as nilearn's {@code _fast_svd(data.T, n)}: exact SVD when
   * {@code max(voxels, time) ≤ 500} or {@code n ≥ 0.8 · min(voxels, time)}, otherwise randomized
   * ({@code n_iter="auto"}, sklearn defaults).
   */
  public static Matrix reduceSubjectLikeNilearn(Matrix data, int nComponents, long seed) {
    requireSubject(data, nComponents);
    int t = data.rows();
    int v = data.cols();
    int n = Math.min(nComponents, t);
    boolean full = Math.max(v, t) <= 500 || !(n < 0.8 * Math.min(v, t));
    if (full) {
      // dataᵀ = (Vt_d)ᵀ · diag(s) · U_dᵀ: U of dataᵀ is the rows of Vt_d, svd_flip decides on them
      Linalg.Svd svd = Linalg.svd(data);
      RandomizedSvd.flipSigns(svd.u(), svd.vt(), false);
      return scaleRows(new Matrix(n, v, java.util.Arrays.copyOf(svd.vt().data(), n * v)), svd.s());
    }
    Linalg.Svd svd = RandomizedSvd.decompose(data, true, n, RandomizedSvd.Options.defaults(seed));
    return scaleRows(svd.u().transpose(), svd.s());   // u: voxels × n
  }

  /** Top-n rows {@code V_nᵀ · data} from the eigenvectors of the Gram matrix, svd_flip-signed. */
  static Matrix reduceByGram(Matrix data, int n) {
    int t = data.rows();
    DirectMatrix x = DirectMatrix.of(data);
    Linalg.SymmetricEigen e = Linalg.eigh(DirectMatrix.gram(x));     // ascending eigenvalues
    Matrix top = Matrix.zeros(n, t);
    for (int i = 0; i < n; i++) {
      int col = t - 1 - i;
      for (int j = 0; j < t; j++) {
        top.data()[i * t + j] = e.vectors().get(j, col);
      }
    }
    Matrix reduced = DirectMatrix.gemm(DirectMatrix.of(top), false, x, false).toMatrix();   // n × voxels
    int v = reduced.cols();
    for (int i = 0; i < n; i++) {
      if (largestMagnitude(reduced.data(), i * v, v) < 0) {
        for (int j = 0; j < v; j++) {
          reduced.data()[i * v + j] = -reduced.data()[i * v + j];
        }
      }
    }
    return reduced;
  }

  private static void requireSubject(Matrix data, int nComponents) {
    if (nComponents < 1) {
      throw new InvalidArgumentException("INVALID_N_COMPONENTS", "n_components must be ≥ 1, got " + nComponents);
    }
    if (data.rows() < 1 || data.cols() < 1) {
      throw new InvalidArgumentException("EMPTY_SUBJECT", "subject data are " + data.rows() + " × " + data.cols());
    }
  }

  /**
   * The group step on reduced subjects: CCA normalisation, group randomized SVD, FastICA restarts,
   * threshold and sign flip.
   *
   * @param reduced the {@link #reduceSubject} outputs (any order; rows are stacked in list order)
   * @param options the parameters (nComponents as given to reduceSubject)
   * @throws InvalidArgumentException {@code SHAPE_MISMATCH} when voxel counts differ,
   *     {@code TOO_MANY_COMPONENTS} when nComponents exceeds the stacked rows or the voxels,
   *     {@code INVALID_THRESHOLD} for a ratio above nComponents
   */
  public static CanIcaResult fitReduced(List<Matrix> reduced, CanIcaOptions options) {
    LapackHealth.requireHealthy();
    int k = options.nComponents();
    if (k < 1) {
      throw new InvalidArgumentException("INVALID_N_COMPONENTS", "n_components must be ≥ 1, got " + k);
    }
    if (options.threshold().ratio() != null && options.threshold().ratio() > k) {
      throw new InvalidArgumentException("INVALID_THRESHOLD", "threshold ratio " + options.threshold().ratio()
          + " exceeds the number of maps " + k);
    }
    Matrix stacked = stack(reduced);
    requireGroupComponents(k, stacked.rows(), stacked.cols());
    if (options.doCca()) {
      normaliseRows(stacked);
    }
    RandomizedSvd.Options svdOptions = RandomizedSvd.Options.defaults(options.seed()).withNIter(3)
        .withTranspose(RandomizedSvd.Transpose.YES);
    // nilearn: randomized_svd(data.T, transpose=True): U of dataᵀ (voxels × k) are the maps
    Linalg.Svd group = RandomizedSvd.decompose(stacked, true, k, svdOptions);
    Matrix groupMaps = group.u();                                   // voxels × k

    SplittableRandom seeds = new SplittableRandom(options.seed());
    long[] runSeeds = new long[options.nInit()];
    for (int run = 0; run < runSeeds.length; run++) {
      runSeeds[run] = seeds.nextInt(Integer.MAX_VALUE);
    }
    FastIca.Whitened whitened = FastIca.whiten(groupMaps);
    // restarts share the whitening; BLAS already uses every core, so they run one after another
    FastIca.Result[] runs = new FastIca.Result[runSeeds.length];
    for (int run = 0; run < runs.length; run++) {
      runs[run] = whitened.run(runSeeds[run], options.maxIter(), options.tol());
    }
    double[] scores = new double[runs.length];
    int bestRun = 0;
    for (int run = 0; run < runs.length; run++) {
      scores[run] = maxColumnL1(runs[run].sources());
      if (scores[run] < scores[bestRun]) {
        bestRun = run;
      }
    }
    FastIca.Result best = runs[bestRun];
    Matrix maps = best.sources().transpose();                       // k × voxels
    double cut = options.threshold().applyInPlace(maps.data(), k);
    flipToPositivePeak(maps);
    return new CanIcaResult(maps, groupMaps.transpose(), group.s(), bestRun, scores, best.iterations(),
        best.converged(), cut);
  }

  /**
   * A subject's time courses on the maps: {@code argmin ‖data − tc · components‖}, time × nComponents,
   * the least squares nilearn's {@code transform} solves ({@code NiftiMapsMasker}:
   * {@code lstsq(componentsᵀ, dataᵀ)}), through the pseudo-inverse of the maps (singular values below
   * {@code max(voxels, nComponents) · ε · s_max} count as zero, numpy's {@code lstsq} cut-off).
   * nilearn applies it to the unprocessed images within the mask; pass whichever data the service
   * wants projected.
   *
   * @param data time × voxels
   * @param components nComponents × voxels
   */
  public static Matrix timeCourses(Matrix data, Matrix components) {
    if (data.cols() != components.cols()) {
      throw new InvalidArgumentException("SHAPE_MISMATCH", "data have " + data.cols()
          + " voxels, the maps " + components.cols());
    }
    Linalg.Svd svd = Linalg.svd(components);                 // C = U · diag(s) · Vt, Vt: r × voxels
    Matrix projected = Linalg.gemm(data, false, svd.vt(), true);     // time × r
    double[] s = svd.s();
    double cutoff = Math.max(components.rows(), components.cols()) * Math.ulp(1.0) * (s.length > 0 ? s[0] : 0);
    int r = s.length;
    for (int i = 0; i < projected.rows(); i++) {
      for (int j = 0; j < r; j++) {
        projected.data()[i * r + j] = s[j] > cutoff ? projected.data()[i * r + j] / s[j] : 0;
      }
    }
    return Linalg.gemm(projected, false, svd.u(), true);      // time × nComponents
  }

  static void requireGroupComponents(int k, long rows, int voxels) {
    if (k < 1) {
      throw new InvalidArgumentException("INVALID_N_COMPONENTS", "n_components must be ≥ 1, got " + k);
    }
    if (k > voxels || k > rows) {
      throw new InvalidArgumentException("TOO_MANY_COMPONENTS", "n_components = " + k + " but the "
          + "subjects provide only " + rows + " reduced time points (min(n_components, time points) per "
          + "subject) and " + voxels + " voxels: use at most " + Math.min(rows, voxels) + " components");
    }
  }

  /** The reduced matrices one under the other (checks that voxel counts agree). */
  static Matrix stack(List<Matrix> reduced) {
    if (reduced.isEmpty()) {
      throw new InvalidArgumentException("NO_SUBJECTS", "CanICA needs at least one subject");
    }
    int v = reduced.get(0).cols();
    int rows = 0;
    for (int i = 0; i < reduced.size(); i++) {
      if (reduced.get(i).cols() != v) {
        throw new InvalidArgumentException("SHAPE_MISMATCH", "reduced subject " + i + " has "
            + reduced.get(i).cols() + " voxels, subject 0 has " + v);
      }
      rows += reduced.get(i).rows();
    }
    double[] d = new double[Math.multiplyExact(rows, v)];
    int o = 0;
    for (Matrix m : reduced) {
      System.arraycopy(m.data(), 0, d, o, m.data().length);
      o += m.data().length;
    }
    return new Matrix(rows, v, d);
  }

  /** nilearn's {@code do_cca}: every row divided by its L2 norm (zero rows left alone). */
  static void normaliseRows(Matrix m) {
    int v = m.cols();
    for (int i = 0; i < m.rows(); i++) {
      double s = 0;
      for (int j = 0; j < v; j++) {
        s += m.data()[i * v + j] * m.data()[i * v + j];
      }
      double norm = s == 0 ? 1 : Math.sqrt(s);
      for (int j = 0; j < v; j++) {
        m.data()[i * v + j] /= norm;
      }
    }
  }

  /** Row i times s[i] (in place on a fresh matrix, returned). */
  private static Matrix scaleRows(Matrix m, double[] s) {
    int v = m.cols();
    for (int i = 0; i < m.rows(); i++) {
      for (int j = 0; j < v; j++) {
        m.data()[i * v + j] *= s[i];
      }
    }
    return m;
  }

  /** max over columns of the column's L1 norm (sources are samples × components). */
  static double maxColumnL1(Matrix sources) {
    int k = sources.cols();
    double[] l1 = new double[k];
    for (int i = 0; i < sources.rows(); i++) {
      for (int j = 0; j < k; j++) {
        l1[j] += Math.abs(sources.data()[i * k + j]);
      }
    }
    double max = 0;
    for (double x : l1) {
      max = Math.max(max, x);
    }
    return max;
  }

  /** nilearn: each map is negated when {@code max < −min}, so its peak is positive. */
  static void flipToPositivePeak(Matrix maps) {
    int v = maps.cols();
    for (int i = 0; i < maps.rows(); i++) {
      double max = Double.NEGATIVE_INFINITY;
      double min = Double.POSITIVE_INFINITY;
      for (int j = 0; j < v; j++) {
        max = Math.max(max, maps.data()[i * v + j]);
        min = Math.min(min, maps.data()[i * v + j]);
      }
      if (max < -min) {
        for (int j = 0; j < v; j++) {
          maps.data()[i * v + j] = -maps.data()[i * v + j];
        }
      }
    }
  }

  /** svd_flip's deciding entry of {@code d[offset, offset + length)}: the first of largest magnitude. */
  private static double largestMagnitude(double[] d, int offset, int length) {
    double best = 0;
    double bestAbs = -1;
    for (int j = 0; j < length; j++) {
      double a = Math.abs(d[offset + j]);
      if (a > bestAbs) {
        bestAbs = a;
        best = d[offset + j];
      }
    }
    return best;
  }
}
