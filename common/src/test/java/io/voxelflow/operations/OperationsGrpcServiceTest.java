package io.voxelflow.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.longrunning.Operation;
import com.google.protobuf.StringValue;
import com.google.rpc.ErrorInfo;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.voxelflow.api.operations.v1.CancelOperationRequest;
import io.voxelflow.api.operations.v1.GetOperationRequest;
import io.voxelflow.api.operations.v1.ListOperationsRequest;
import io.voxelflow.api.operations.v1.OperationMetadata;
import io.voxelflow.api.operations.v1.OperationsServiceGrpc;
import io.voxelflow.api.operations.v1.WatchOperationRequest;
import io.voxelflow.error.ErrorMapping;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The operations service over grpc-java's in-process transport (the loopback test is in the app). */
class OperationsGrpcServiceTest {
  private OperationManager ops;
  private Server server;
  private ManagedChannel channel;
  private OperationsServiceGrpc.OperationsServiceBlockingStub stub;

  @BeforeEach
  void start() throws Exception {
    ops = new OperationManager(Executors.newFixedThreadPool(2), Clock.systemUTC());
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(new OperationsGrpcService(ops)).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    stub = OperationsServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
    ops.close();
  }

  @Test
  void unknown_operation_is_not_found_with_error_info() throws Exception {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> stub.getOperation(GetOperationRequest.newBuilder().setName("operations/missing").build()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("operations/missing"));
    com.google.rpc.Status s = StatusProto.fromThrowable(e);
    ErrorInfo info = s.getDetails(0).unpack(ErrorInfo.class);
    assertEquals("OPERATION_NOT_FOUND", info.getReason());
    assertEquals(ErrorMapping.DOMAIN, info.getDomain());
  }

  @Test
  void malformed_name_is_invalid_argument() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> stub.cancelOperation(CancelOperationRequest.newBuilder().setName("bogus").build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
  }

  @Test
  void watch_streams_progress_and_ends_with_the_result() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    Operation op = ops.submit("test/Watch", "", ctx -> {
      go.await();
      for (int i = 1; i <= 4; i++) {
        ctx.units(i, 4, "step " + i);
      }
      return StringValue.of("ok");
    });
    Iterator<Operation> it = OperationsServiceGrpc.newBlockingStub(channel)
        .watchOperation(WatchOperationRequest.newBuilder().setName(op.getName()).build());
    go.countDown();
    List<Operation> seen = new ArrayList<>();
    while (it.hasNext()) {
      seen.add(it.next());
    }
    Operation last = seen.get(seen.size() - 1);
    assertTrue(last.getDone());
    assertEquals("ok", last.getResponse().unpack(StringValue.class).getValue());
    assertEquals(1.0, last.getMetadata().unpack(OperationMetadata.class).getProgress());
    assertEquals(1, stub.listOperations(ListOperationsRequest.getDefaultInstance()).getOperationsCount());
  }

  @Test
  void watching_an_unknown_operation_fails_with_not_found() {
    Iterator<Operation> it = OperationsServiceGrpc.newBlockingStub(channel)
        .watchOperation(WatchOperationRequest.newBuilder().setName("operations/none").build());
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, it::hasNext);
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
  }
}
