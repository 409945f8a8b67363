package io.voxelflow.decomposition.dictlearning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.decomposition.dictlearning.DictLearningParameters.Schedule;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.numerics.Matrix;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * DictLearning against nilearn 0.10.4 + scikit-learn 1.2.1 on the tiny reference dataset
 * (3 subjects, 816 voxels, k = 3, alpha 10, batch 20, random_state 0) and against float64
 * replays of scikit-learn on the same inputs. Golden data: tools/golden/make_dictlearning_golden.py.
 *
 * <p>Tolerances: exact replays of scikit-learn in float64 (same arithmetic, same voxel order)
 * 1e-8 absolute on unit-norm maps; comparisons with nilearn's float32 run 1e-4 absolute / |r|
 * ≥ 0.999; Lasso codes 1e-6 (brief) — achieved ~1e-15.
 */
class DictLearningTest {
  private static final double REPLAY_TOL = 1e-8;
  private static final double FLOAT32_TOL = 1e-4;

  private static Matrix reduced() {
    return DictGolden.matrix("reduced");
  }

  private static Matrix canica() {
    return DictGolden.matrix("canica_components");
  }

  private static DictLearningParameters params() {
    return DictLearningParameters.defaults(0);
  }

  // ---------------------------------------------------------------- random stream

  @Test
  void shuffle_order_equals_numpy_random_state_0_permutation() {
    int[] expected = DictGolden.ints("f64_order");
    assertArrayEquals(expected, new LegacyMersenneTwister(0).shuffleOrder(expected.length));
  }

  @Test
  void bounded_integers_and_gaussians_follow_numpy_legacy_random_state() {
    LegacyMersenneTwister r = new LegacyMersenneTwister(0);
    double[] numpy = {1.764052345967664, 0.4001572083672233, 0.9787379841057392};
    for (double v : numpy) {
      assertEquals(v, r.nextGaussian(), 1e-12);
    }
    LegacyMersenneTwister r7 = new LegacyMersenneTwister(7);
    long[] randint = {15, 4, 3, 19, 7}; // RandomState(7).randint(0, 20, size=5), then choice(13)
    for (long v : randint) {
      assertEquals(v, r7.nextInterval(19));
    }
    assertEquals(12, r7.nextInterval(12));
  }

  // ---------------------------------------------------------------- (d) sparse coding

  @Test
  void lasso_cd_codes_equal_sklearn_sparse_encode() {
    Matrix x = DictGolden.matrix("lasso_x");
    Matrix d = DictGolden.matrix("lasso_dictionary");
    for (String a : new String[] {"0.2", "1"}) {
      Matrix expected = DictGolden.matrix("lasso_code_a" + a);
      Matrix got = LassoCd.sparseEncode(x, d, Double.parseDouble(a), LassoCd.DEFAULT_MAX_ITER);
      double err = expected.maxAbsDifference(got);
      assertTrue(err < 1e-6, "alpha " + a + ": max |Δ| = " + err);
      for (int i = 0; i < expected.data().length; i++) {
        assertEquals(expected.data()[i] == 0, got.data()[i] == 0, "sparsity pattern at " + i);
      }
    }
  }

  // ---------------------------------------------------------------- steps of the fit

  @Test
  void initial_loadings_equal_the_dict_init_nilearn_passes_to_sklearn() {
    Matrix got = DictLearning.initialLoadings(DictLearning.rescaleInitialComponents(canica()),
        reduced());
    Matrix expected = DictGolden.matrix("dict_init");
    double err = expected.maxAbsDifference(got);
    assertTrue(err < FLOAT32_TOL, "max |Δ| = " + err);
  }

  @Test
  void online_learning_replays_sklearn_1000_steps_in_float64() {
    assertReplay(1000, "steps1000");
  }

  @Test
  void online_learning_replays_sklearn_one_epoch_in_float64() {
    assertReplay(Schedule.EPOCHS.steps(816, 20, 1), "epoch1");
  }

  private static void assertReplay(int steps, String tag) {
    Matrix dictInit = DictGolden.matrix("dict_init");
    OnlineDictionaryLearning.Learnt learnt = OnlineDictionaryLearning.learn(reduced(), dictInit,
        10, 20, steps, 0, LassoCd.DEFAULT_MAX_ITER);
    assertEquals(0, learnt.resampledAtoms());
    double dictErr = DictGolden.matrix("f64_" + tag + "_dictionary")
        .maxAbsDifference(learnt.dictionary());
    assertTrue(dictErr < REPLAY_TOL, tag + " dictionary max |Δ| = " + dictErr);
    Matrix maps = DictLearning.postprocess(
        DictLearning.encodeVoxels(reduced(), learnt.dictionary(), 10, LassoCd.DEFAULT_MAX_ITER));
    double mapErr = DictGolden.matrix("f64_" + tag + "_components").maxAbsDifference(maps);
    assertTrue(mapErr < REPLAY_TOL, tag + " maps max |Δ| = " + mapErr);
  }

  // ---------------------------------------------------------------- (a) vs nilearn

  @Test
  void components_match_nilearn_from_its_reduced_data_and_canica_init() {
    DictLearningResult r = DictLearning.fit(reduced(), canica(), params());
    Matrix nilearn = DictGolden.matrix("components");
    assertEquals(DictGolden.ints("nilearn_n_steps")[0], r.steps());
    double[] rs = MapMatching.matchedAbsCorrelation(nilearn, r.components());
    assertTrue(MapMatching.mean(rs) >= 0.9, "mean matched |r| = " + MapMatching.mean(rs));
    assertTrue(MapMatching.min(rs) >= 0.999, "min matched |r| = " + MapMatching.min(rs));
    double err = nilearn.maxAbsDifference(r.components());
    assertTrue(err < FLOAT32_TOL, "same order, same signs: max |Δ| = " + err);
  }

  @Test
  void whole_pipeline_from_masked_subjects_with_exact_svd_reduction_matches_nilearn() {
    SubjectReduction reduction = new ExactSvdReduction();
    List<Matrix> perSubject = new ArrayList<>();
    for (int s = 1; s <= 3; s++) {
      perSubject.add(reduction.reduce(DictGolden.matrix("masked_sub-0" + s), 3));
    }
    Matrix stacked = DictLearning.stackReductions(perSubject);
    // nilearn reduces with a randomized SVD: the exact rows agree up to its approximation error
    Matrix nilearnReduced = reduced();
    for (int i = 0; i < stacked.rows(); i++) {
      double[] a = stacked.row(i);
      double[] b = nilearnReduced.row(i);
      double ab = 0;
      double aa = 0;
      double bb = 0;
      for (int v = 0; v < a.length; v++) {
        ab += a[v] * b[v];
        aa += a[v] * a[v];
        bb += b[v] * b[v];
      }
      double cos = ab / Math.sqrt(aa * bb);
      assertTrue(cos > 0.9999, "reduced row " + i + ": cosine " + cos + " (sign included)");
      assertEquals(Math.sqrt(bb), Math.sqrt(aa), 1e-4 * Math.sqrt(bb), "singular value " + i);
    }
    DictLearningResult r = DictLearning.fit(stacked, canica(), params());
    double[] rs = MapMatching.matchedAbsCorrelation(DictGolden.matrix("components"),
        r.components());
    assertTrue(MapMatching.mean(rs) >= 0.9, "mean matched |r| = " + MapMatching.mean(rs));
    assertTrue(MapMatching.min(rs) >= 0.99, "min matched |r| = " + MapMatching.min(rs));
  }

  // ---------------------------------------------------------------- (b) recovery of the truth

  @Test
  void recovery_of_the_planted_networks_is_at_least_nilearns() {
    double[] nilearn = DictGolden.vector("nilearn_recovery"); // [mean, min]
    for (Schedule s : Schedule.values()) {
      DictLearningResult r = DictLearning.fit(reduced(), canica(), params().withSchedule(s));
      double[] rs = MapMatching.matchedAbsCorrelation(DictGolden.matrix("truth_maps"),
          onTrueMask(r.components()));
      // float64 vs nilearn's float32: scores agree to ~1e-8, hence the 1e-4 slack
      assertTrue(MapMatching.mean(rs) >= nilearn[0] - 1e-4,
          s + ": mean |r| " + MapMatching.mean(rs) + " < nilearn's " + nilearn[0]);
      assertTrue(MapMatching.min(rs) >= nilearn[1] - 1e-4,
          s + ": min |r| " + MapMatching.min(rs) + " < nilearn's " + nilearn[1]);
    }
  }

  /** Maps on the 816 mask voxels → the 928 true-mask voxels (0 outside DictLearning's mask). */
  private static Matrix onTrueMask(Matrix maps) {
    int[] index = DictGolden.ints("truth_to_mask");
    Matrix out = Matrix.zeros(maps.rows(), index.length);
    for (int i = 0; i < maps.rows(); i++) {
      for (int v = 0; v < index.length; v++) {
        if (index[v] >= 0) {
          out.set(i, v, maps.get(i, index[v]));
        }
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- (c) determinism

  @Test
  void same_seed_gives_identical_output_and_another_seed_another_shuffle() {
    DictLearningResult a = DictLearning.fit(reduced(), canica(), params());
    DictLearningResult b = DictLearning.fit(reduced(), canica(), params());
    assertArrayEquals(a.components().data(), b.components().data());
    assertArrayEquals(a.dictionary().data(), b.dictionary().data());
    DictLearningResult c = DictLearning.fit(reduced(), canica(), DictLearningParameters.defaults(1));
    assertFalse(java.util.Arrays.equals(a.dictionary().data(), c.dictionary().data()));
    for (double v : c.dictionary().data()) {
      assertTrue(Double.isFinite(v));
    }
  }

  // ---------------------------------------------------------------- small properties

  @Test
  void postprocess_gives_unit_norm_maps_with_positive_majority() {
    Matrix code = Matrix.of(new double[][] {{-3, 0, 0}, {-4, 1, 0}, {1, 2, 0}, {0, -1, 0}});
    Matrix maps = DictLearning.postprocess(code);
    assertArrayEquals(new double[] {3 / Math.sqrt(26), 4 / Math.sqrt(26), -1 / Math.sqrt(26), 0},
        maps.row(0), 1e-15);
    assertArrayEquals(new double[] {0, 1 / Math.sqrt(6), 2 / Math.sqrt(6), -1 / Math.sqrt(6)},
        maps.row(1), 1e-15);
    assertArrayEquals(new double[4], maps.row(2), 0.0);
  }

  @Test
  void an_unused_atom_is_replaced_by_a_noisy_batch_voxel_within_the_unit_ball() {
    int k = 2;
    int nf = 3;
    double[] d = {1, 0, 0, 0, 1, 0};
    double[] a = {1, 0, 0, 0}; // atom 1 never used
    double[] bt = {1, 0, 0, 0, 0, 0};
    double[] xb = {0.1, 0.2, 0.3, 5, 6, 7};
    int resampled = OnlineDictionaryLearning.updateDictionary(d, k, nf, a, bt, xb, 2,
        new LegacyMersenneTwister(3));
    assertEquals(1, resampled);
    assertArrayEquals(new double[] {1, 0, 0}, new double[] {d[0], d[1], d[2]}, 1e-15);
    double norm = Math.sqrt(d[3] * d[3] + d[4] * d[4] + d[5] * d[5]);
    assertTrue(norm <= 1 + 1e-12, "norm " + norm);
    // direction of one of the two batch voxels (noise is 1 % of its std)
    double cos1 = (d[3] * 0.1 + d[4] * 0.2 + d[5] * 0.3) / norm / Math.sqrt(0.14);
    double cos2 = (d[3] * 5 + d[4] * 6 + d[5] * 7) / norm / Math.sqrt(110);
    assertTrue(Math.max(cos1, cos2) > 0.999, "cos " + cos1 + ", " + cos2);
  }

  // ---------------------------------------------------------------- (e) bad input

  @Test
  void bad_parameters_are_invalid_arguments_with_reasons() {
    assertReason("ALPHA_NOT_POSITIVE", () -> new DictLearningParameters(0, 20, 1, 0,
        Schedule.EPOCHS, 1000));
    assertReason("ALPHA_NOT_POSITIVE", () -> new DictLearningParameters(Double.NaN, 20, 1, 0,
        Schedule.EPOCHS, 1000));
    assertReason("BATCH_SIZE_TOO_SMALL", () -> new DictLearningParameters(10, 0, 1, 0,
        Schedule.EPOCHS, 1000));
    assertReason("N_EPOCHS_TOO_SMALL", () -> new DictLearningParameters(10, 20, 0, 0,
        Schedule.EPOCHS, 1000));
    assertReason("SEED_OUT_OF_RANGE", () -> DictLearningParameters.defaults(-1));
  }

  @Test
  void bad_shapes_are_invalid_arguments_with_reasons() {
    Matrix data = Matrix.zeros(4, 10);
    assertReason("SHAPE_MISMATCH", () -> DictLearning.fit(data, Matrix.zeros(2, 9), params()));
    assertReason("EMPTY_DATA", () -> DictLearning.fit(Matrix.zeros(0, 10), Matrix.zeros(2, 10),
        params()));
    Matrix nan = Matrix.zeros(2, 10);
    nan.set(1, 3, Double.NaN);
    assertReason("NON_FINITE_VALUES", () -> DictLearning.fit(data, nan, params()));
    assertReason("SHAPE_MISMATCH",
        () -> DictLearning.stackReductions(List.of(Matrix.zeros(2, 10), Matrix.zeros(2, 11))));
    assertReason("N_COMPONENTS_TOO_SMALL", () -> new ExactSvdReduction().reduce(data, 0));
  }

  private static void assertReason(String reason, Runnable r) {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, r::run);
    assertEquals(reason, e.reason(), e.getMessage());
  }
}
