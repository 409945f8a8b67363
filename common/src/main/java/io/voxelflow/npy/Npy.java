package io.voxelflow.npy;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Minimal NumPy {@code .npy} support: little-endian float32, float64, int16 and int32 arrays in C
 * order, of any number of dimensions (including 0-d scalars).
 *
 * <p>The writer produces format version 1.0 exactly as {@code numpy.save} (numpy 1.24) does: the
 * header dict {@code {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }} padded with
 * spaces and ended by a newline so that the data starts at a multiple of 64 bytes. Files written
 * here are byte-identical to {@code numpy.save} of the same array.
 *
 * <p>The reader accepts versions 1.0, 2.0 and 3.0 and refuses anything it cannot represent exactly
 * (other dtypes, big-endian data, Fortran order, a truncated or over-long data section) with an
 * {@link IllegalArgumentException} naming the file and the problem.
 */
public final class Npy {
  /** The magic string every {@code .npy} file starts with. */
  static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  /** Data offsets are aligned to this many bytes (numpy's {@code ARRAY_ALIGN}). */
  static final int ALIGN = 64;

  private Npy() {}

  /** The element types supported, with their numpy {@code descr} (little-endian). */
  public enum DType {
    FLOAT32("<f4", 4),
    FLOAT64("<f8", 8),
    INT16("<i2", 2),
    INT32("<i4", 4);

    private final String descr;
    private final int bytes;

    DType(String descr, int bytes) {
      this.descr = descr;
      this.bytes = bytes;
    }

    /** The numpy {@code descr} string, e.g. {@code <f4}. */
    public String descr() {
      return descr;
    }

    /** Bytes per element. */
    public int bytes() {
      return bytes;
    }

    /** The type of a {@code descr} string; {@code |}/{@code =} byte orders are not accepted. */
    public static DType fromDescr(String descr) {
      for (DType t : values()) {
        if (t.descr.equals(descr)) {
          return t;
        }
      }
      throw new IllegalArgumentException("unsupported dtype '" + descr
          + "': only little-endian <f4, <f8, <i2 and <i4 are supported");
    }
  }

  /** A parsed header: element type, shape, and the byte offset where the data starts. */
  public record Header(DType dtype, long[] shape, long dataOffset) {
    public Header {
      shape = shape.clone();
    }

    @Override
    public long[] shape() {
      return shape.clone();
    }

    /** Number of elements: the product of the shape (1 for a 0-d array). */
    public long elementCount() {
      return Npy.elementCount(shape);
    }

    /** Bytes of data the header promises. */
    public long dataBytes() {
      return Math.multiplyExact(elementCount(), dtype.bytes());
    }
  }

  /**
   * An array read from a {@code .npy} file: its type, shape and values in C order. The values are
   * kept in the file's type ({@code float[]}, {@code double[]}, {@code short[]} or {@code int[]});
   * the {@code to…} methods convert.
   */
  public static final class NpyArray {
    private final DType dtype;
    private final long[] shape;
    private final Object data;

    NpyArray(DType dtype, long[] shape, Object data) {
      this.dtype = dtype;
      this.shape = shape.clone();
      this.data = data;
    }

    public DType dtype() {
      return dtype;
    }

    public long[] shape() {
      return shape.clone();
    }

    public int ndim() {
      return shape.length;
    }

    /** Number of elements. */
    public int size() {
      return (int) elementCount(shape);
    }

    /** The values as floats (exact for float32 and int16; rounded for float64 and large int32). */
    public float[] toFloatArray() {
      return switch (dtype) {
        case FLOAT32 -> ((float[]) data).clone();
        default -> {
          double[] d = toDoubleArray();
          float[] f = new float[d.length];
          for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
          }
          yield f;
        }
      };
    }

    /** The values as doubles (exact for every supported type). */
    public double[] toDoubleArray() {
      int n = size();
      double[] out = new double[n];
      switch (dtype) {
        case FLOAT32 -> {
          float[] a = (float[]) data;
          for (int i = 0; i < n; i++) {
            out[i] = a[i];
          }
        }
        case FLOAT64 -> System.arraycopy(data, 0, out, 0, n);
        case INT16 -> {
          short[] a = (short[]) data;
          for (int i = 0; i < n; i++) {
            out[i] = a[i];
          }
        }
        case INT32 -> {
          int[] a = (int[]) data;
          for (int i = 0; i < n; i++) {
            out[i] = a[i];
          }
        }
        default -> throw new AssertionError(dtype);
      }
      return out;
    }

    /** The values as ints; only for integer arrays. */
    public int[] toIntArray() {
      return switch (dtype) {
        case INT32 -> ((int[]) data).clone();
        case INT16 -> {
          short[] a = (short[]) data;
          int[] out = new int[a.length];
          for (int i = 0; i < a.length; i++) {
            out[i] = a[i];
          }
          yield out;
        }
        default -> throw new IllegalStateException("a " + dtype.descr() + " array is not an integer array");
      };
    }

    /** The values as shorts; only for int16 arrays. */
    public short[] toShortArray() {
      if (dtype != DType.INT16) {
        throw new IllegalStateException("a " + dtype.descr() + " array is not an int16 array");
      }
      return ((short[]) data).clone();
    }

    /** A 2-D array as rows of floats. */
    public float[][] toFloatMatrix() {
      int[] rc = matrixShape();
      float[] flat = toFloatArray();
      float[][] m = new float[rc[0]][];
      for (int r = 0; r < rc[0]; r++) {
        m[r] = Arrays.copyOfRange(flat, r * rc[1], (r + 1) * rc[1]);
      }
      return m;
    }

    /** A 2-D array as rows of doubles. */
    public double[][] toDoubleMatrix() {
      int[] rc = matrixShape();
      double[] flat = toDoubleArray();
      double[][] m = new double[rc[0]][];
      for (int r = 0; r < rc[0]; r++) {
        m[r] = Arrays.copyOfRange(flat, r * rc[1], (r + 1) * rc[1]);
      }
      return m;
    }

    private int[] matrixShape() {
      if (shape.length != 2) {
        throw new IllegalStateException("not a 2-D array: shape " + shapeString(shape));
      }
      return new int[] {(int) shape[0], (int) shape[1]};
    }
  }

  // ------------------------------------------------------------------------------------ writing

  /** Writes a float32 array of this shape (C order; no shape: a 0-d scalar). */
  public static void write(Path path, float[] data, long... shape) {
    checkLength(data.length, shape);
    try (Writer w = writer(path, DType.FLOAT32, shape)) {
      w.write(data);
    }
  }

  /** Writes a float64 array of this shape (C order). */
  public static void write(Path path, double[] data, long... shape) {
    checkLength(data.length, shape);
    try (Writer w = writer(path, DType.FLOAT64, shape)) {
      w.write(data);
    }
  }

  /** Writes an int16 array of this shape (C order). */
  public static void write(Path path, short[] data, long... shape) {
    checkLength(data.length, shape);
    try (Writer w = writer(path, DType.INT16, shape)) {
      w.write(data);
    }
  }

  /** Writes an int32 array of this shape (C order). */
  public static void write(Path path, int[] data, long... shape) {
    checkLength(data.length, shape);
    try (Writer w = writer(path, DType.INT32, shape)) {
      w.write(data);
    }
  }

  /** Writes a rectangular matrix as a 2-D float32 array (rows × columns). */
  public static void write(Path path, float[][] rows) {
    int cols = columns(rows);
    try (Writer w = writer(path, DType.FLOAT32, rows.length, cols)) {
      for (float[] r : rows) {
        w.write(r);
      }
    }
  }

  /** Writes a rectangular matrix as a 2-D float64 array (rows × columns). */
  public static void write(Path path, double[][] rows) {
    int cols = columns(rows);
    try (Writer w = writer(path, DType.FLOAT64, rows.length, cols)) {
      for (double[] r : rows) {
        w.write(r);
      }
    }
  }

  private static void checkLength(int length, long[] shape) {
    validateShape(shape);
    if (length != elementCount(shape)) {
      throw new IllegalArgumentException(length + " values do not fill shape " + shapeString(shape) + " ("
          + elementCount(shape) + " values)");
    }
  }

  private static int columns(Object[] rows) {
    if (rows.length == 0) {
      return 0;
    }
    int cols = java.lang.reflect.Array.getLength(rows[0]);
    for (Object r : rows) {
      if (java.lang.reflect.Array.getLength(r) != cols) {
        throw new IllegalArgumentException("ragged matrix: rows of " + cols + " and "
            + java.lang.reflect.Array.getLength(r) + " values");
      }
    }
    return cols;
  }

  /**
   * Opens a streaming writer: the header now, then the values in C order through any number of
   * {@code write} calls (e.g. one row at a time). {@link Writer#close()} moves the file into place
   * only if exactly the promised number of values was written.
   */
  public static Writer writer(Path path, DType dtype, long... shape) {
    return new Writer(path, dtype, shape);
  }

  /** The header bytes numpy 1.24's {@code numpy.save} writes for this type and shape (v1.0). */
  public static byte[] header(DType dtype, long... shape) {
    validateShape(shape);
    String dict = "{'descr': '" + dtype.descr() + "', 'fortran_order': False, 'shape': "
        + shapeString(shape) + ", }";
    int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
    int total = (unpadded + ALIGN - 1) / ALIGN * ALIGN;
    int headerLen = total - MAGIC.length - 4;
    if (headerLen > 0xFFFF) {
      throw new IllegalArgumentException("header of " + headerLen + " bytes does not fit .npy version 1.0");
    }
    StringBuilder sb = new StringBuilder(dict);
    while (sb.length() < headerLen - 1) {
      sb.append(' ');
    }
    sb.append('\n');
    ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
    b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerLen);
    b.put(sb.toString().getBytes(StandardCharsets.US_ASCII));
    return b.array();
  }

  /** Python's repr of a shape tuple: {@code ()}, {@code (5,)}, {@code (3, 4)}. */
  static String shapeString(long[] shape) {
    if (shape.length == 1) {
      return "(" + shape[0] + ",)";
    }
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(shape[i]);
    }
    return sb.append(')').toString();
  }

  private static void validateShape(long[] shape) {
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + shapeString(shape));
      }
    }
    if (elementCount(shape) > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("array of shape " + shapeString(shape) + " is too large");
    }
  }

  static long elementCount(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** A streaming {@code .npy} writer (see {@link Npy#writer}). Not thread-safe. */
  public static final class Writer implements AutoCloseable {
    private final Path target;
    private final Path tmp;
    private final DType dtype;
    private final long total;
    private final OutputStream out;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private long written;
    private boolean closed;

    private Writer(Path path, DType dtype, long[] shape) {
      this.target = path;
      this.dtype = dtype;
      byte[] head = header(dtype, shape);
      this.total = elementCount(shape);
      try {
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        this.tmp = io.voxelflow.files.AtomicFiles.tempBeside(path);
        this.out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16);
        out.write(head);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + path + ": " + e.getMessage(), e);
      }
    }

    /** Values written so far. */
    public long written() {
      return written;
    }

    /** Appends float values; the array must be float32 (or float64: widened exactly). */
    public Writer write(float[] values) {
      return write(values, 0, values.length);
    }

    public Writer write(float[] values, int off, int len) {
      if (dtype != DType.FLOAT32 && dtype != DType.FLOAT64) {
        throw typeMismatch("float");
      }
      reserve(len);
      for (int i = off; i < off + len; i++) {
        room();
        switch (dtype) {
          case FLOAT32 -> buf.putFloat(values[i]);
          case FLOAT64 -> buf.putDouble(values[i]);
          default -> throw typeMismatch("float");
        }
      }
      return this;
    }

    /** Appends double values; the array must be float64 (or float32: rounded to nearest). */
    public Writer write(double[] values) {
      return write(values, 0, values.length);
    }

    public Writer write(double[] values, int off, int len) {
      if (dtype != DType.FLOAT32 && dtype != DType.FLOAT64) {
        throw typeMismatch("double");
      }
      reserve(len);
      for (int i = off; i < off + len; i++) {
        room();
        switch (dtype) {
          case FLOAT64 -> buf.putDouble(values[i]);
          case FLOAT32 -> buf.putFloat((float) values[i]);
          default -> throw typeMismatch("double");
        }
      }
      return this;
    }

    /** Appends int values; the array must be int32 (or int16 when every value fits). */
    public Writer write(int[] values) {
      if (dtype != DType.INT16 && dtype != DType.INT32) {
        throw typeMismatch("int");
      }
      if (dtype == DType.INT16) {
        for (int v : values) {
          if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
            abort();
            throw new IllegalArgumentException("value " + v + " does not fit int16; nothing was saved");
          }
        }
      }
      reserve(values.length);
      for (int v : values) {
        room();
        switch (dtype) {
          case INT32 -> buf.putInt(v);
          case INT16 -> buf.putShort((short) v);
          default -> throw typeMismatch("int");
        }
      }
      return this;
    }

    /** Appends short values; the array must be int16 (or int32: widened). */
    public Writer write(short[] values) {
      if (dtype != DType.INT16 && dtype != DType.INT32) {
        throw typeMismatch("short");
      }
      reserve(values.length);
      for (short v : values) {
        room();
        switch (dtype) {
          case INT16 -> buf.putShort(v);
          case INT32 -> buf.putInt(v);
          default -> throw typeMismatch("short");
        }
      }
      return this;
    }

    private IllegalArgumentException typeMismatch(String javaType) {
      abort();
      return new IllegalArgumentException("cannot write " + javaType + " values to a " + dtype.descr() + " array");
    }

    private void reserve(int n) {
      if (closed) {
        throw new IllegalStateException("writer is closed");
      }
      if (written + n > total) {
        abort();
        throw new IllegalArgumentException("too many values for " + target.getFileName() + ": "
            + (written + n) + " > " + total);
      }
      written += n;
    }

    private void room() {
      if (buf.remaining() < 8) {
        flush();
      }
    }

    private void flush() {
      try {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
      } catch (IOException e) {
        abort();
        throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
      }
    }

    /** Discards the output; the target is not touched. */
    public void abort() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        out.close();
      } catch (IOException ignored) {
        // deleted below
      }
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // best effort
      }
    }

    /**
     * Finishes the file and moves it into place; throws {@link IllegalStateException} (and saves
     * nothing) if fewer values than the shape promises were written.
     */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      if (written != total) {
        abort();
        throw new IllegalStateException("only " + written + " of " + total + " values were written to "
            + target + "; nothing was saved");
      }
      flush();
      closed = true;
      try {
        out.close();
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot finish " + target + ": " + e.getMessage(), e);
      }
    }
  }

  // ------------------------------------------------------------------------------------ reading

  /** Reads and validates the header of a {@code .npy} file. */
  public static Header readHeader(Path path) {
    try (InputStream in = Files.newInputStream(path)) {
      return readHeader(in, path.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  /** Reads a whole {@code .npy} file. */
  public static NpyArray read(Path path) {
    try (InputStream in = Files.newInputStream(path)) {
      Header h = readHeader(in, path.toString());
      long size = Files.size(path);
      long expected = h.dataOffset() + h.dataBytes();
      if (size != expected) {
        throw new IllegalArgumentException(path + ": shape " + shapeString(h.shape()) + " of " + h.dtype().descr()
            + " needs " + h.dataBytes() + " data bytes but the file has " + (size - h.dataOffset())
            + (size < expected ? " (truncated)" : " (trailing bytes)"));
      }
      int n = (int) h.elementCount();
      byte[] raw = in.readNBytes((int) h.dataBytes());
      ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
      Object data = switch (h.dtype()) {
        case FLOAT32 -> {
          float[] a = new float[n];
          b.asFloatBuffer().get(a);
          yield a;
        }
        case FLOAT64 -> {
          double[] a = new double[n];
          b.asDoubleBuffer().get(a);
          yield a;
        }
        case INT16 -> {
          short[] a = new short[n];
          b.asShortBuffer().get(a);
          yield a;
        }
        case INT32 -> {
          int[] a = new int[n];
          b.asIntBuffer().get(a);
          yield a;
        }
      };
      return new NpyArray(h.dtype(), h.shape(), data);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  static Header readHeader(InputStream in, String name) throws IOException {
    byte[] pre = in.readNBytes(8);
    if (pre.length < 8 || !Arrays.equals(Arrays.copyOf(pre, 6), MAGIC)) {
      throw new IllegalArgumentException(name + ": not a .npy file (bad magic string)");
    }
    int major = pre[6] & 0xFF;
    int minor = pre[7] & 0xFF;
    if (major < 1 || major > 3 || minor != 0) {
      throw new IllegalArgumentException(name + ": unsupported .npy format version " + major + "." + minor
          + " (supported: 1.0, 2.0, 3.0)");
    }
    int lenBytes = major == 1 ? 2 : 4;
    byte[] lb = in.readNBytes(lenBytes);
    if (lb.length < lenBytes) {
      throw new IllegalArgumentException(name + ": truncated .npy header");
    }
    ByteBuffer lbuf = ByteBuffer.wrap(lb).order(ByteOrder.LITTLE_ENDIAN);
    long headerLen = major == 1 ? (lbuf.getShort() & 0xFFFF) : (lbuf.getInt() & 0xFFFFFFFFL);
    if (headerLen > 1 << 20) {
      throw new IllegalArgumentException(name + ": implausible .npy header length " + headerLen);
    }
    byte[] hb = in.readNBytes((int) headerLen);
    if (hb.length < headerLen) {
      throw new IllegalArgumentException(name + ": truncated .npy header");
    }
    String dict = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    HeaderParser p = new HeaderParser(dict, name);
    p.parse();
    if (p.descr == null || p.fortran == null || p.shape == null) {
      throw new IllegalArgumentException(name + ": .npy header lacks "
          + (p.descr == null ? "'descr'" : p.fortran == null ? "'fortran_order'" : "'shape'") + ": " + dict.strip());
    }
    DType dtype;
    try {
      dtype = DType.fromDescr(p.descr);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
    }
    if (p.fortran) {
      throw new IllegalArgumentException(name + ": Fortran-order arrays are not supported (save with C order)");
    }
    try {
      validateShape(p.shape);
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new IllegalArgumentException(name + ": bad shape: " + e.getMessage(), e);
    }
    return new Header(dtype, p.shape, 6 + 2 + lenBytes + headerLen);
  }

  /** Parses the Python-literal header dict (only the forms numpy writes, any key order). */
  private static final class HeaderParser {
    private final String s;
    private final String name;
    private int pos;
    String descr;
    Boolean fortran;
    long[] shape;

    HeaderParser(String s, String name) {
      this.s = s;
      this.name = name;
    }

    void parse() {
      skipWs();
      expect('{');
      while (true) {
        skipWs();
        if (peek() == '}') {
          pos++;
          break;
        }
        String key = string();
        skipWs();
        expect(':');
        skipWs();
        switch (key) {
          case "descr" -> descr = string();
          case "fortran_order" -> fortran = bool();
          case "shape" -> shape = tuple();
          default -> throw error("unexpected key '" + key + "'");
        }
        skipWs();
        if (peek() == ',') {
          pos++;
        } else if (peek() != '}') {
          throw error("expected ',' or '}'");
        }
      }
      skipWs();
      if (pos != s.length()) {
        throw error("unexpected text after the header dict");
      }
    }

    private String string() {
      char q = peek();
      if (q != '\'' && q != '"') {
        throw error("expected a quoted string");
      }
      int end = s.indexOf(q, pos + 1);
      if (end < 0) {
        throw error("unterminated string");
      }
      String v = s.substring(pos + 1, end);
      pos = end + 1;
      return v;
    }

    private boolean bool() {
      if (s.startsWith("True", pos)) {
        pos += 4;
        return true;
      }
      if (s.startsWith("False", pos)) {
        pos += 5;
        return false;
      }
      throw error("expected True or False");
    }

    private long[] tuple() {
      expect('(');
      List<Long> dims = new ArrayList<>();
      boolean trailingComma = false;
      while (true) {
        skipWs();
        if (peek() == ')') {
          pos++;
          break;
        }
        int start = pos;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
          pos++;
        }
        if (start == pos) {
          throw error("expected a non-negative integer dimension");
        }
        try {
          dims.add(Long.parseLong(s.substring(start, pos)));
        } catch (NumberFormatException e) {
          throw error("dimension too large");
        }
        if (pos < s.length() && s.charAt(pos) == 'L') {
          pos++; // Python 2 long suffix
        }
        skipWs();
        trailingComma = false;
        if (peek() == ',') {
          pos++;
          trailingComma = true;
        } else if (peek() != ')') {
          throw error("expected ',' or ')' in shape");
        }
      }
      if (dims.size() == 1 && !trailingComma) {
        throw error("a 1-element shape needs a trailing comma, e.g. (5,)");
      }
      return dims.stream().mapToLong(Long::longValue).toArray();
    }

    private char peek() {
      if (pos >= s.length()) {
        throw error("unexpected end of header");
      }
      return s.charAt(pos);
    }

    private void expect(char c) {
      if (peek() != c) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }

    private void skipWs() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException(name + ": malformed .npy header (" + what + " at position " + pos
          + "): " + s.strip());
    }
  }
}
