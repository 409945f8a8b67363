package io.voxelflow.nifti;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A NIfTI-1 or NIfTI-2 header: every field of the standards, in one mutable value that both the
 * reader fills and the writer encodes.
 *
 * <p>Units: {@code pixdim} as stored (spatial in the unit of {@link #xyztUnits()}, usually mm; time
 * usually seconds). {@link #affine()} follows nibabel's {@code img.affine}: the sform when its code
 * is valid and &gt; 0, else the qform, else the pixdim-based fallback.
 *
 * <p>Header values a reader cannot use are repaired the way nibabel repairs them on load (zero
 * spatial pixdims become 1, negative ones their absolute value, a {@code qfac} other than ±1 becomes
 * 1, unknown xform codes become 0), so that what Voxelflow reports matches what nibabel reports.
 */
public final class NiftiHeader {
  /** Size of the NIfTI-1 header in bytes. */
  public static final int NIFTI1_SIZE = 348;
  /** Size of the NIfTI-2 header in bytes. */
  public static final int NIFTI2_SIZE = 540;

  private int version = 1;
  private ByteOrder byteOrder = ByteOrder.LITTLE_ENDIAN;
  private boolean pair;
  private final long[] dim = {3, 1, 1, 1, 1, 1, 1, 1};
  private final double[] pixdim = {1, 1, 1, 1, 1, 1, 1, 1};
  private NiftiDatatype datatype = NiftiDatatype.FLOAT32;
  private long voxOffset;
  private double sclSlope = 1;
  private double sclInter;
  private int xyztUnits = 2 | 8; // mm, s
  private int qformCode;
  private int sformCode;
  private double quaternB;
  private double quaternC;
  private double quaternD;
  private double qoffsetX;
  private double qoffsetY;
  private double qoffsetZ;
  private final double[][] srow = new double[3][4];
  private int dimInfo;
  private double intentP1;
  private double intentP2;
  private double intentP3;
  private int intentCode;
  private String intentName = "";
  private long sliceStart;
  private long sliceEnd;
  private int sliceCode;
  private double sliceDuration;
  private double calMin;
  private double calMax;
  private double toffset;
  private String descrip = "";
  private String auxFile = "";
  private String dataTypeString = "";
  private String dbName = "";

  /** A NIfTI-1, little-endian, float32 header of the given shape with identity affine. */
  public NiftiHeader() {}

  /** A header for an image of this shape (1 to 7 dimensions) and datatype. */
  public static NiftiHeader of(NiftiDatatype datatype, long... shape) {
    NiftiHeader h = new NiftiHeader();
    h.setShape(shape);
    h.setDatatype(datatype);
    return h;
  }

  // ---------------------------------------------------------------- derived views

  /** The image shape, {@code dim[1..dim[0]]}. */
  public long[] shape() {
    return Arrays.copyOfRange(dim, 1, (int) dim[0] + 1);
  }

  /** Number of dimensions, {@code dim[0]}. */
  public int ndim() {
    return (int) dim[0];
  }

  /** Voxels in one 3-D volume: {@code dim[1]·dim[2]·dim[3]} (missing dimensions count as 1). */
  public long voxelsPerVolume() {
    long n = 1;
    for (int i = 1; i <= Math.min(3, ndim()); i++) {
      n = Math.multiplyExact(n, dim[i]);
    }
    return n;
  }

  /** Number of 3-D volumes: the product of {@code dim[4..dim[0]]} (1 for a 3-D image). */
  public long volumeCount() {
    long n = 1;
    for (int i = 4; i <= ndim(); i++) {
      n = Math.multiplyExact(n, dim[i]);
    }
    return n;
  }

  /** Bytes of voxel data the header promises. */
  public long dataBytes() {
    return Math.multiplyExact(
        Math.multiplyExact(voxelsPerVolume(), volumeCount()), datatype.bytesPerVoxel());
  }

  /** Header size in bytes for this version: 348 or 540. */
  public int headerSize() {
    return version == 2 ? NIFTI2_SIZE : NIFTI1_SIZE;
  }

  /** nibabel's {@code header.get_zooms()}: {@code pixdim[1..dim[0]]} as stored (after repair). */
  public double[] voxelSizes() {
    return Arrays.copyOfRange(pixdim, 1, ndim() + 1);
  }

  /**
   * The repetition time in seconds: {@code pixdim[4]} converted by the time unit of
   * {@code xyzt_units} (s, ms, µs). Empty for images with fewer than 4 dimensions or with an
   * unknown or non-time unit. Reported as stored even when implausible.
   */
  public java.util.OptionalDouble trSeconds() {
    if (ndim() < 4) {
      return java.util.OptionalDouble.empty();
    }
    double divisor = switch (xyztUnits & 0x38) {
      case 8 -> 1.0;
      case 16 -> 1e3;
      case 24 -> 1e6;
      default -> Double.NaN;
    };
    return Double.isNaN(divisor)
        ? java.util.OptionalDouble.empty()
        : java.util.OptionalDouble.of(pixdim[4] / divisor);
  }

  /** True when {@code scl_slope} is finite and non-zero, i.e. the stored values are scaled. */
  public boolean hasScaling() {
    return sclSlope != 0 && Double.isFinite(sclSlope);
  }

  /** The slope applied to stored values: {@code scl_slope}, or 1 when there is no scaling. */
  public double effectiveSlope() {
    return hasScaling() ? sclSlope : 1.0;
  }

  /** The intercept applied to stored values: {@code scl_inter}, or 0 when there is no scaling. */
  public double effectiveInter() {
    return hasScaling() ? sclInter : 0.0;
  }

  /**
   * The voxel-to-world affine (4×4, row-major, mm), as nibabel's {@code img.affine}: sform if
   * {@code sform_code > 0}, else qform if {@code qform_code > 0}, else {@link #baseAffine()}.
   */
  public double[][] affine() {
    if (sformCode > 0) {
      return sformAffine();
    }
    if (qformCode > 0) {
      return qformAffine();
    }
    return baseAffine();
  }

  /** The sform rows as a 4×4 affine. */
  public double[][] sformAffine() {
    double[][] a = new double[4][];
    for (int r = 0; r < 3; r++) {
      a[r] = srow[r].clone();
    }
    a[3] = new double[] {0, 0, 0, 1};
    return a;
  }

  /** The qform (quaternion, offsets, pixdim and qfac) as a 4×4 affine. */
  public double[][] qformAffine() {
    double b = quaternB;
    double c = quaternC;
    double d = quaternD;
    double w2 = 1.0 - (b * b + c * c + d * d);
    double a;
    // Quaternions are stored as float32 in NIfTI-1: tolerate rounding that makes w2 slightly negative.
    if (w2 < 0) {
      if (w2 < -3 * Math.ulp(1.0f)) {
        throw new NiftiFormatException("qform quaternion (b, c, d) = (" + b + ", " + c + ", " + d
            + ") has norm above 1");
      }
      a = 0;
    } else {
      a = Math.sqrt(w2);
    }
    double[][] r = {
      {a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)},
      {2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)},
      {2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b}
    };
    double qfac = pixdim[0] == -1 ? -1 : 1;
    double[] vox = {pixdim[1], pixdim[2], pixdim[3] * qfac};
    double[][] out = new double[4][4];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        out[i][j] = r[i][j] * vox[j];
      }
    }
    out[0][3] = qoffsetX;
    out[1][3] = qoffsetY;
    out[2][3] = qoffsetZ;
    out[3][3] = 1;
    return out;
  }

  /**
   * nibabel's fallback affine when neither sform nor qform is set: voxel sizes on the diagonal
   * with x flipped, the volume centre at world (0, 0, 0).
   */
  public double[][] baseAffine() {
    double[] zooms = {1, 1, 1};
    double[] shape = {1, 1, 1};
    for (int i = 0; i < Math.min(3, ndim()); i++) {
      zooms[i] = pixdim[i + 1];
      shape[i] = dim[i + 1];
    }
    zooms[0] = -zooms[0];
    double[][] out = new double[4][4];
    for (int i = 0; i < 3; i++) {
      out[i][i] = zooms[i];
      out[i][3] = -(shape[i] - 1) / 2.0 * zooms[i];
    }
    out[3][3] = 1;
    return out;
  }

  /**
   * Sets sform and qform (both with {@code code}) and the spatial pixdims from an affine whose
   * 3×3 part is a rotation times a diagonal scaling (the usual case; shears are kept in the sform
   * and approximated in the qform).
   */
  public NiftiHeader setAffine(double[][] affine, int code) {
    for (int r = 0; r < 3; r++) {
      srow[r] = affine[r].clone();
    }
    sformCode = code;
    setQform(affine, code);
    return this;
  }

  /** Sets the qform from an affine (see {@link #setAffine}), updating pixdim[0..3]. */
  public NiftiHeader setQform(double[][] affine, int code) {
    double[][] m = new double[3][3];
    double[] zooms = new double[3];
    for (int j = 0; j < 3; j++) {
      double s = 0;
      for (int i = 0; i < 3; i++) {
        s += affine[i][j] * affine[i][j];
      }
      zooms[j] = Math.sqrt(s);
      for (int i = 0; i < 3; i++) {
        m[i][j] = zooms[j] == 0 ? (i == j ? 1 : 0) : affine[i][j] / zooms[j];
      }
    }
    double det = m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
        - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
    double qfac = 1;
    if (det < 0) {
      qfac = -1;
      for (int i = 0; i < 3; i++) {
        m[i][2] = -m[i][2];
      }
    }
    // Rotation matrix to quaternion (nifti_mat44_to_quatern), choosing a >= 0.
    double a = m[0][0] + m[1][1] + m[2][2] + 1;
    double b;
    double c;
    double d;
    if (a > 0.5) {
      a = 0.5 * Math.sqrt(a);
      b = 0.25 * (m[2][1] - m[1][2]) / a;
      c = 0.25 * (m[0][2] - m[2][0]) / a;
      d = 0.25 * (m[1][0] - m[0][1]) / a;
    } else {
      double xd = 1 + m[0][0] - (m[1][1] + m[2][2]);
      double yd = 1 + m[1][1] - (m[0][0] + m[2][2]);
      double zd = 1 + m[2][2] - (m[0][0] + m[1][1]);
      if (xd > 1) {
        b = 0.5 * Math.sqrt(xd);
        c = 0.25 * (m[0][1] + m[1][0]) / b;
        d = 0.25 * (m[0][2] + m[2][0]) / b;
        a = 0.25 * (m[2][1] - m[1][2]) / b;
      } else if (yd > 1) {
        c = 0.5 * Math.sqrt(yd);
        b = 0.25 * (m[0][1] + m[1][0]) / c;
        d = 0.25 * (m[1][2] + m[2][1]) / c;
        a = 0.25 * (m[0][2] - m[2][0]) / c;
      } else {
        d = 0.5 * Math.sqrt(zd);
        b = 0.25 * (m[0][2] + m[2][0]) / d;
        c = 0.25 * (m[1][2] + m[2][1]) / d;
        a = 0.25 * (m[1][0] - m[0][1]) / d;
      }
      if (a < 0) {
        b = -b;
        c = -c;
        d = -d;
      }
    }
    quaternB = b;
    quaternC = c;
    quaternD = d;
    qoffsetX = affine[0][3];
    qoffsetY = affine[1][3];
    qoffsetZ = affine[2][3];
    pixdim[0] = qfac;
    pixdim[1] = zooms[0];
    pixdim[2] = zooms[1];
    pixdim[3] = zooms[2];
    qformCode = code;
    return this;
  }

  // ---------------------------------------------------------------- decoding

  /**
   * Decodes a header from the first bytes of a file.
   *
   * @param bytes at least 348 bytes (NIfTI-1) or 540 bytes (NIfTI-2)
   * @param pairFile true for the {@code .hdr} of an {@code .hdr/.img} pair (magic {@code ni1}/{@code ni2})
   * @throws NiftiFormatException naming the first problem found
   */
  public static NiftiHeader decode(byte[] bytes, int length, boolean pairFile) {
    if (length < 4) {
      throw new NiftiFormatException("file too short for a NIfTI header: " + length + " bytes");
    }
    ByteBuffer bb = ByteBuffer.wrap(bytes, 0, length);
    int le = bb.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    int be = bb.order(ByteOrder.BIG_ENDIAN).getInt(0);
    NiftiHeader h = new NiftiHeader();
    if (le == NIFTI1_SIZE || be == NIFTI1_SIZE) {
      h.version = 1;
      h.byteOrder = le == NIFTI1_SIZE ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    } else if (le == NIFTI2_SIZE || be == NIFTI2_SIZE) {
      h.version = 2;
      h.byteOrder = le == NIFTI2_SIZE ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    } else {
      throw new NiftiFormatException("not a NIfTI file: sizeof_hdr is " + le
          + " (expected 348 for NIfTI-1 or 540 for NIfTI-2)");
    }
    if (length < h.headerSize()) {
      throw new NiftiFormatException("truncated header: " + length + " bytes, NIfTI-" + h.version
          + " needs " + h.headerSize());
    }
    bb.order(h.byteOrder);
    h.pair = pairFile;
    if (h.version == 1) {
      h.decode1(bb);
    } else {
      h.decode2(bb);
    }
    h.validateAndRepair();
    return h;
  }

  private void decode1(ByteBuffer b) {
    String magic = ascii(b, 344, 4);
    String expected = pair ? "ni1" : "n+1";
    if (!magic.equals(expected)) {
      throw new NiftiFormatException("bad magic '" + printable(b, 344, 4) + "' (expected '"
          + expected + "' for a NIfTI-1 " + (pair ? ".hdr/.img pair" : "single file")
          + (magic.isEmpty() ? "; Analyze 7.5 files are not supported" : "") + ")");
    }
    dataTypeString = ascii(b, 4, 10);
    dbName = ascii(b, 14, 18);
    dimInfo = b.get(39) & 0xff;
    for (int i = 0; i < 8; i++) {
      dim[i] = b.getShort(40 + 2 * i);
    }
    intentP1 = b.getFloat(56);
    intentP2 = b.getFloat(60);
    intentP3 = b.getFloat(64);
    intentCode = b.getShort(68);
    int dt = b.getShort(70);
    sliceStart = b.getShort(74);
    for (int i = 0; i < 8; i++) {
      pixdim[i] = b.getFloat(76 + 4 * i);
    }
    double off = b.getFloat(108);
    if (!(off >= 0) || off != Math.floor(off) || off > Integer.MAX_VALUE) {
      throw new NiftiFormatException("bad vox_offset " + off + " (must be a non-negative integer)");
    }
    voxOffset = (long) off;
    sclSlope = b.getFloat(112);
    sclInter = b.getFloat(116);
    sliceEnd = b.getShort(120);
    sliceCode = b.get(122) & 0xff;
    xyztUnits = b.get(123) & 0xff;
    calMax = b.getFloat(124);
    calMin = b.getFloat(128);
    sliceDuration = b.getFloat(132);
    toffset = b.getFloat(136);
    descrip = ascii(b, 148, 80);
    auxFile = ascii(b, 228, 24);
    qformCode = b.getShort(252);
    sformCode = b.getShort(254);
    quaternB = b.getFloat(256);
    quaternC = b.getFloat(260);
    quaternD = b.getFloat(264);
    qoffsetX = b.getFloat(268);
    qoffsetY = b.getFloat(272);
    qoffsetZ = b.getFloat(276);
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        srow[r][c] = b.getFloat(280 + 16 * r + 4 * c);
      }
    }
    intentName = ascii(b, 328, 16);
    datatype = NiftiDatatype.fromCode(dt);
  }

  private void decode2(ByteBuffer b) {
    String magic = ascii(b, 4, 3);
    String expected = pair ? "ni2" : "n+2";
    byte[] tail = new byte[5];
    b.get(7, tail);
    if (!magic.equals(expected) || !Arrays.equals(tail, new byte[] {0, '\r', '\n', 0x1a, '\n'})) {
      throw new NiftiFormatException("bad magic '" + printable(b, 4, 8) + "' (expected '"
          + expected + "\\0\\r\\n\\032\\n' for a NIfTI-2 " + (pair ? ".hdr/.img pair" : "single file")
          + ")");
    }
    int dt = b.getShort(12);
    for (int i = 0; i < 8; i++) {
      dim[i] = b.getLong(16 + 8 * i);
    }
    intentP1 = b.getDouble(80);
    intentP2 = b.getDouble(88);
    intentP3 = b.getDouble(96);
    for (int i = 0; i < 8; i++) {
      pixdim[i] = b.getDouble(104 + 8 * i);
    }
    voxOffset = b.getLong(168);
    if (voxOffset < 0) {
      throw new NiftiFormatException("bad vox_offset " + voxOffset + " (must be non-negative)");
    }
    sclSlope = b.getDouble(176);
    sclInter = b.getDouble(184);
    calMax = b.getDouble(192);
    calMin = b.getDouble(200);
    sliceDuration = b.getDouble(208);
    toffset = b.getDouble(216);
    sliceStart = b.getLong(224);
    sliceEnd = b.getLong(232);
    descrip = ascii(b, 240, 80);
    auxFile = ascii(b, 320, 24);
    qformCode = b.getInt(344);
    sformCode = b.getInt(348);
    quaternB = b.getDouble(352);
    quaternC = b.getDouble(360);
    quaternD = b.getDouble(368);
    qoffsetX = b.getDouble(376);
    qoffsetY = b.getDouble(384);
    qoffsetZ = b.getDouble(392);
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        srow[r][c] = b.getDouble(400 + 32 * r + 8 * c);
      }
    }
    sliceCode = b.getInt(496);
    xyztUnits = b.getInt(500);
    intentCode = b.getInt(504);
    intentName = ascii(b, 508, 16);
    dimInfo = b.get(524) & 0xff;
    datatype = NiftiDatatype.fromCode(dt);
  }

  /** Checks dimensions and repairs what nibabel repairs on load. */
  private void validateAndRepair() {
    if (dim[0] < 1 || dim[0] > 7) {
      throw new NiftiFormatException("bad dim[0] = " + dim[0] + " (the number of dimensions must be 1 to 7)");
    }
    long total = 1;
    for (int i = 1; i <= dim[0]; i++) {
      if (dim[i] < 1) {
        throw new NiftiFormatException("bad dim[" + i + "] = " + dim[i] + " (every dimension must be at least 1)");
      }
      try {
        total = Math.multiplyExact(total, dim[i]);
        Math.multiplyExact(total, (long) datatype.bytesPerVoxel());
      } catch (ArithmeticException e) {
        throw new NiftiFormatException("dimensions " + Arrays.toString(shape())
            + " overflow: the image would hold more than 2^63 bytes");
      }
    }
    for (int i = 1; i <= 3; i++) {
      if (pixdim[i] == 0) {
        pixdim[i] = 1;
      } else if (pixdim[i] < 0) {
        pixdim[i] = -pixdim[i];
      }
    }
    if (pixdim[0] != 1 && pixdim[0] != -1) {
      pixdim[0] = 1;
    }
    if (qformCode < 0 || qformCode > 5) {
      qformCode = 0;
    }
    if (sformCode < 0 || sformCode > 5) {
      sformCode = 0;
    }
    if (hasScaling() && !Double.isFinite(sclInter)) {
      throw new NiftiFormatException("scl_slope is " + sclSlope + " but scl_inter is " + sclInter
          + " (must be finite when scaling is on)");
    }
    if (sformCode == 0 && qformCode > 0) {
      qformAffine(); // refuses an impossible quaternion now rather than when the affine is needed
    }
    int minOffset = pair ? 0 : headerSize() + 4;
    if (voxOffset < minOffset) {
      voxOffset = minOffset;
    }
  }

  // ---------------------------------------------------------------- encoding

  /**
   * Encodes the header (348 or 540 bytes, in {@link #byteOrder()}); {@code vox_offset} is written
   * as set. The 4-byte extension flag that follows in a file is not included.
   */
  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(headerSize()).order(byteOrder);
    if (version == 1) {
      encode1(b);
    } else {
      encode2(b);
    }
    return b.array();
  }

  private void encode1(ByteBuffer b) {
    b.putInt(0, NIFTI1_SIZE);
    putAscii(b, 4, 10, dataTypeString);
    putAscii(b, 14, 18, dbName);
    b.put(38, (byte) 'r');
    b.put(39, (byte) dimInfo);
    for (int i = 0; i < 8; i++) {
      b.putShort(40 + 2 * i, (short) checkShort(dim[i], "dim"));
    }
    b.putFloat(56, (float) intentP1);
    b.putFloat(60, (float) intentP2);
    b.putFloat(64, (float) intentP3);
    b.putShort(68, (short) intentCode);
    b.putShort(70, (short) datatype.code());
    b.putShort(72, (short) (datatype.bytesPerVoxel() * 8));
    b.putShort(74, (short) sliceStart);
    for (int i = 0; i < 8; i++) {
      b.putFloat(76 + 4 * i, (float) pixdim[i]);
    }
    b.putFloat(108, voxOffset);
    b.putFloat(112, (float) sclSlope);
    b.putFloat(116, (float) sclInter);
    b.putShort(120, (short) sliceEnd);
    b.put(122, (byte) sliceCode);
    b.put(123, (byte) xyztUnits);
    b.putFloat(124, (float) calMax);
    b.putFloat(128, (float) calMin);
    b.putFloat(132, (float) sliceDuration);
    b.putFloat(136, (float) toffset);
    putAscii(b, 148, 80, descrip);
    putAscii(b, 228, 24, auxFile);
    b.putShort(252, (short) qformCode);
    b.putShort(254, (short) sformCode);
    b.putFloat(256, (float) quaternB);
    b.putFloat(260, (float) quaternC);
    b.putFloat(264, (float) quaternD);
    b.putFloat(268, (float) qoffsetX);
    b.putFloat(272, (float) qoffsetY);
    b.putFloat(276, (float) qoffsetZ);
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        b.putFloat(280 + 16 * r + 4 * c, (float) srow[r][c]);
      }
    }
    putAscii(b, 328, 16, intentName);
    putAscii(b, 344, 4, pair ? "ni1" : "n+1");
  }

  private void encode2(ByteBuffer b) {
    b.putInt(0, NIFTI2_SIZE);
    byte[] magic = {(byte) 'n', (byte) (pair ? 'i' : '+'), '2', 0, '\r', '\n', 0x1a, '\n'};
    b.put(4, magic);
    b.putShort(12, (short) datatype.code());
    b.putShort(14, (short) (datatype.bytesPerVoxel() * 8));
    for (int i = 0; i < 8; i++) {
      b.putLong(16 + 8 * i, dim[i]);
    }
    b.putDouble(80, intentP1);
    b.putDouble(88, intentP2);
    b.putDouble(96, intentP3);
    for (int i = 0; i < 8; i++) {
      b.putDouble(104 + 8 * i, pixdim[i]);
    }
    b.putLong(168, voxOffset);
    b.putDouble(176, sclSlope);
    b.putDouble(184, sclInter);
    b.putDouble(192, calMax);
    b.putDouble(200, calMin);
    b.putDouble(208, sliceDuration);
    b.putDouble(216, toffset);
    b.putLong(224, sliceStart);
    b.putLong(232, sliceEnd);
    putAscii(b, 240, 80, descrip);
    putAscii(b, 320, 24, auxFile);
    b.putInt(344, qformCode);
    b.putInt(348, sformCode);
    b.putDouble(352, quaternB);
    b.putDouble(360, quaternC);
    b.putDouble(368, quaternD);
    b.putDouble(376, qoffsetX);
    b.putDouble(384, qoffsetY);
    b.putDouble(392, qoffsetZ);
    for (int r = 0; r < 3; r++) {
      for (int c = 0; c < 4; c++) {
        b.putDouble(400 + 32 * r + 8 * c, srow[r][c]);
      }
    }
    b.putInt(496, sliceCode);
    b.putInt(500, xyztUnits);
    b.putInt(504, intentCode);
    putAscii(b, 508, 16, intentName);
    b.put(524, (byte) dimInfo);
  }

  private static long checkShort(long v, String field) {
    if (v < Short.MIN_VALUE || v > Short.MAX_VALUE) {
      throw new IllegalArgumentException(field + " value " + v + " does not fit NIfTI-1; write NIfTI-2");
    }
    return v;
  }

  private static String ascii(ByteBuffer b, int off, int len) {
    int end = off;
    while (end < off + len && b.get(end) != 0) {
      end++;
    }
    byte[] s = new byte[end - off];
    b.get(off, s);
    return new String(s, StandardCharsets.ISO_8859_1);
  }

  private static String printable(ByteBuffer b, int off, int len) {
    StringBuilder sb = new StringBuilder();
    for (int i = off; i < off + len; i++) {
      int c = b.get(i) & 0xff;
      if (c >= 32 && c < 127) {
        sb.append((char) c);
      } else {
        sb.append(String.format("\\x%02x", c));
      }
    }
    return sb.toString();
  }

  private static void putAscii(ByteBuffer b, int off, int len, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < len; i++) {
      b.put(off + i, i < bytes.length && i < len - 1 ? bytes[i] : 0);
    }
  }

  // ---------------------------------------------------------------- accessors

  /** NIfTI version: 1 or 2. */
  public int version() {
    return version;
  }

  public NiftiHeader setVersion(int version) {
    if (version != 1 && version != 2) {
      throw new IllegalArgumentException("NIfTI version must be 1 or 2, not " + version);
    }
    this.version = version;
    return this;
  }

  public ByteOrder byteOrder() {
    return byteOrder;
  }

  public NiftiHeader setByteOrder(ByteOrder order) {
    this.byteOrder = order;
    return this;
  }

  /** True for the header of an {@code .hdr/.img} pair. */
  public boolean isPair() {
    return pair;
  }

  public NiftiHeader setPair(boolean pair) {
    this.pair = pair;
    return this;
  }

  /** A copy of {@code dim[0..7]}. */
  public long[] dim() {
    return dim.clone();
  }

  /** Sets {@code dim[0] = shape.length} and {@code dim[1..]}; unused dimensions become 1. */
  public NiftiHeader setShape(long... shape) {
    if (shape.length < 1 || shape.length > 7) {
      throw new IllegalArgumentException("a NIfTI image has 1 to 7 dimensions, not " + shape.length);
    }
    Arrays.fill(dim, 1);
    dim[0] = shape.length;
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] < 1) {
        throw new IllegalArgumentException("dimension " + i + " is " + shape[i] + "; must be at least 1");
      }
      dim[i + 1] = shape[i];
    }
    return this;
  }

  /** A copy of {@code pixdim[0..7]} ({@code pixdim[0]} is qfac). */
  public double[] pixdim() {
    return pixdim.clone();
  }

  public NiftiHeader setPixdim(int index, double value) {
    pixdim[index] = value;
    return this;
  }

  public NiftiDatatype datatype() {
    return datatype;
  }

  public NiftiHeader setDatatype(NiftiDatatype datatype) {
    this.datatype = datatype;
    return this;
  }

  /** Byte offset of the voxel data in the data file. */
  public long voxOffset() {
    return voxOffset;
  }

  public NiftiHeader setVoxOffset(long voxOffset) {
    this.voxOffset = voxOffset;
    return this;
  }

  public double sclSlope() {
    return sclSlope;
  }

  public double sclInter() {
    return sclInter;
  }

  public NiftiHeader setScaling(double slope, double inter) {
    this.sclSlope = slope;
    this.sclInter = inter;
    return this;
  }

  /** {@code xyzt_units}: spatial unit in bits 0-2 (2 = mm), temporal in bits 3-5 (8 = s, 16 = ms, 24 = µs). */
  public int xyztUnits() {
    return xyztUnits;
  }

  public NiftiHeader setXyztUnits(int units) {
    this.xyztUnits = units;
    return this;
  }

  public int qformCode() {
    return qformCode;
  }

  public int sformCode() {
    return sformCode;
  }

  public NiftiHeader setQformCode(int code) {
    this.qformCode = code;
    return this;
  }

  public NiftiHeader setSformCode(int code) {
    this.sformCode = code;
    return this;
  }

  /** The quaternion parameters (b, c, d) of the qform. */
  public double[] quaternion() {
    return new double[] {quaternB, quaternC, quaternD};
  }

  public NiftiHeader setQuaternion(double b, double c, double d) {
    this.quaternB = b;
    this.quaternC = c;
    this.quaternD = d;
    return this;
  }

  /** The qform offsets (x, y, z) in mm. */
  public double[] qoffset() {
    return new double[] {qoffsetX, qoffsetY, qoffsetZ};
  }

  public NiftiHeader setQoffset(double x, double y, double z) {
    this.qoffsetX = x;
    this.qoffsetY = y;
    this.qoffsetZ = z;
    return this;
  }

  /** Sets the sform rows only (not the qform), from the first three rows of a 4×4 affine. */
  public NiftiHeader setSrows(double[][] affine) {
    for (int r = 0; r < 3; r++) {
      srow[r] = Arrays.copyOf(affine[r], 4);
    }
    return this;
  }

  public String descrip() {
    return descrip;
  }

  public NiftiHeader setDescrip(String s) {
    this.descrip = s;
    return this;
  }

  public String auxFile() {
    return auxFile;
  }

  public NiftiHeader setAuxFile(String s) {
    this.auxFile = s;
    return this;
  }

  public String intentName() {
    return intentName;
  }

  public NiftiHeader setIntentName(String s) {
    this.intentName = s;
    return this;
  }

  public int intentCode() {
    return intentCode;
  }

  /** The NIfTI-1 {@code db_name} field (unused by the standard; may carry identifying text). */
  public String dbName() {
    return dbName;
  }

  public NiftiHeader setDbName(String s) {
    this.dbName = s;
    return this;
  }

  /** The NIfTI-1 {@code data_type} text field (unused by the standard). */
  public String dataTypeString() {
    return dataTypeString;
  }

  public NiftiHeader setDataTypeString(String s) {
    this.dataTypeString = s;
    return this;
  }

  public double calMin() {
    return calMin;
  }

  public double calMax() {
    return calMax;
  }

  public double toffset() {
    return toffset;
  }

  public int dimInfo() {
    return dimInfo;
  }

  public int sliceCode() {
    return sliceCode;
  }

  public double sliceDuration() {
    return sliceDuration;
  }

  /** A deep copy. */
  public NiftiHeader copy() {
    NiftiHeader h = new NiftiHeader();
    h.version = version;
    h.byteOrder = byteOrder;
    h.pair = pair;
    System.arraycopy(dim, 0, h.dim, 0, 8);
    System.arraycopy(pixdim, 0, h.pixdim, 0, 8);
    h.datatype = datatype;
    h.voxOffset = voxOffset;
    h.sclSlope = sclSlope;
    h.sclInter = sclInter;
    h.xyztUnits = xyztUnits;
    h.qformCode = qformCode;
    h.sformCode = sformCode;
    h.quaternB = quaternB;
    h.quaternC = quaternC;
    h.quaternD = quaternD;
    h.qoffsetX = qoffsetX;
    h.qoffsetY = qoffsetY;
    h.qoffsetZ = qoffsetZ;
    for (int r = 0; r < 3; r++) {
      h.srow[r] = srow[r].clone();
    }
    h.dimInfo = dimInfo;
    h.intentP1 = intentP1;
    h.intentP2 = intentP2;
    h.intentP3 = intentP3;
    h.intentCode = intentCode;
    h.intentName = intentName;
    h.sliceStart = sliceStart;
    h.sliceEnd = sliceEnd;
    h.sliceCode = sliceCode;
    h.sliceDuration = sliceDuration;
    h.calMin = calMin;
    h.calMax = calMax;
    h.toffset = toffset;
    h.descrip = descrip;
    h.auxFile = auxFile;
    h.dataTypeString = dataTypeString;
    h.dbName = dbName;
    return h;
  }
}
