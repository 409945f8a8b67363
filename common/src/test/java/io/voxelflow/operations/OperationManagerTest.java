package io.voxelflow.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.longrunning.Operation;
import com.google.protobuf.StringValue;
import io.grpc.Status;
import io.voxelflow.api.operations.v1.OperationMetadata;
import io.voxelflow.api.operations.v1.OperationMetadata.Phase;
import io.voxelflow.error.FailedPreconditionException;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.error.NotFoundException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OperationManagerTest {
  private final OperationManager ops = new OperationManager(Executors.newFixedThreadPool(2), Clock.systemUTC());

  @AfterEach
  void close() {
    ops.close();
  }

  static OperationMetadata meta(Operation op) throws Exception {
    return op.getMetadata().unpack(OperationMetadata.class);
  }

  @Test
  void a_request_id_makes_submission_idempotent() throws Exception {
    java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
    Operation first = ops.submit("test/Idem", "t", "req-1", "key-a", ctx -> {
      runs.incrementAndGet();
      return com.google.protobuf.StringValue.of("x");
    });
    Operation retry = ops.submit("test/Idem", "t", "req-1", "key-a", ctx -> {
      runs.incrementAndGet();
      return com.google.protobuf.StringValue.of("y");
    });
    org.junit.jupiter.api.Assertions.assertEquals(first.getName(), retry.getName(), "a retry returns the first operation");
    ops.await(first.getName(), java.time.Duration.ofSeconds(10));
    org.junit.jupiter.api.Assertions.assertEquals(1, runs.get(), "the work ran once");
    io.voxelflow.error.InvalidArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        io.voxelflow.error.InvalidArgumentException.class,
        () -> ops.submit("test/Idem", "t", "req-1", "key-b", ctx -> com.google.protobuf.StringValue.of("z")));
    org.junit.jupiter.api.Assertions.assertEquals("REQUEST_ID_REUSED", e.reason());
    Operation other = ops.submit("test/Idem", "t", "", "key-a", ctx -> com.google.protobuf.StringValue.of("w"));
    org.junit.jupiter.api.Assertions.assertNotEquals(first.getName(), other.getName(), "no id, no deduplication");
  }

  @Test
  void a_finished_operation_carries_its_response_and_full_progress() throws Exception {
    Operation op = ops.submit("test/Echo", "things/1", ctx -> {
      ctx.units(1, 2, "half");
      return StringValue.of("hello");
    });
    assertTrue(op.getName().startsWith("operations/"));
    Operation done = ops.await(op.getName(), Duration.ofSeconds(10));
    assertTrue(done.getDone());
    assertEquals("hello", done.getResponse().unpack(StringValue.class).getValue());
    OperationMetadata m = meta(done);
    assertEquals(Phase.PHASE_SUCCEEDED, m.getPhase());
    assertEquals(1.0, m.getProgress());
    assertEquals("test/Echo", m.getMethod());
    assertEquals("things/1", m.getTarget());
    assertTrue(m.hasEndTime());
    assertEquals(2, m.getTotalUnits());
  }

  @Test
  void a_failure_becomes_the_operations_error_with_the_mapped_code() throws Exception {
    Operation op = ops.submit("test/Fail", "", ctx -> {
      throw new InvalidArgumentException("BAD_SHAPE", "shapes (3, 4) and (4, 3) disagree");
    });
    Operation done = ops.await(op.getName(), Duration.ofSeconds(10));
    assertEquals(Status.Code.INVALID_ARGUMENT.value(), done.getError().getCode());
    assertEquals("shapes (3, 4) and (4, 3) disagree", done.getError().getMessage());
    assertEquals(Phase.PHASE_FAILED, meta(done).getPhase());
  }

  @Test
  void cancelling_stops_the_work_at_its_next_checkpoint() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    Operation op = ops.submit("test/Long", "", ctx -> {
      started.countDown();
      for (int i = 0; i < 10_000; i++) {
        ctx.checkCancelled();
        Thread.sleep(5);
      }
      return StringValue.of("not reached");
    });
    assertTrue(started.await(10, TimeUnit.SECONDS));
    Operation after = ops.cancel(op.getName());
    assertTrue(meta(after).getCancelRequested());
    Operation done = ops.await(op.getName(), Duration.ofSeconds(10));
    assertEquals(Status.Code.CANCELLED.value(), done.getError().getCode());
    assertEquals(Phase.PHASE_CANCELLED, meta(done).getPhase());
    assertThrows(FailedPreconditionException.class, () -> ops.cancel(op.getName()));
  }

  @Test
  void progress_never_goes_backwards() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    Operation op = ops.submit("test/P", "", ctx -> {
      ctx.progress(0.6, "a");
      ctx.progress(0.3, "b");
      go.await();
      return StringValue.of("");
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!"b".equals(ops.metadata(op.getName()).getStep()) && System.nanoTime() < deadline) {
      Thread.sleep(2);
    }
    assertEquals(0.6, ops.metadata(op.getName()).getProgress());
    go.countDown();
    ops.await(op.getName(), Duration.ofSeconds(10));
  }

  @Test
  void watchers_see_every_phase_and_end_with_done() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    Operation op = ops.submit("test/W", "", ctx -> {
      go.await();
      ctx.progress(0.5, "half");
      return StringValue.of("x");
    });
    List<Operation> seen = new CopyOnWriteArrayList<>();
    CountDownLatch finished = new CountDownLatch(1);
    ops.watch(op.getName(), o -> {
      seen.add(o);
      if (o.getDone()) {
        finished.countDown();
      }
    });
    go.countDown();
    assertTrue(finished.await(10, TimeUnit.SECONDS));
    assertTrue(seen.get(seen.size() - 1).getDone());
    assertTrue(seen.stream().anyMatch(o -> {
      try {
        return meta(o).getStep().equals("half") && !o.getDone();
      } catch (Exception e) {
        return false;
      }
    }));
  }

  @Test
  void listing_pages_newest_first_without_gaps_or_repeats() throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      names.add(ops.submit("test/N", "", ctx -> StringValue.of("")).getName());
    }
    List<String> listed = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      OperationManager.Page p = ops.list(3, token, false);
      p.operations().forEach(o -> listed.add(o.getName()));
      token = p.nextPageToken();
      pages++;
    } while (!token.isEmpty());
    assertEquals(3, pages);
    List<String> expected = new ArrayList<>(names);
    java.util.Collections.reverse(expected);
    assertEquals(expected, listed);
    Set<String> unique = new HashSet<>(listed);
    assertEquals(7, unique.size());
  }

  @Test
  void unknown_names_and_foreign_tokens_are_refused_clearly() {
    NotFoundException nf = assertThrows(NotFoundException.class, () -> ops.get("operations/nope"));
    assertTrue(nf.getMessage().contains("operations/nope"));
    assertThrows(InvalidArgumentException.class, () -> ops.get("datasets/x"));
    assertThrows(InvalidArgumentException.class, () -> ops.list(10, "garbage!", false));
    assertThrows(InvalidArgumentException.class, () -> ops.list(-1, "", false));
    assertFalse(ops.list(0, "", false).operations().iterator().hasNext());
  }
}
