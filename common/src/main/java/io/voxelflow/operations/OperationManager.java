package io.voxelflow.operations;

import com.google.longrunning.Operation;
import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.voxelflow.api.operations.v1.OperationMetadata;
import io.voxelflow.api.operations.v1.OperationMetadata.Phase;
import io.voxelflow.error.ErrorMapping;
import io.voxelflow.error.FailedPreconditionException;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.error.NotFoundException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.nio.charset.StandardCharsets;

/**
 * Runs long work as {@code google.longrunning.Operation}s: submit, get, list (paged), watch,
 * cancel. One instance serves every service of a process.
 *
 * <p>State is kept in memory: operations of a process that stops are gone (the artifacts they
 * wrote are not — results live in storage and a repeated request finds them there).
 *
 * <p>Thread-safety: all methods may be called from any thread; each operation's state changes
 * under its own lock and watchers are called outside it with the latest snapshot.
 */
public final class OperationManager implements AutoCloseable {
  /** Default page size of {@link #list}. */
  public static final int DEFAULT_PAGE_SIZE = 50;
  /** Largest page size of {@link #list}. */
  public static final int MAX_PAGE_SIZE = 1000;

  /** The work of an operation: returns the response message, or throws. */
  @FunctionalInterface
  public interface Work {
    Message run(OperationContext context) throws Exception;
  }

  private final ExecutorService executor;
  private final Clock clock;
  private final Map<String, Entry> byName = new ConcurrentHashMap<>();
  private final ConcurrentSkipListMap<Long, Entry> bySeq = new ConcurrentSkipListMap<>();
  private final AtomicLong seq = new AtomicLong();

  /**
   * @param executor runs the work; owned by the caller (closed by {@link #close()} nonetheless)
   */
  public OperationManager(ExecutorService executor, Clock clock) {
    this.executor = executor;
    this.clock = clock;
  }

  /**
   * Starts {@code work} and returns its operation at once (phase QUEUED).
   *
   * @param method the full gRPC method name that started it
   * @param target the resource it is about (may be empty)
   */
  public Operation submit(String method, String target, Work work) {
    String name = "operations/" + UUID.randomUUID();
    long s = seq.incrementAndGet();
    Entry e = new Entry(name, s, method, target == null ? "" : target, now());
    byName.put(name, e);
    bySeq.put(s, e);
    e.future = executor.submit(() -> e.run(work));
    return e.snapshot();
  }

  /** How long a {@code request_id} is remembered. */
  public static final java.time.Duration REQUEST_ID_RETENTION = java.time.Duration.ofHours(24);

  private record RequestRecord(String method, String fingerprint, String operation, java.time.Instant at) {}

  private final java.util.concurrent.ConcurrentHashMap<String, RequestRecord> requests = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * {@link #submit(String, String, Work)} made idempotent by a client-chosen {@code requestId}: a
   * retry with the same id (kept {@link #REQUEST_ID_RETENTION}) returns the first call's operation
   * instead of starting another; the same id for another request (another method or
   * {@code fingerprint}, e.g. the request's artifact key) is {@code INVALID_ARGUMENT}
   * ({@code REQUEST_ID_REUSED}). An empty id means no deduplication. Kept in memory, as operations are.
   */
  public Operation submit(String method, String target, String requestId, String fingerprint, Work work) {
    if (requestId == null || requestId.isEmpty()) {
      return submit(method, target, work);
    }
    java.time.Instant now = clock.instant();
    requests.values().removeIf(r -> r.at().plus(REQUEST_ID_RETENTION).isBefore(now));
    RequestRecord[] created = new RequestRecord[1];
    RequestRecord r = requests.computeIfAbsent(requestId, id -> {
      Operation op = submit(method, target, work);
      created[0] = new RequestRecord(method, fingerprint, op.getName(), now);
      return created[0];
    });
    if (!r.method().equals(method) || !r.fingerprint().equals(fingerprint)) {
      throw new io.voxelflow.error.InvalidArgumentException("REQUEST_ID_REUSED", "request_id " + requestId
          + " was already used for a different request (" + r.method() + ")").with("request_id", requestId);
    }
    return get(r.operation());
  }

  /** The latest state of an operation; {@link NotFoundException} if the name is unknown. */
  public Operation get(String name) {
    return entry(name).snapshot();
  }

  /** The metadata of an operation. */
  public OperationMetadata metadata(String name) {
    return entry(name).metadata();
  }

  /**
   * A page of operations, newest first.
   *
   * @param pageSize 0 for {@value #DEFAULT_PAGE_SIZE}; capped at {@value #MAX_PAGE_SIZE}
   * @param pageToken empty for the first page, else a {@link Page#nextPageToken()}
   */
  public Page list(int pageSize, String pageToken, boolean onlyRunning) {
    if (pageSize < 0) {
      throw new InvalidArgumentException("page_size must not be negative, got " + pageSize);
    }
    int size = pageSize == 0 ? DEFAULT_PAGE_SIZE : Math.min(pageSize, MAX_PAGE_SIZE);
    long before = Long.MAX_VALUE;
    if (pageToken != null && !pageToken.isEmpty()) {
      try {
        String decoded = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8);
        if (!decoded.startsWith("before:")) {
          throw new IllegalArgumentException();
        }
        before = Long.parseLong(decoded.substring(7));
      } catch (IllegalArgumentException ex) {
        throw new InvalidArgumentException("INVALID_PAGE_TOKEN", "page_token '" + pageToken
            + "' is not one this server issued");
      }
    }
    List<Operation> out = new ArrayList<>();
    long last = -1;
    boolean more = false;
    for (Entry e : bySeq.headMap(before, false).descendingMap().values()) {
      Operation op = e.snapshot();
      if (onlyRunning && op.getDone()) {
        continue;
      }
      if (out.size() == size) {
        more = true;
        break;
      }
      out.add(op);
      last = e.seq;
    }
    String next = more
        ? Base64.getUrlEncoder().withoutPadding().encodeToString(("before:" + last).getBytes(StandardCharsets.UTF_8))
        : "";
    return new Page(out, next);
  }

  /** A page of {@link #list}. */
  public record Page(List<Operation> operations, String nextPageToken) {}

  /**
   * Requests cancellation. The work stops at its next {@link OperationContext#checkCancelled()};
   * an operation still queued ends at once. {@link FailedPreconditionException} if it is done.
   */
  public Operation cancel(String name) {
    Entry e = entry(name);
    e.requestCancel();
    return e.snapshot();
  }

  /**
   * Calls {@code listener} with the current state at once and after every change until the
   * operation is done (the last call has {@code done = true}). Returns a handle that stops it.
   */
  public AutoCloseable watch(String name, Consumer<Operation> listener) {
    Entry e = entry(name);
    e.watchers.add(listener);
    Operation now = e.snapshot();
    listener.accept(now);
    if (now.getDone()) {
      e.watchers.remove(listener);
    }
    return () -> e.watchers.remove(listener);
  }

  /** Blocks until the operation is done or the timeout passes; returns its latest state. */
  public Operation await(String name, java.time.Duration timeout) throws InterruptedException {
    Entry e = entry(name);
    try {
      e.future.get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
        | java.util.concurrent.CancellationException ignored) {
      // the state says what happened
    }
    synchronized (e) {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!e.done && System.nanoTime() < deadline) {
        e.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      }
    }
    return e.snapshot();
  }

  private Entry entry(String name) {
    if (name == null || !name.startsWith("operations/")) {
      throw new InvalidArgumentException("operation name must look like operations/{id}, got '" + name + "'");
    }
    Entry e = byName.get(name);
    if (e == null) {
      throw new NotFoundException("OPERATION_NOT_FOUND", "no operation named " + name);
    }
    return e;
  }

  private Timestamp now() {
    return io.voxelflow.json.ProtoTime.of(clock.instant());
  }

  /** True until {@link #close()}: new work is accepted. */
  public boolean isRunning() {
    return !executor.isShutdown();
  }

  @Override
  public void close() {
    for (Entry e : byName.values()) {
      if (!e.snapshot().getDone()) {
        try {
          e.requestCancel();
        } catch (FailedPreconditionException finishedMeanwhile) {
          // it ended between the check and the cancel: nothing to stop
        }
      }
    }
    executor.shutdownNow();
  }

  private final class Entry implements OperationContext {
    final String name;
    final long seq;
    final List<Consumer<Operation>> watchers = new CopyOnWriteArrayList<>();
    volatile Future<?> future;
    private final OperationMetadata.Builder meta;
    private Any response;
    private com.google.rpc.Status error;
    private boolean done;
    private volatile boolean cancelRequested;

    Entry(String name, long seq, String method, String target, Timestamp created) {
      this.name = name;
      this.seq = seq;
      this.meta = OperationMetadata.newBuilder()
          .setMethod(method)
          .setTarget(target)
          .setPhase(Phase.PHASE_QUEUED)
          .setCreateTime(created)
          .setUpdateTime(created);
    }

    void run(Work work) {
      synchronized (this) {
        if (done) {
          return;
        }
        meta.setPhase(Phase.PHASE_RUNNING).setUpdateTime(now());
      }
      publish();
      try {
        checkCancelled();
        Message result = work.run(this);
        synchronized (this) {
          response = Any.pack(result);
          meta.setPhase(Phase.PHASE_SUCCEEDED).setProgress(1.0);
          finish();
        }
      } catch (Throwable t) {
        synchronized (this) {
          error = ErrorMapping.toRpcStatus(t);
          boolean cancelled = error.getCode() == io.grpc.Status.Code.CANCELLED.value();
          meta.setPhase(cancelled ? Phase.PHASE_CANCELLED : Phase.PHASE_FAILED);
          finish();
        }
      }
      publish();
    }

    private void finish() {
      Timestamp t = now();
      meta.setUpdateTime(t).setEndTime(t);
      done = true;
      notifyAll();
    }

    void requestCancel() {
      boolean endNow;
      synchronized (this) {
        if (done) {
          throw new FailedPreconditionException("OPERATION_DONE", "operation " + name + " has already finished");
        }
        cancelRequested = true;
        meta.setCancelRequested(true).setUpdateTime(now());
        endNow = meta.getPhase() == Phase.PHASE_QUEUED;
        if (endNow) {
          error = ErrorMapping.toRpcStatus(new java.util.concurrent.CancellationException(
              "operation " + name + " was cancelled before it started"));
          meta.setPhase(Phase.PHASE_CANCELLED);
          finish();
        }
      }
      if (endNow && future != null) {
        future.cancel(false);
      }
      publish();
    }

    synchronized OperationMetadata metadata() {
      return meta.build();
    }

    synchronized Operation snapshot() {
      Operation.Builder b = Operation.newBuilder()
          .setName(name)
          .setMetadata(Any.pack(meta.build()))
          .setDone(done);
      if (response != null) {
        b.setResponse(response);
      } else if (error != null) {
        b.setError(error);
      }
      return b.build();
    }

    private void publish() {
      Operation op = snapshot();
      for (Consumer<Operation> w : watchers) {
        try {
          w.accept(op);
        } catch (RuntimeException ignored) {
          watchers.remove(w);
        }
      }
      if (op.getDone()) {
        watchers.clear();
      }
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void progress(double fraction, String step) {
      synchronized (this) {
        if (done) {
          return;
        }
        double f = Math.max(meta.getProgress(), Math.min(1.0, Math.max(0.0, fraction)));
        meta.setProgress(f).setUpdateTime(now());
        if (step != null) {
          meta.setStep(step);
        }
      }
      publish();
    }

    @Override
    public void units(long doneUnits, long total, String step) {
      synchronized (this) {
        meta.setDoneUnits(doneUnits).setTotalUnits(total);
      }
      progress(total > 0 ? (double) doneUnits / total : 0, step);
    }

    @Override
    public boolean isCancelled() {
      return cancelRequested || Thread.currentThread().isInterrupted();
    }
  }
}
