package io.voxelflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.voxelflow.decomposition.canica.Recovery;
import io.voxelflow.decomposition.pipeline.ComponentMaps;
import io.voxelflow.decomposition.pca.Pca;
import io.voxelflow.decomposition.pca.PcaResult;
import io.voxelflow.masking.extract.MaskedSignals;
import io.voxelflow.masking.mask.BinaryMask;
import io.voxelflow.masking.mask.Masking;
import io.voxelflow.masking.signal.CleanOptions;
import io.voxelflow.masking.signal.Signal;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.npy.Npy;
import io.voxelflow.numerics.Matrix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decomposition service end to end through the CLI on the three reference subjects: CanICA
 * and DictLearning components against nilearn 0.10.4's (matched |r|) and against the planted
 * networks (recovery at least nilearn's), PCA against an exact SVD of the same data, repeats
 * answered from storage, bad input refused.
 */
@QuarkusTest
class DecompositionEndToEndTest {
  @TempDir
  Path dir;

  static String bold(int s) throws Exception {
    return ConnectivityEndToEndTest.resource("/mask/sub-0" + s + "_bold.nii.gz").toString();
  }

  static BinaryMask mask(Path p) {
    try (NiftiImage m = NiftiImage.open(p)) {
      return Masking.loadMask(m, false);
    }
  }

  void checkAgainstNilearn(String method, String golden, double nilearnMean, double nilearnMin) throws Exception {
    Path out = dir.resolve(method);
    JsonNode r = MaskingEndToEndTest.run("decompose", method, bold(1), bold(2), bold(3), "--n-components", "3",
        "--seed", "0", "--out", out.toString());
    assertEquals(816, r.get("voxel_count").asInt(), "nilearn's multi-subject EPI mask has 816 voxels");
    BinaryMask ours = mask(out.resolve("mask.nii.gz"));
    Matrix nilearn = ComponentMaps.read(ConnectivityEndToEndTest.resource("/decomposition/" + golden), ours);
    Matrix mine = ComponentMaps.read(out.resolve("components.nii.gz"), ours);
    Recovery.Score vsNilearn = Recovery.match(nilearn, mine);
    assertTrue(vsNilearn.mean() >= 0.9, method + " vs nilearn: matched mean |r| " + vsNilearn.mean());

    BinaryMask truthMask = mask(ConnectivityEndToEndTest.resource("/regions/truth_mask.nii.gz"));
    Matrix truth = ComponentMaps.read(ConnectivityEndToEndTest.resource("/regions/truth_maps.nii.gz"), truthMask);
    Recovery.Score rec = Recovery.match(truth, ComponentMaps.read(out.resolve("components.nii.gz"), truthMask));
    assertTrue(rec.mean() >= nilearnMean - 1e-3 && rec.min() >= nilearnMin - 1e-3,
        method + " recovery " + rec.mean() + " / " + rec.min() + " vs nilearn " + nilearnMean + " / " + nilearnMin);

    for (int s = 1; s <= 3; s++) {
      long[] shape = Npy.read(out.resolve("sub-0" + s + "_bold_timecourses.npy")).shape();
      assertEquals(48, shape[0]);
      assertEquals(3, shape[1]);
    }
    JsonNode again = MaskingEndToEndTest.run("decompose", method, bold(1), bold(2), bold(3), "--n-components", "3",
        "--seed", "0", "--out", dir.resolve(method + "-again").toString());
    assertEquals(-1L, Files.mismatch(out.resolve("components.nii.gz"), dir.resolve(method + "-again/components.nii.gz")),
        "same inputs, parameters and seed: the same components (from storage)");
    System.out.printf("%s: vs nilearn mean |r| %.4f; recovery %.4f / %.4f (nilearn %.4f / %.4f)%n", method,
        vsNilearn.mean(), rec.mean(), rec.min(), nilearnMean, nilearnMin);
  }

  @Test
  void canica_matches_nilearn_and_recovers_the_planted_networks() throws Exception {
    checkAgainstNilearn("canica", "canica_components.nii.gz", 0.7247, 0.6933);
  }

  @Test
  void dictlearning_matches_nilearn_and_recovers_the_planted_networks() throws Exception {
    checkAgainstNilearn("dictlearning", "dictlearning_components.nii.gz", 0.5734, 0.3916);
  }

  @Test
  void pca_explained_variance_equals_an_exact_svd_of_the_same_data() throws Exception {
    Path out = dir.resolve("pca");
    JsonNode r = MaskingEndToEndTest.run("decompose", "pca", bold(1), bold(2), "--n-components", "4", "--seed", "1",
        "--out", out.toString());
    BinaryMask m = mask(out.resolve("mask.nii.gz"));
    List<Matrix> subjects = new ArrayList<>();
    for (int s = 1; s <= 2; s++) {
      try (NiftiImage img = NiftiImage.open(Path.of(bold(s)))) {
        double[][] x = MaskedSignals.extract(img, m, null,
            CleanOptions.builder().detrend(true).standardize(Signal.Standardize.ZSCORE).build());
        subjects.add(Matrix.of(x));
      }
    }
    Matrix stacked = io.voxelflow.decomposition.dictlearning.DictLearning.stackReductions(subjects);
    PcaResult exact = Pca.fit(stacked, 4, Pca.Solver.FULL, 0);
    JsonNode ratio = r.get("explained_variance_ratio");
    assertEquals(4, ratio.size());
    for (int c = 0; c < 4; c++) {
      assertEquals(exact.explainedVarianceRatio()[c], ratio.get(c).asDouble(), 1e-4, "ratio of component " + c);
    }
    assertTrue(r.get("details").has("solver"));
  }

  @Test
  void bad_requests_name_the_problem() throws Exception {
    CliTest.Run many = CliTest.run("decompose", "canica", bold(1), "--n-components", "60", "--out", dir.resolve("x").toString());
    assertNotEquals(0, many.code());
    assertTrue(many.err().contains("TOO_MANY_COMPONENTS") || many.err().contains("time points"), many.err());

    CliTest.Run three = CliTest.run("decompose", "canica", bold(1), ConnectivityEndToEndTest.resource("/mask/epi_mask.nii.gz")
        .toString(), "--n-components", "2", "--out", dir.resolve("y").toString());
    assertNotEquals(0, three.code());
    assertTrue(three.err().contains("NOT_4D") || three.err().contains("4-D"), three.err());
  }
}
