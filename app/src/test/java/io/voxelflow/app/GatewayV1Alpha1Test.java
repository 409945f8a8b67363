package io.voxelflow.app;

import io.voxelflow.client.FlightConnection;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.longrunning.Operation;
import io.quarkus.arc.Arc;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.voxelflow.api.connectivity.v1alpha1.ComputeConnectomeResponse;
import io.voxelflow.client.FlightArtifacts;
import io.voxelflow.flight.FlightEndpoint;
import io.voxelflow.json.ProtoJson;
import io.voxelflow.npy.Npy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The v1alpha1 HTTP gateway, {@code POST /v1alpha1/{service}:{method}}, over real HTTP: a region
 * connectome computed from matrices put over Flight and followed at {@code /v1/operations/{id}};
 * validation, unknown methods and malformed JSON mapped to HTTP errors; the OpenAPI document; the
 * masking routes still reaching the masking service.
 */
@QuarkusTest
class GatewayV1Alpha1Test {
  static final List<String> METHODS = List.of("masking:computeEpiMask", "masking:computeMultiEpiMask",
      "masking:extractSignals", "masking:extractLabelsSignals", "masking:extractMapsSignals",
      "connectivity:computeConnectome", "connectivity:seedCorrelation", "connectivity:voxelwiseConnectome",
      "connectivity:graphMetrics", "decomposition:decompose");

  @TempDir
  Path dir;

  static ValidatableResponse post(String method, String json) {
    return given().contentType("application/json").body(json).when().post("/v1alpha1/" + method).then();
  }

  /** The finished operation's JSON, polled over HTTP. */
  static String await(String operation) throws InterruptedException {
    String id = operation.substring("operations/".length());
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      String json = given().when().get("/v1/operations/" + id).then().statusCode(200).extract().asString();
      if (Boolean.TRUE.equals(JsonPath.from(json).get("done"))) {
        return json;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(operation + " not done within 60 s");
  }

  static Location flight() {
    return Location.forGrpcInsecure("127.0.0.1", Arc.container().instance(FlightEndpoint.class).get().port());
  }

  static float[][] randomSignals(long seed, int time, int regions) {
    Random rnd = new Random(seed);
    float[][] x = new float[time][regions];
    for (int t = 0; t < time; t++) {
      for (int r = 0; r < regions; r++) {
        x[t][r] = (float) (rnd.nextGaussian() + (r > 0 ? 0.5 * x[t][r - 1] : 0));
      }
    }
    return x;
  }

  /** Pearson correlation of columns a and b. */
  static double pearson(float[][] x, int a, int b) {
    int n = x.length;
    double ma = 0;
    double mb = 0;
    for (float[] row : x) {
      ma += row[a];
      mb += row[b];
    }
    ma /= n;
    mb /= n;
    double sab = 0;
    double saa = 0;
    double sbb = 0;
    for (float[] row : x) {
      sab += (row[a] - ma) * (row[b] - mb);
      saa += (row[a] - ma) * (row[a] - ma);
      sbb += (row[b] - mb) * (row[b] - mb);
    }
    return sab / Math.sqrt(saa * sbb);
  }

  @Test
  void compute_connectome_over_http_from_matrices_put_over_flight() throws Exception {
    int regions = 4;
    List<float[][]> subjects = List.of(randomSignals(1, 40, regions), randomSignals(2, 40, regions));
    List<String> signals = new ArrayList<>();
    try (RootAllocator alloc = new RootAllocator();
         FlightConnection client = FlightConnection.connect(flight(), alloc)) {
      for (float[][] s : subjects) {
        signals.add(FlightArtifacts.putMatrix(client, s, Map.of("voxelflow.source", "gateway-test")).getName());
      }
      String op = post("connectivity:computeConnectome", "{\"signals\": [\"" + signals.get(0) + "\", \"" + signals.get(1)
          + "\"], \"kind\": \"KIND_CORRELATION\", \"estimator\": \"ESTIMATOR_EMPIRICAL\"}")
          .statusCode(200)
          .body("metadata.'@type'", containsString("OperationMetadata"))
          .body("name", startsWith("operations/"))
          .extract().path("name");
      String done = await(op);
      JsonPath json = JsonPath.from(done);
      assertNull(json.get("error"), done);
      assertTrue(json.getString("response.'@type'").endsWith("voxelflow.connectivity.v1alpha1.ComputeConnectomeResponse"), done);
      assertEquals(regions, json.getInt("response.region_count"), done);
      List<String> names = json.getList("response.connectomes.name");
      assertEquals(2, names.size(), done);
      names.forEach(n -> assertTrue(n.startsWith("artifacts/"), n));
      assertTrue(json.getString("response.mean.name").startsWith("artifacts/"), done);
      assertFalse(names.contains(json.getString("response.mean.name")));

      // The JSON is the proto3 mapping: it parses back, and the artifacts it names hold the connectomes.
      Operation.Builder parsed = Operation.newBuilder();
      ProtoJson.merge(done, parsed);
      ComputeConnectomeResponse r = parsed.getResponse().unpack(ComputeConnectomeResponse.class);
      for (int s = 0; s < 2; s++) {
        Path f = dir.resolve("c" + s + ".npy");
        FlightArtifacts.downloadBytes(client, r.getConnectomes(s), f);
        double[] c = Npy.read(f).toDoubleArray();
        assertEquals(regions * regions, c.length);
        for (int a = 0; a < regions; a++) {
          for (int b = 0; b < regions; b++) {
            assertEquals(pearson(subjects.get(s), a, b), c[a * regions + b], 1e-5, "subject " + s + " [" + a + "," + b + "]");
          }
        }
      }
    }
  }

  @Test
  void requests_the_service_refuses_are_400_naming_the_problem() {
    // snake_case and lowerCamelCase field names both parse; no images is the service's own check.
    post("decomposition:decompose", "{\"method\": \"METHOD_PCA\", \"n_components\": 2, \"seed\": 0}")
        .statusCode(400)
        .body("error.status", equalTo("INVALID_ARGUMENT"))
        .body("error.reason", equalTo("NO_IMAGES"))
        .body("error.message", containsString("at least one 4-D image"));
    post("decomposition:decompose", "{\"method\": \"METHOD_PCA\", \"nComponents\": 2, \"seed\": 0}")
        .statusCode(400)
        .body("error.reason", equalTo("NO_IMAGES"));
    post("connectivity:computeConnectome", "{\"kind\": \"KIND_CORRELATION\"}")
        .statusCode(400)
        .body("error.status", equalTo("INVALID_ARGUMENT"));
  }

  @Test
  void unknown_methods_are_404_listing_the_known_ones() {
    for (String m : List.of("connectivity:nope", "nope:decompose", "decomposition", "masking:decompose")) {
      ValidatableResponse r = post(m, "{}").statusCode(404)
          .body("error.status", equalTo("NOT_FOUND"))
          .body("error.reason", equalTo("UNKNOWN_METHOD"))
          .body("error.message", containsString("'" + m + "'"));
      for (String known : METHODS) {
        r.body("error.message", containsString(known));
      }
    }
  }

  @Test
  void malformed_json_is_400() {
    post("connectivity:computeConnectome", "{\"signals\": [").statusCode(400)
        .body("error.status", equalTo("INVALID_ARGUMENT"))
        .body("error.reason", equalTo("BAD_JSON"))
        .body("error.message", containsString("ComputeConnectomeRequest"));
    post("decomposition:decompose", "{\"no_such_field\": 1}").statusCode(400)
        .body("error.reason", equalTo("BAD_JSON"))
        .body("error.message", containsString("no_such_field"));
    post("connectivity:graphMetrics", "{\"metrics\": [\"NOT_A_METRIC\"]}").statusCode(400)
        .body("error.reason", equalTo("BAD_JSON"))
        .body("error.message", containsString("GraphMetricsRequest"));
    post("connectivity:seedCorrelation", "").statusCode(400)
        .body("error.reason", equalTo("BAD_JSON"));
  }

  @Test
  void openapi_documents_every_method() {
    ValidatableResponse r = given().accept("application/json").when().get("/q/openapi").then().statusCode(200)
        .body(containsString("/v1alpha1/{serviceAndMethod}"));
    for (String m : METHODS) {
      r.body(containsString(m));
    }
  }

  @Test
  void masking_routes_still_reach_the_masking_service() {
    post("masking:computeEpiMask", "{\"image\": \"images/nope\"}").statusCode(400)
        .body("error.reason", equalTo("BAD_IMAGE_NAME"));
    post("masking:extractSignals", "{\"image\": \"images/nope\"}").statusCode(400)
        .body("error.status", equalTo("INVALID_ARGUMENT"));
    post("masking:computeEpiMask", "{\"image\": 3, \"x\": }").statusCode(400)
        .body("error.reason", equalTo("BAD_JSON"))
        .body("error.message", containsString("ComputeEpiMaskRequest"));
    post("masking:computeMultiEpiMask", "{\"images\": []}").statusCode(400)
        .body("error.status", equalTo("INVALID_ARGUMENT"));
  }
}
