package io.voxelflow.numerics;

import java.util.Arrays;

/**
 * A dense double-precision matrix, row-major ({@code data[i * cols + j]} is row i, column j), the
 * layout numpy uses for C-ordered arrays. A thin value type over which {@link Linalg} calls BLAS and
 * LAPACK; it owns its array (constructors do not copy: callers hand it over).
 *
 * @param rows number of rows, ≥ 0
 * @param cols number of columns, ≥ 0
 * @param data the entries, row-major, length {@code rows * cols}
 */
public record Matrix(int rows, int cols, double[] data) {

  public Matrix {
    if (rows < 0 || cols < 0 || (long) rows * cols != data.length) {
      throw new IllegalArgumentException(
          "matrix " + rows + " × " + cols + " needs " + (long) rows * cols + " values, got " + data.length);
    }
  }

  /** A rows × cols matrix of zeros. */
  public static Matrix zeros(int rows, int cols) {
    return new Matrix(rows, cols, new double[Math.multiplyExact(rows, cols)]);
  }

  /** The n × n identity. */
  public static Matrix identity(int n) {
    Matrix m = zeros(n, n);
    for (int i = 0; i < n; i++) {
      m.data[i * n + i] = 1;
    }
    return m;
  }

  /** A matrix from rows (copied); all rows must have the same length. */
  public static Matrix of(double[][] rows) {
    int r = rows.length;
    int c = r == 0 ? 0 : rows[0].length;
    double[] d = new double[r * c];
    for (int i = 0; i < r; i++) {
      if (rows[i].length != c) {
        throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, row 0 has " + c);
      }
      System.arraycopy(rows[i], 0, d, i * c, c);
    }
    return new Matrix(r, c, d);
  }

  /** A diagonal matrix with the given diagonal. */
  public static Matrix diagonal(double[] diag) {
    Matrix m = zeros(diag.length, diag.length);
    for (int i = 0; i < diag.length; i++) {
      m.data[i * diag.length + i] = diag[i];
    }
    return m;
  }

  /**
   * A 2-D {@code .npy} file (any numeric dtype) as a matrix; other shapes are refused with
   * {@link IllegalArgumentException} naming the shape.
   */
  public static Matrix readNpy(java.nio.file.Path file) throws java.io.IOException {
    io.voxelflow.npy.Npy.NpyArray a = io.voxelflow.npy.Npy.read(file);
    long[] s = a.shape();
    if (s.length != 2) {
      throw new IllegalArgumentException(file.getFileName() + " has shape " + Arrays.toString(s) + "; a matrix is 2-D");
    }
    return new Matrix((int) s[0], (int) s[1], a.toDoubleArray());
  }

  /** Writes the matrix as a float64 {@code .npy} (C order). */
  public void writeNpy(java.nio.file.Path file) {
    io.voxelflow.npy.Npy.write(file, data, rows, cols);
  }

  /** Entry (i, j). */
  public double get(int i, int j) {
    return data[i * cols + j];
  }

  /** Sets entry (i, j). */
  public void set(int i, int j, double v) {
    data[i * cols + j] = v;
  }

  /** Row i (a copy). */
  public double[] row(int i) {
    return Arrays.copyOfRange(data, i * cols, (i + 1) * cols);
  }

  /** Column j (a copy). */
  public double[] column(int j) {
    double[] c = new double[rows];
    for (int i = 0; i < rows; i++) {
      c[i] = data[i * cols + j];
    }
    return c;
  }

  /** The diagonal (a copy), length min(rows, cols). */
  public double[] diagonal() {
    double[] d = new double[Math.min(rows, cols)];
    for (int i = 0; i < d.length; i++) {
      d[i] = data[i * cols + i];
    }
    return d;
  }

  /** A deep copy. */
  public Matrix copy() {
    return new Matrix(rows, cols, data.clone());
  }

  /** The transpose (a new matrix). */
  public Matrix transpose() {
    double[] t = new double[data.length];
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        t[j * rows + i] = data[i * cols + j];
      }
    }
    return new Matrix(cols, rows, t);
  }

  /** The product {@code this · other} (BLAS dgemm). */
  public Matrix times(Matrix other) {
    return Linalg.gemm(this, false, other, false);
  }

  /** Element-wise {@code this + other}. */
  public Matrix plus(Matrix other) {
    sameShape(other);
    double[] d = data.clone();
    for (int i = 0; i < d.length; i++) {
      d[i] += other.data[i];
    }
    return new Matrix(rows, cols, d);
  }

  /** Element-wise {@code this − other}. */
  public Matrix minus(Matrix other) {
    sameShape(other);
    double[] d = data.clone();
    for (int i = 0; i < d.length; i++) {
      d[i] -= other.data[i];
    }
    return new Matrix(rows, cols, d);
  }

  /** Every entry times {@code s}. */
  public Matrix scale(double s) {
    double[] d = data.clone();
    for (int i = 0; i < d.length; i++) {
      d[i] *= s;
    }
    return new Matrix(rows, cols, d);
  }

  /** {@code (this + thisᵀ) / 2}, for square matrices that should be symmetric up to rounding. */
  public Matrix symmetrized() {
    requireSquare();
    Matrix m = zeros(rows, cols);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        m.data[i * cols + j] = 0.5 * (data[i * cols + j] + data[j * cols + i]);
      }
    }
    return m;
  }

  /** The largest absolute entry-wise difference to {@code other}. */
  public double maxAbsDifference(Matrix other) {
    sameShape(other);
    double m = 0;
    for (int i = 0; i < data.length; i++) {
      m = Math.max(m, Math.abs(data[i] - other.data[i]));
    }
    return m;
  }

  /** Throws unless square. */
  public void requireSquare() {
    if (rows != cols) {
      throw new IllegalArgumentException("matrix must be square, is " + rows + " × " + cols);
    }
  }

  private void sameShape(Matrix o) {
    if (o.rows != rows || o.cols != cols) {
      throw new IllegalArgumentException(
          "shapes differ: " + rows + " × " + cols + " vs " + o.rows + " × " + o.cols);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Matrix m && m.rows == rows && m.cols == cols && Arrays.equals(m.data, data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * rows + cols) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Matrix[" + rows + " × " + cols + "]";
  }
}
