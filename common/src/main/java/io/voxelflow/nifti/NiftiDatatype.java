package io.voxelflow.nifti;

/**
 * The numeric NIfTI datatypes Voxelflow reads and writes, with the codes of the NIfTI-1/-2
 * standards ({@code nifti1.h}) and the names numpy (and nibabel) give them.
 *
 * <p>Complex, RGB and 128-bit types are not supported and are refused with a clear message.
 */
public enum NiftiDatatype {
  UINT8(2, 1, "uint8", false, false),
  INT16(4, 2, "int16", true, false),
  INT32(8, 4, "int32", true, false),
  FLOAT32(16, 4, "float32", true, true),
  FLOAT64(64, 8, "float64", true, true),
  INT8(256, 1, "int8", true, false),
  UINT16(512, 2, "uint16", false, false),
  UINT32(768, 4, "uint32", false, false),
  INT64(1024, 8, "int64", true, false),
  UINT64(1280, 8, "uint64", false, false);

  private final int code;
  private final int bytesPerVoxel;
  private final String numpyName;
  private final boolean signed;
  private final boolean floatingPoint;

  NiftiDatatype(int code, int bytesPerVoxel, String numpyName, boolean signed, boolean floatingPoint) {
    this.code = code;
    this.bytesPerVoxel = bytesPerVoxel;
    this.numpyName = numpyName;
    this.signed = signed;
    this.floatingPoint = floatingPoint;
  }

  /** The {@code datatype} code stored in the header. */
  public int code() {
    return code;
  }

  /** Bytes per voxel; {@code bitpix / 8}. */
  public int bytesPerVoxel() {
    return bytesPerVoxel;
  }

  /** numpy's name for the type, e.g. {@code int16}, {@code float32}. */
  public String numpyName() {
    return numpyName;
  }

  public boolean isSigned() {
    return signed;
  }

  public boolean isFloatingPoint() {
    return floatingPoint;
  }

  /** Smallest value the type holds, as a double (exact for every type but the 64-bit integers). */
  public double minValue() {
    return switch (this) {
      case UINT8, UINT16, UINT32, UINT64 -> 0;
      case INT8 -> Byte.MIN_VALUE;
      case INT16 -> Short.MIN_VALUE;
      case INT32 -> Integer.MIN_VALUE;
      case INT64 -> Long.MIN_VALUE;
      case FLOAT32 -> -Float.MAX_VALUE;
      case FLOAT64 -> -Double.MAX_VALUE;
    };
  }

  /** Largest value the type holds, as a double. */
  public double maxValue() {
    return switch (this) {
      case UINT8 -> 255;
      case UINT16 -> 65535;
      case UINT32 -> 4294967295.0;
      case UINT64 -> 18446744073709551615.0;
      case INT8 -> Byte.MAX_VALUE;
      case INT16 -> Short.MAX_VALUE;
      case INT32 -> Integer.MAX_VALUE;
      case INT64 -> Long.MAX_VALUE;
      case FLOAT32 -> Float.MAX_VALUE;
      case FLOAT64 -> Double.MAX_VALUE;
    };
  }

  /**
   * The datatype with this header code.
   *
   * @throws NiftiFormatException naming the code when it is unknown or unsupported
   */
  public static NiftiDatatype fromCode(int code) {
    for (NiftiDatatype t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    String known = switch (code) {
      case 0 -> "0 (DT_UNKNOWN)";
      case 1 -> "1 (binary)";
      case 32 -> "32 (complex64)";
      case 128 -> "128 (RGB24)";
      case 1536 -> "1536 (float128)";
      case 1792 -> "1792 (complex128)";
      case 2048 -> "2048 (complex256)";
      case 2304 -> "2304 (RGBA32)";
      default -> Integer.toString(code);
    };
    throw new NiftiFormatException("unsupported datatype " + known
        + "; supported: int8, uint8, int16, uint16, int32, uint32, int64, uint64, float32, float64");
  }

  /** The datatype numpy calls {@code name}, e.g. {@code float32}. */
  public static NiftiDatatype fromNumpyName(String name) {
    for (NiftiDatatype t : values()) {
      if (t.numpyName.equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown datatype name '" + name + "'");
  }
}
