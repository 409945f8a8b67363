package io.voxelflow.app;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.longrunning.Operation;
import com.google.protobuf.StringValue;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.voxelflow.api.operations.v1.GetOperationRequest;
import io.voxelflow.api.operations.v1.ListOperationsRequest;
import io.voxelflow.api.operations.v1.OperationsServiceGrpc;
import io.voxelflow.app.cli.Endpoint;
import io.voxelflow.operations.OperationManager;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The running all-in-one application, called over real loopback gRPC and HTTP. */
@QuarkusTest
class AllInOneTest {
  @Inject
  OperationManager operations;

  ManagedChannel channel;

  @BeforeEach
  void connect() {
    channel = Endpoint.channel(null);
  }

  @AfterEach
  void disconnect() {
    Endpoint.close(channel);
  }

  @Test
  void grpc_health_is_serving_for_built_services_and_unknown_for_the_rest() {
    var health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.newBuilder().setService("").build()).getStatus());
    assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.newBuilder()
        .setService(OperationsServiceGrpc.SERVICE_NAME).build()).getStatus());
    // Built services (storage configured, LAPACK self-check passed) are SERVING.
    for (String s : new String[] {"voxelflow.masking.v1alpha1.MaskingService",
        "voxelflow.connectivity.v1alpha1.ConnectivityService", "voxelflow.decomposition.v1alpha1.DecompositionService"}) {
      assertEquals(ServingStatus.SERVING, health.check(HealthCheckRequest.newBuilder().setService(s).build()).getStatus(), s);
    }
    // Services whose issues have not landed are not served, and health says so.
    ServingStatus unbuilt;
    try {
      unbuilt = health.check(HealthCheckRequest.newBuilder()
          .setService("voxelflow.training.v1alpha1.TrainingService").build()).getStatus();
    } catch (StatusRuntimeException e) {
      assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
      unbuilt = ServingStatus.UNKNOWN;
    }
    assertTrue(unbuilt == ServingStatus.UNKNOWN || unbuilt == ServingStatus.NOT_SERVING, unbuilt.toString());
  }

  @Test
  void operations_are_visible_over_grpc_and_http() throws Exception {
    Operation op = operations.submit("test/Hello", "things/1", ctx -> StringValue.of("hi"));
    operations.await(op.getName(), Duration.ofSeconds(10));
    var stub = OperationsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    Operation got = stub.getOperation(GetOperationRequest.newBuilder().setName(op.getName()).build());
    assertTrue(got.getDone());
    assertEquals("hi", got.getResponse().unpack(StringValue.class).getValue());
    assertTrue(stub.listOperations(ListOperationsRequest.newBuilder().setPageSize(1000).build())
        .getOperationsList().stream().anyMatch(o -> o.getName().equals(op.getName())));

    String id = op.getName().substring("operations/".length());
    given().when().get("/v1/operations/" + id).then().statusCode(200)
        .body("done", equalTo(true))
        .body("metadata.phase", equalTo("PHASE_SUCCEEDED"))
        .body("metadata.target", equalTo("things/1"));
    given().when().get("/v1/operations?page_size=1000").then().statusCode(200)
        .body(containsString(op.getName()));
  }

  @Test
  void http_errors_carry_status_and_reason() {
    given().when().get("/v1/operations/does-not-exist").then().statusCode(404)
        .body("error.status", equalTo("NOT_FOUND"))
        .body("error.reason", equalTo("OPERATION_NOT_FOUND"))
        .body("error.message", containsString("operations/does-not-exist"));
    given().when().get("/v1/operations?page_token=forged").then().statusCode(400)
        .body("error.reason", equalTo("INVALID_PAGE_TOKEN"));
  }

  @Test
  void cancel_over_http_stops_a_running_operation() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    Operation op = operations.submit("test/Slow", "", ctx -> {
      started.countDown();
      while (true) {
        ctx.checkCancelled();
        Thread.sleep(5);
      }
    });
    assertTrue(started.await(10, TimeUnit.SECONDS));
    String id = op.getName().substring("operations/".length());
    given().when().post("/v1/operations/" + id + ":cancel").then().statusCode(200)
        .body("metadata.cancel_requested", equalTo(true));
    Operation done = operations.await(op.getName(), Duration.ofSeconds(10));
    assertEquals(Status.Code.CANCELLED.value(), done.getError().getCode());
    given().when().post("/v1/operations/" + id + ":cancel").then().statusCode(409)
        .body("error.status", equalTo("FAILED_PRECONDITION"));
  }

  @Test
  void readiness_and_metrics_endpoints_answer() {
    given().when().get("/q/health/ready").then().statusCode(200)
        .body("status", equalTo("UP"))
        .body(containsString("operations"));
    given().when().get("/q/metrics").then().statusCode(200)
        .body(containsString("jvm_memory_used_bytes"));
  }
}
