package io.voxelflow.loadtests.inflate;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.Cleaner;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A gzip {@link InputStream} that inflates with ISA-L's igzip ({@code isal_inflate}) through the
 * JNI shim in {@code loadtests/native/isal_gzip_shim.c}: a drop-in for {@link GZIPInputStream} on
 * the read path of {@code .nii.gz} files.
 *
 * <p>Behaviour:
 *
 * <ul>
 *   <li>Streams: memory is the input buffer plus ~100 KiB of native decoder state, whatever the
 *       file size.
 *   <li>Concatenated gzip members (as written by {@code cat a.gz b.gz}, pigz, bgzip) are read one
 *       after the other as a single stream, like {@link GZIPInputStream}.
 *   <li>Each member's CRC-32 and ISIZE trailer is verified by ISA-L.
 *   <li>Corrupt data — bad header, bad deflate data, CRC-32/ISIZE mismatch, a truncated stream —
 *       raises {@link ZipException}. Stricter than {@link GZIPInputStream} in one respect: bytes
 *       after the last member that are not a valid gzip member are an error here, where the JDK
 *       silently stops (and so also silently drops a following member whose header is damaged).
 * </ul>
 *
 * <p>The native library is {@code libvoxelflow_isal.so}, loaded from the path in the system
 * property {@value #LIB_PROPERTY} if set, else by name from {@code java.library.path}. It needs
 * {@code libisal.so.2} (Debian package {@code libisal2}) at run time. {@link #open} falls back to
 * {@link GZIPInputStream} when the library cannot be loaded. Reads must come from one thread at
 * a time (as with the JDK class); {@link #close()} may come from any thread.
 */
public final class IsalGzipInputStream extends InputStream {
  /** System property naming the shim's absolute path; overrides {@code java.library.path}. */
  public static final String LIB_PROPERTY = "voxelflow.isal.lib";

  private static final Throwable LOAD_FAILURE = loadNative();
  private static final Cleaner CLEANER = Cleaner.create();
  private static final int DEFAULT_BUFFER = 1 << 17;
  private static final long MASK31 = (1L << 31) - 1;

  private final InputStream in;
  private final byte[] inBuf;
  private int inPos; // next unread compressed byte
  private int inLen; // end of valid compressed bytes in inBuf
  private boolean inEof; // the underlying stream is exhausted
  private boolean memberDone; // the current member's trailer has been verified
  private boolean eof; // all members read
  private long members; // members fully read and verified
  private long memberOutput; // bytes inflated from the current member so far
  private final NativeState state;
  private final Cleaner.Cleanable cleanable;
  private final byte[] one = new byte[1];
  private volatile boolean closed;

  /**
   * An ISA-L stream when the shim is loadable, otherwise {@link GZIPInputStream}: the intended way
   * in for callers that must work on machines without {@code libisal2}.
   */
  public static InputStream open(InputStream in, int bufferSize) throws IOException {
    return isAvailable() ? new IsalGzipInputStream(in, bufferSize) : new GZIPInputStream(in, bufferSize);
  }

  /** True when the shim and libisal loaded. */
  public static boolean isAvailable() {
    return LOAD_FAILURE == null;
  }

  /** Why the shim did not load, or null if it did. */
  public static Throwable loadFailure() {
    return LOAD_FAILURE;
  }

  public IsalGzipInputStream(InputStream in) throws IOException {
    this(in, DEFAULT_BUFFER);
  }

  /**
   * Reads the first bytes of {@code in} and checks the gzip magic, so that, as with {@link
   * GZIPInputStream}, a stream that is not gzip fails here rather than on the first read.
   *
   * @param bufferSize compressed-input buffer size in bytes
   * @throws ZipException if {@code in} is empty or does not start with the gzip magic
   * @throws UnsatisfiedLinkError if the native library is not available (see {@link #open})
   */
  public IsalGzipInputStream(InputStream in, int bufferSize) throws IOException {
    if (LOAD_FAILURE != null) {
      UnsatisfiedLinkError e = new UnsatisfiedLinkError("ISA-L shim not loaded: " + LOAD_FAILURE);
      e.initCause(LOAD_FAILURE);
      throw e;
    }
    if (bufferSize < 64) {
      throw new IllegalArgumentException("bufferSize < 64: " + bufferSize);
    }
    this.in = Objects.requireNonNull(in, "in");
    this.inBuf = new byte[bufferSize];
    while (inLen < 2 && fill() >= 0) {
      // a stream may legally hand out one byte at a time
    }
    if (inLen == 0) {
      throw new ZipException("Not in GZIP format: empty input");
    }
    if (inLen < 2 || (inBuf[0] & 0xff) != 0x1f || (inBuf[1] & 0xff) != 0x8b) {
      throw new ZipException("Not in GZIP format");
    }
    long handle = nInit();
    if (handle == 0) {
      throw new OutOfMemoryError("isal inflate_state");
    }
    this.state = new NativeState(handle);
    this.cleanable = CLEANER.register(this, state);
  }

  @Override
  public int read() throws IOException {
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (closed) {
      throw new IOException("Stream closed");
    }
    if (len == 0) {
      return 0;
    }
    if (eof) {
      return -1;
    }
    while (true) {
      if (memberDone) {
        // A member ended. More bytes => another member follows (or garbage, which ISA-L rejects
        // as a bad header); no more bytes => clean end of stream.
        if (inPos == inLen && fill() < 0) {
          eof = true;
          return -1;
        }
        synchronized (state) {
          nReset(state.live());
        }
        memberDone = false;
        memberOutput = 0;
      }
      if (inPos == inLen) {
        fill(); // at EOF we still call inflate with no input: it may hold buffered output
      }
      long r;
      synchronized (state) { // close() on another thread waits for this call, never frees under it
        r = nInflate(state.live(), inBuf, inPos, inLen - inPos, b, off, len);
      }
      int produced = (int) (r & MASK31);
      int consumed = (int) ((r >>> 31) & MASK31);
      boolean finished = ((r >>> 62) & 1) != 0;
      inPos += consumed;
      if (finished) {
        memberDone = true;
        members++;
      }
      if (produced > 0) {
        memberOutput += produced;
        return produced;
      }
      if (finished || consumed > 0) {
        continue;
      }
      // No progress at all: the decoder needs bytes we do not have.
      int n = fill();
      if (n < 0) {
        throw new ZipException(memberOutput == 0 && members > 0
            ? "Trailing bytes after gzip member " + members + " are not a complete gzip member"
            : "Unexpected end of gzip input: stream truncated");
      }
      if (n == 0) { // cannot happen with ISA-L, which buffers partial headers internally
        throw new ZipException("isal_inflate made no progress on a full input buffer");
      }
    }
  }

  /** Number of gzip members read to the end and verified so far. */
  public long membersRead() {
    return members;
  }

  @Override
  public int available() throws IOException {
    if (closed) {
      throw new IOException("Stream closed");
    }
    return eof ? 0 : 1;
  }

  /**
   * Closes the underlying stream, then frees the native decoder. Safe to call from another thread
   * while a read is under way (as a read-ahead wrapper does): closing {@code in} first unblocks a
   * pending {@code in.read}, and the free waits for an {@code isal_inflate} call in progress (at
   * most one output buffer's worth of work) — the read then fails with "Stream closed".
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      in.close();
    } finally {
      synchronized (state) {
        cleanable.clean();
      }
    }
  }

  /**
   * Moves unread bytes to the front of the buffer and reads more after them. Returns the number of
   * bytes read (0 if the buffer is full), or -1 at the end of the underlying stream.
   */
  private int fill() throws IOException {
    if (inEof) {
      return -1;
    }
    if (inPos > 0) {
      System.arraycopy(inBuf, inPos, inBuf, 0, inLen - inPos);
      inLen -= inPos;
      inPos = 0;
    }
    if (inLen == inBuf.length) {
      return 0;
    }
    int n = in.read(inBuf, inLen, inBuf.length - inLen);
    if (n < 0) {
      inEof = true;
      return -1;
    }
    inLen += n;
    return n;
  }

  /**
   * Owns the native inflate_state; freed by close() or, failing that, by the Cleaner. Native calls
   * on the handle are made holding this object's monitor, and so is the free in close().
   */
  private static final class NativeState implements Runnable {
    private long handle; // guarded by this

    NativeState(long handle) {
      this.handle = handle;
    }

    /** The handle, or IOException if already freed. Call holding the monitor. */
    long live() throws IOException {
      if (handle == 0) {
        throw new IOException("Stream closed");
      }
      return handle;
    }

    @Override
    public synchronized void run() {
      long h = handle;
      handle = 0;
      if (h != 0) {
        nFree(h);
      }
    }
  }

  private static Throwable loadNative() {
    try {
      String path = System.getProperty(LIB_PROPERTY);
      if (path != null && !path.isEmpty()) {
        System.load(path);
      } else {
        System.loadLibrary("voxelflow_isal");
      }
      return null;
    } catch (UnsatisfiedLinkError | SecurityException e) {
      return e;
    }
  }

  private static native long nInit();

  private static native void nReset(long handle);

  private static native void nFree(long handle);

  /**
   * One {@code isal_inflate} call. Returns {@code produced | consumed << 31 | finished << 62}
   * (produced and consumed fit in 31 bits as they are bounded by Java array lengths); throws
   * {@link ZipException} on corrupt data.
   */
  private static native long nInflate(
      long handle, byte[] in, int inOff, int inLen, byte[] out, int outOff, int outLen)
      throws ZipException;
}
