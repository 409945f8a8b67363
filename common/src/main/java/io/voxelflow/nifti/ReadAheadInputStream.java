package io.voxelflow.nifti;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads ahead of its consumer on a background thread: while the caller decodes one block, the next
 * ones are being read (for a gzip stream: inflated). Decoding then costs nearly nothing on top of
 * inflating, instead of adding to it.
 *
 * <p>Memory: {@code depth} blocks of {@code blockBytes}. Errors of the underlying stream surface at
 * the position where they happened. {@link #close()} stops the thread and closes the underlying
 * stream. Single consumer.
 */
final class ReadAheadInputStream extends InputStream {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final Block EOF = new Block(null, 0, null);

  private record Block(byte[] data, int length, IOException error) {}

  private final InputStream in;
  private final BlockingQueue<Block> filled;
  private final BlockingQueue<byte[]> free;
  private final Thread producer;
  private Block current;
  private int pos;
  private boolean ended;
  private volatile boolean closed;

  ReadAheadInputStream(InputStream in, int depth, int blockBytes) {
    this.in = in;
    this.filled = new ArrayBlockingQueue<>(depth + 1);
    this.free = new ArrayBlockingQueue<>(depth);
    for (int i = 0; i < depth; i++) {
      free.add(new byte[blockBytes]);
    }
    this.producer = new Thread(this::produce, "voxelflow-nifti-readahead-" + THREADS.incrementAndGet());
    producer.setDaemon(true);
    producer.start();
  }

  private void produce() {
    try {
      while (!closed) {
        byte[] buf = free.take();
        int n = 0;
        IOException error = null;
        try {
          while (n < buf.length) {
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
              break;
            }
            n += r;
          }
        } catch (IOException | RuntimeException e) {
          if (closed) {
            return; // the consumer closed the stream under us (e.g. after reading only the header)
          }
          error = e instanceof IOException io ? io : new IOException(e);
        }
        if (n > 0) {
          filled.put(new Block(buf, n, null));
        }
        if (error != null) {
          filled.put(new Block(null, 0, error));
          return;
        }
        if (n < buf.length) {
          filled.put(EOF);
          return;
        }
      }
    } catch (InterruptedException e) {
      // closed
    }
  }

  /** Makes {@link #current} a block with unread bytes; false at the end of the stream. */
  private boolean advance() throws IOException {
    if (ended) {
      return false;
    }
    if (current != null && pos < current.length()) {
      return true;
    }
    if (current != null && current.data() != null) {
      free.offer(current.data());
    }
    try {
      current = filled.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading ahead");
    }
    pos = 0;
    if (current.error() != null) {
      ended = true;
      IOException e = current.error();
      // Rethrow the same kind (ZipException, EOFException) so callers can tell what happened.
      throw e;
    }
    if (current == EOF) {
      ended = true;
      return false;
    }
    return true;
  }

  @Override
  public int read() throws IOException {
    if (!advance()) {
      return -1;
    }
    return current.data()[pos++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (!advance()) {
      return -1;
    }
    int n = Math.min(len, current.length() - pos);
    System.arraycopy(current.data(), pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    producer.interrupt();
    in.close();
  }
}
