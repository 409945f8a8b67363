package io.voxelflow.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.voxelflow.app.cli.Cli;
import io.voxelflow.app.cli.CliIo;
import io.voxelflow.nifti.NiftiImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The masking service end to end in the running application, driven through the CLI: upload (with
 * de-identification), nilearn's compute_epi_mask as an operation, the mask stored as an artifact
 * addressed by inputs and parameters, downloaded over Arrow Flight — and equal, voxel for voxel,
 * to what nilearn 0.10.4 computed on the reference subject.
 */
@QuarkusTest
class MaskingEndToEndTest {
  @TempDir
  Path dir;

  static Path resource(String name) throws Exception {
    return Path.of(MaskingEndToEndTest.class.getResource("/mask/" + name).toURI());
  }

  static JsonNode run(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new Cli(new CliIo(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)), VoxelflowMain.commands()).run(args);
    assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
    return new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
  }

  static float[] voxels(Path nii) {
    try (NiftiImage img = NiftiImage.open(nii)) {
      float[] v = new float[img.voxelsPerVolume()];
      img.readVolume(v);
      return v;
    }
  }

  @Test
  void the_epi_mask_equals_nilearns_and_a_repeat_is_answered_from_storage() throws Exception {
    Path out = dir.resolve("mask.nii.gz");
    JsonNode first = run("mask", "compute-epi", resource("sub-01_bold.nii.gz").toString(), "--out", out.toString());
    assertEquals(816, first.get("voxel_count").asInt());
    assertArrayEquals(voxels(resource("epi_mask.nii.gz")), voxels(out), "voxel-exact against nilearn 0.10.4");

    JsonNode again = run("mask", "compute-epi", resource("sub-01_bold.nii.gz").toString(), "--out", dir.resolve("again.nii.gz").toString());
    assertEquals(first.get("artifact").asText(), again.get("artifact").asText(), "same inputs and parameters, same artifact");

    JsonNode other = run("mask", "compute-epi", resource("sub-01_bold.nii.gz").toString(), "--out", dir.resolve("o.nii.gz").toString(),
        "--opening", "1");
    assertTrue(!other.get("artifact").asText().equals(first.get("artifact").asText()), "other parameters, other artifact");
  }

  @Test
  void extracted_signals_equal_nilearns_niftimasker() throws Exception {
    Path out = dir.resolve("signals.npy");
    JsonNode r = run("mask", "extract", resource("sub-01_bold.nii.gz").toString(),
        "--mask", resource("epi_mask.nii.gz").toString(), "--out", out.toString(),
        "--smoothing-fwhm", "6", "--detrend", "--standardize", "zscore_sample",
        "--low-pass", "0.1", "--high-pass", "0.01", "--t-r", "2");
    assertEquals("[48,816]", r.get("shape").toString());
    float[] ours = io.voxelflow.npy.Npy.read(out).toFloatArray();
    float[] nilearn = io.voxelflow.npy.Npy.read(Path.of(MaskingEndToEndTest.class.getResource("/extract/masked_sub-01.npy").toURI()))
        .toFloatArray();
    assertEquals(nilearn.length, ours.length);
    double max = 0;
    for (int i = 0; i < ours.length; i++) {
      max = Math.max(max, Math.abs(ours[i] - nilearn[i]));
    }
    assertTrue(max < 1e-3, "max |ours - nilearn| = " + max + " (z-scores)");
    JsonNode again = run("mask", "extract", resource("sub-01_bold.nii.gz").toString(),
        "--mask", resource("epi_mask.nii.gz").toString(), "--out", dir.resolve("again.npy").toString(),
        "--smoothing-fwhm", "6", "--detrend", "--standardize", "zscore_sample",
        "--low-pass", "0.1", "--high-pass", "0.01", "--t-r", "2");
    assertEquals(r.get("artifact").asText(), again.get("artifact").asText(), "answered from storage");
  }

  @Test
  void labels_signals_equal_nilearns_labels_masker() throws Exception {
    Path out = dir.resolve("roi.npy");
    JsonNode r = run("mask", "labels", resource("sub-01_bold.nii.gz").toString(),
        "--atlas", Path.of(MaskingEndToEndTest.class.getResource("/regions/atlas_labels.nii.gz").toURI()).toString(),
        "--out", out.toString(), "--detrend", "--standardize", "zscore_sample",
        "--low-pass", "0.1", "--high-pass", "0.01", "--t-r", "2");
    assertEquals("[48,8]", r.get("shape").toString());
    float[] ours = io.voxelflow.npy.Npy.read(out).toFloatArray();
    float[] all = io.voxelflow.npy.Npy.read(Path.of(MaskingEndToEndTest.class.getResource("/regions/roi_timeseries.npy").toURI()))
        .toFloatArray(); // (3, 48, 8): subject 1 first
    double max = 0;
    for (int i = 0; i < ours.length; i++) {
      max = Math.max(max, Math.abs(ours[i] - all[i]));
    }
    assertTrue(max < 1e-5, "max |ours - nilearn| = " + max);
  }

  @Test
  void maps_signals_equal_nilearns_maps_masker() throws Exception {
    Path out = dir.resolve("maps.npy");
    JsonNode r = run("mask", "maps", resource("sub-01_bold.nii.gz").toString(),
        "--maps", Path.of(MaskingEndToEndTest.class.getResource("/regions/truth_maps.nii.gz").toURI()).toString(),
        "--out", out.toString(), "--detrend", "--standardize", "zscore_sample",
        "--low-pass", "0.1", "--high-pass", "0.01", "--t-r", "2");
    assertEquals("[48,3]", r.get("shape").toString());
    float[] ours = io.voxelflow.npy.Npy.read(out).toFloatArray();
    double[] nilearn = io.voxelflow.npy.Npy.read(
        Path.of(MaskingEndToEndTest.class.getResource("/regions/ref_maps_sub-01_clean.npy").toURI())).toDoubleArray();
    double max = 0;
    for (int i = 0; i < ours.length; i++) {
      max = Math.max(max, Math.abs(ours[i] - nilearn[i]));
    }
    assertTrue(max < 1e-4, "max |ours - nilearn| = " + max + " (nilearn solves in float32)");
  }

  @Test
  void filtering_without_any_repetition_time_is_refused() throws Exception {
    // A 4-D image whose header has no time unit, uploaded alone (no sidecar), and no --t-r.
    Path noTr = Path.of(MaskingEndToEndTest.class.getResource("/nifti/syn_tr_unknown.nii").toURI());
    Path m = dir.resolve("m.nii.gz");
    try (NiftiImage img = NiftiImage.open(noTr);
         io.voxelflow.nifti.NiftiWriter w = io.voxelflow.nifti.NiftiWriter.create(m,
             io.voxelflow.nifti.NiftiHeader.of(io.voxelflow.nifti.NiftiDatatype.UINT8, 3, 4, 5).setAffine(img.header().affine(), 2))) {
      float[] ones = new float[60];
      java.util.Arrays.fill(ones, 1f);
      w.writeVolume(ones);
    }
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new Cli(new CliIo(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)), VoxelflowMain.commands()).run("mask", "extract",
        noTr.toString(), "--mask", m.toString(), "--out", dir.resolve("x.npy").toString(), "--low-pass", "0.1");
    assertEquals(2, code, err.toString(StandardCharsets.UTF_8));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("repetition time"), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void cleaning_a_3d_image_is_refused_naming_its_shape() throws Exception {
    // The mask doubles as a 3-D image: there is no time series to filter.
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new Cli(new CliIo(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)), VoxelflowMain.commands()).run("mask", "extract",
        resource("epi_mask.nii.gz").toString(), "--mask", resource("epi_mask.nii.gz").toString(),
        "--out", dir.resolve("x.npy").toString(), "--low-pass", "0.1");
    assertEquals(2, code, err.toString(StandardCharsets.UTF_8));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("4-D time series"), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void masks_are_computed_over_http_too() throws Exception {
    String image = io.restassured.RestAssured.given().queryParam("filename", "sub-01_bold.nii.gz")
        .contentType("application/octet-stream").body(java.nio.file.Files.readAllBytes(resource("sub-01_bold.nii.gz")))
        .when().post("/v1/images:upload").then().statusCode(200).extract().path("image.name");
    String op = io.restassured.RestAssured.given().contentType("application/json").body("{\"image\": \"" + image + "\"}")
        .when().post("/v1alpha1/masking:computeEpiMask").then().statusCode(200).extract().path("name");
    String id = op.substring("operations/".length());
    long deadline = System.nanoTime() + 60_000_000_000L;
    Boolean done = false;
    while (!Boolean.TRUE.equals(done) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      done = io.restassured.RestAssured.given().when().get("/v1/operations/" + id).then().statusCode(200).extract().path("done");
    }
    io.restassured.RestAssured.given().when().get("/v1/operations/" + id).then()
        .body("response.voxel_count", org.hamcrest.Matchers.equalTo("816"));
    io.restassured.RestAssured.given().contentType("application/json").body("{\"image\": \"images/nope\"}")
        .when().post("/v1alpha1/masking:computeEpiMask").then().statusCode(400)
        .body("error.reason", org.hamcrest.Matchers.equalTo("BAD_IMAGE_NAME"));
  }

  @Test
  void unmask_restores_the_signals_into_the_masks_space_and_atlases_make_masks() throws Exception {
    Path signals = dir.resolve("raw.npy");
    run("mask", "extract", resource("sub-01_bold.nii.gz").toString(), "--mask", resource("epi_mask.nii.gz").toString(),
        "--out", signals.toString());
    Path back = dir.resolve("back.nii.gz");
    JsonNode r = run("mask", "unmask", signals.toString(), "--mask", resource("epi_mask.nii.gz").toString(),
        "--out", back.toString());
    assertEquals("[16,16,12,48]", r.get("shape").toString());
    // voxels inside the mask hold the original values (no cleaning was asked), outside zero
    float[] original = voxels(resource("sub-01_bold.nii.gz"));
    float[] restored = voxels(back);
    float[] mask = voxels(resource("epi_mask.nii.gz"));
    for (int v = 0; v < mask.length; v++) {
      assertEquals(mask[v] > 0 ? original[v] : 0f, restored[v], 0f, "voxel " + v);
    }
    JsonNode atlasMask = run("mask", "from-atlas",
        Path.of(MaskingEndToEndTest.class.getResource("/regions/atlas_labels.nii.gz").toURI()).toString(),
        "--out", dir.resolve("atlas_mask.nii.gz").toString());
    assertTrue(atlasMask.get("voxel_count").asInt() > 0);
  }

  @Test
  void the_multi_subject_mask_equals_nilearns() throws Exception {
    Path out = dir.resolve("multi.nii.gz");
    run("mask", "compute-epi", resource("sub-01_bold.nii.gz").toString(), resource("sub-02_bold.nii.gz").toString(),
        resource("sub-03_bold.nii.gz").toString(), "--out", out.toString());
    assertArrayEquals(voxels(resource("canica_mask.nii.gz")), voxels(out));
  }
}
