package io.voxelflow.decomposition.canica;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.numerics.Matrix;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * CanICA on the tiny reference data (inputs: what nilearn's CanICA(n_components=3, random_state=0)
 * masks and cleans), against nilearn 0.10.4's own intermediate and final results and the planted
 * truth. Tolerances are stated in each assertion.
 */
class CanIcaTest {

  private static List<Matrix> subjects;
  private static CanIcaResult result;

  @BeforeAll
  static void fitOnce() {
    subjects = Tiny.subjects();
    result = CanIca.fit(subjects, CanIcaOptions.defaults(Tiny.K, 0));
  }

  private static double absCos(double[] a, double[] b) {
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int i = 0; i < a.length; i++) {
      ab += a[i] * b[i];
      aa += a[i] * a[i];
      bb += b[i] * b[i];
    }
    return Math.abs(ab) / Math.sqrt(aa * bb);
  }

  private static double norm(double[] a) {
    double s = 0;
    for (double x : a) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  @Test
  void subjectReductionMatchesNilearnsRowsOnBothPaths() {
    Matrix theirs = Tiny.load("tiny/canica_reduced_sub-01.npy");
    // the default (exact, from the Gram matrix) and nilearn's own randomized _fast_svd path
    for (Matrix ours : new Matrix[] {CanIca.reduceSubject(subjects.get(0), Tiny.K, 0),
        CanIca.reduceSubjectLikeNilearn(subjects.get(0), Tiny.K, 0)}) {
      assertEquals(3, ours.rows());
      assertEquals(816, ours.cols());
      for (int i = 0; i < 3; i++) {
        double cos = absCos(ours.row(i), theirs.row(i));
        assertTrue(cos > 0.9999, "row " + i + " |cos| " + cos);
        // row norms are the singular values: nilearn's float32 randomized SVD vs ours, 1e-4 relative
        assertEquals(norm(theirs.row(i)), norm(ours.row(i)), 1e-4 * norm(theirs.row(i)));
      }
    }
  }

  @Test
  void gramReductionEqualsExactSvdAndFollowsSvdFlip() {
    Matrix data = subjects.get(1);
    Matrix gram = CanIca.reduceSubject(data, 5, 0);
    io.voxelflow.numerics.Linalg.Svd svd = io.voxelflow.numerics.Linalg.svd(data);
    for (int i = 0; i < 5; i++) {
      double[] row = gram.row(i);
      // s_i · (row i of Vᵀ), up to sign: entry-wise 1e-9 relative to s_i
      double sign = Math.signum(absDot(row, svd.vt().row(i)));
      double maxAbs = 0;
      double deciding = 0;
      for (int j = 0; j < row.length; j++) {
        assertEquals(sign * svd.s()[i] * svd.vt().get(i, j), row[j], 1e-9 * svd.s()[i]);
        if (Math.abs(row[j]) > maxAbs) {
          maxAbs = Math.abs(row[j]);
          deciding = row[j];
        }
      }
      assertTrue(deciding > 0, "svd_flip: the largest-magnitude voxel is positive");
    }
  }

  private static double absDot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }

  @Test
  void groupPcaMatchesNilearnsMultiPca() {
    Matrix theirs = Tiny.load("tiny/canica_group_pca.npy");
    for (int i = 0; i < 3; i++) {
      double cos = absCos(result.groupPca().row(i), theirs.row(i));
      assertTrue(cos > 0.999, "group PCA map " + i + " |cos| " + cos);
    }
  }

  @Test
  void componentsMatchNilearnsComponents() {
    Recovery.Score s = Recovery.match(Tiny.nilearnComponents(), result.components());
    System.out.printf("CanICA vs nilearn components: mean |r| %.4f, min %.4f, per map %s%n", s.mean(), s.min(),
        java.util.Arrays.toString(s.perTrueMap()));
    assertTrue(s.mean() >= 0.9, "mean |r| vs nilearn " + s.mean());
  }

  @Test
  void recoveryOfPlantedMapsIsAtLeastNilearns() {
    Recovery.Score nilearn = Recovery.match(Tiny.truth(), Tiny.onTrueMask(Tiny.nilearnComponents()));
    // our Recovery reproduces reference.json's score of nilearn's maps (float32 maps: 1e-6)
    assertEquals(Tiny.NILEARN_MEAN, nilearn.mean(), 1e-6);
    assertEquals(Tiny.NILEARN_MIN, nilearn.min(), 1e-6);
    Recovery.Score ours = Recovery.match(Tiny.truth(), Tiny.onTrueMask(result.components()));
    System.out.printf("CanICA recovery: mean %.4f min %.4f (nilearn %.4f / %.4f)%n", ours.mean(), ours.min(),
        Tiny.NILEARN_MEAN, Tiny.NILEARN_MIN);
    assertTrue(ours.mean() >= Tiny.NILEARN_MEAN - 1e-3, "mean recovery " + ours.mean());
    assertTrue(ours.min() >= Tiny.NILEARN_MIN - 1e-3, "min recovery " + ours.min());
  }

  @Test
  void sameSeedGivesIdenticalOutputAndReducedSubjectsCanBeFedLater() {
    CanIcaResult again = CanIca.fit(Tiny.subjects(), CanIcaOptions.defaults(Tiny.K, 0));
    assertEquals(result.components(), again.components());
    assertArrayEquals(result.runScores(), again.runScores(), 0.0);
    // the two-step path (as a service with a thread pool and persisted reductions) is the same
    List<Matrix> reduced = new ArrayList<>();
    subjects.parallelStream().map(s -> CanIca.reduceSubject(s, Tiny.K, 0)).forEachOrdered(reduced::add);
    assertEquals(result.components(), CanIca.fitReduced(reduced, CanIcaOptions.defaults(Tiny.K, 0)).components());
  }

  @Test
  void keptRunHasTheSmallestMaximumL1NormAndPeaksArePositive() {
    for (double s : result.runScores()) {
      assertTrue(result.runScores()[result.chosenRun()] <= s);
    }
    Matrix c = result.components();
    for (int i = 0; i < c.rows(); i++) {
      double max = Double.NEGATIVE_INFINITY;
      double min = Double.POSITIVE_INFINITY;
      for (double v : c.row(i)) {
        max = Math.max(max, v);
        min = Math.min(min, v);
      }
      assertTrue(max >= -min, "map " + i + " peak is negative");
    }
  }

  @Test
  void autoThresholdKeepsAsManyEntriesAsVoxels() {
    int nonZero = 0;
    for (double v : result.components().data()) {
      nonZero += v != 0 ? 1 : 0;
    }
    // percentile 100 − 100/3 of 2448 values: 816 entries at or above it (± 1 for the interpolation)
    assertEquals(816, nonZero, 1);
    CanIcaResult none = CanIca.fit(subjects, CanIcaOptions.defaults(Tiny.K, 0).withThreshold(Threshold.none()));
    int all = 0;
    for (double v : none.components().data()) {
      all += v != 0 ? 1 : 0;
    }
    assertEquals(3 * 816, all);
    assertTrue(Double.isNaN(none.thresholdValue()));
  }

  @Test
  void timeCoursesAreNilearnsLeastSquares() {
    Matrix expected = Tiny.load("tiny/canica_lstsq_sub-01.npy");
    Matrix tc = CanIca.timeCourses(subjects.get(0), Tiny.nilearnComponents());
    assertEquals(48, tc.rows());
    assertEquals(3, tc.cols());
    double scale = 0;
    for (double v : expected.data()) {
      scale = Math.max(scale, Math.abs(v));
    }
    assertTrue(tc.maxAbsDifference(expected) < 1e-9 * scale, "max diff " + tc.maxAbsDifference(expected));
  }

  @Test
  void tooManyComponentsAndMismatchedSubjectsAreRejected() {
    InvalidArgumentException tooMany = assertThrows(InvalidArgumentException.class,
        () -> CanIca.fit(subjects, CanIcaOptions.defaults(145, 0)));
    assertEquals("TOO_MANY_COMPONENTS", tooMany.reason());
    List<Matrix> fewVoxels = List.of(firstColumns(subjects.get(0), 4), firstColumns(subjects.get(1), 4));
    assertEquals("TOO_MANY_COMPONENTS", assertThrows(InvalidArgumentException.class,
        () -> CanIca.fit(fewVoxels, CanIcaOptions.defaults(5, 0))).reason());
    List<Matrix> mismatched = List.of(subjects.get(0), firstColumns(subjects.get(1), 815));
    assertEquals("SHAPE_MISMATCH", assertThrows(InvalidArgumentException.class,
        () -> CanIca.fit(mismatched, CanIcaOptions.defaults(3, 0))).reason());
    assertEquals("SHAPE_MISMATCH", assertThrows(InvalidArgumentException.class,
        () -> CanIca.fitReduced(List.of(Matrix.zeros(3, 816), Matrix.zeros(3, 815)),
            CanIcaOptions.defaults(3, 0))).reason());
    assertEquals("INVALID_THRESHOLD", assertThrows(InvalidArgumentException.class,
        () -> CanIca.fit(subjects, CanIcaOptions.defaults(3, 0).withThreshold(Threshold.ratio(4)))).reason());
  }

  private static Matrix firstColumns(Matrix m, int k) {
    Matrix r = Matrix.zeros(m.rows(), k);
    for (int i = 0; i < m.rows(); i++) {
      System.arraycopy(m.data(), i * m.cols(), r.data(), i * k, k);
    }
    return r;
  }
}
