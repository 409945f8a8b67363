package io.voxelflow.nifti;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our reading of real and synthetic NIfTI files agrees with nibabel 5.0's: every field of
 * {@code nifti-info --stats}. The expected values were made by {@code tools/golden/make_nifti_golden.py}.
 *
 * <p>Tolerances: shapes, types, codes and NaN counts exactly; affines within 1e-6 (absolute, mm)
 * since both sides compute them in double from float32 fields; sums within 1e-9 relative (nibabel's
 * side is {@code math.fsum}, ours a plain double sum).
 */
class NiftiGoldenTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<String> files() throws IOException {
    JsonNode golden = golden();
    List<String> names = new ArrayList<>();
    golden.fieldNames().forEachRemaining(names::add);
    return names.stream();
  }

  static JsonNode golden() throws IOException {
    try (InputStream in = NiftiGoldenTest.class.getResourceAsStream("/nifti/golden.json")) {
      return JSON.readTree(in);
    }
  }

  static Path resource(String name) {
    try {
      return Path.of(NiftiGoldenTest.class.getResource("/nifti/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("files")
  void nifti_info_matches_nibabel(String name) throws IOException {
    JsonNode expected = golden().get(name);
    JsonNode actual;
    try (NiftiImage img = NiftiImage.open(resource(name))) {
      actual = NiftiInfo.describe(img, true);
    }
    assertEquals(expected.get("shape").toString(), actual.get("shape").toString(), "shape");
    assertEquals(expected.get("datatype").asText(), actual.get("datatype").asText(), "datatype");
    assertEquals(expected.get("byte_order").asText(), actual.get("byte_order").asText(), "byte_order");
    assertEquals(expected.get("nifti_version").asInt(), actual.get("nifti_version").asInt(), "version");
    assertNumbers(expected.get("affine"), actual.get("affine"), 1e-6, 0, "affine");
    assertNumbers(expected.get("voxel_sizes"), actual.get("voxel_sizes"), 1e-9, 1e-9, "voxel_sizes");
    assertNumbers(expected.get("tr_seconds"), actual.get("tr_seconds"), 0, 1e-12, "tr_seconds");
    assertNumbers(expected.get("scl_slope"), actual.get("scl_slope"), 0, 1e-12, "scl_slope");
    assertNumbers(expected.get("scl_inter"), actual.get("scl_inter"), 0, 1e-12, "scl_inter");
    JsonNode es = expected.get("stats");
    JsonNode as = actual.get("stats");
    assertEquals(es.get("nan_count").asLong(), as.get("nan_count").asLong(), "nan_count");
    assertNumbers(es.get("min"), as.get("min"), 0, 1e-12, "min");
    assertNumbers(es.get("max"), as.get("max"), 0, 1e-12, "max");
    assertNumbers(es.get("sum"), as.get("sum"), 1e-6, 1e-9, "sum");
  }

  /** Compares numbers, or arrays of them, within {@code abs + rel·|expected|}; nulls must agree. */
  static void assertNumbers(JsonNode expected, JsonNode actual, double abs, double rel, String what) {
    if (expected == null || expected.isNull()) {
      assertTrue(actual == null || actual.isNull(), what + ": expected null, got " + actual);
      return;
    }
    if (expected.isArray()) {
      assertEquals(expected.size(), actual.size(), what + " length");
      Iterator<JsonNode> e = expected.elements();
      Iterator<JsonNode> a = actual.elements();
      int i = 0;
      while (e.hasNext()) {
        assertNumbers(e.next(), a.next(), abs, rel, what + "[" + i++ + "]");
      }
      return;
    }
    double x = expected.asDouble();
    double y = actual.asDouble();
    assertTrue(Math.abs(x - y) <= abs + rel * Math.abs(x), what + ": expected " + x + ", got " + y);
  }

}
