package io.voxelflow.numerics;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Thread pools for numeric work: daemon threads with 16 MiB stacks, because OpenBLAS's LAPACK
 * routines allocate large arrays on the calling thread's stack and overflow Java's default 1 MiB.
 */
public final class NumericThreads {
  /** Stack size of numeric worker threads, bytes. */
  public static final long STACK_BYTES = 16L << 20;

  private NumericThreads() {}

  /** A fixed pool of {@code threads} (at least 1) named {@code name-N}. */
  public static ExecutorService pool(String name, int threads) {
    AtomicInteger id = new AtomicInteger();
    return Executors.newFixedThreadPool(Math.max(1, threads), r -> {
      Thread t = new Thread(null, r, name + "-" + id.incrementAndGet(), STACK_BYTES);
      t.setDaemon(true);
      return t;
    });
  }
}
