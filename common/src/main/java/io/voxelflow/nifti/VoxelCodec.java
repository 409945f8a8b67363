package io.voxelflow.nifti;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Converts between stored NIfTI voxel bytes and scaled floating-point values.
 *
 * <p>Decoding applies {@code value = stored · slope + inter} in double precision (as nibabel's
 * {@code get_fdata}) and rounds once to float when the target is float. Encoding inverts the
 * scaling and, for integer types, rounds half to even ({@link Math#rint}) and clamps to the type's
 * range; NaN becomes 0 in integer types.
 */
final class VoxelCodec {
  private static final VarHandle SHORT_LE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle SHORT_BE = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_BE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG_BE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle FLOAT_LE = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle FLOAT_BE = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle DOUBLE_LE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle DOUBLE_BE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.BIG_ENDIAN);

  private VoxelCodec() {}

  /** The stored value of voxel {@code i} of {@code src} (from byte 0), unscaled, as a double. */
  static double stored(byte[] src, int i, NiftiDatatype t, boolean le) {
    int o = i * t.bytesPerVoxel();
    return switch (t) {
      case UINT8 -> src[o] & 0xff;
      case INT8 -> src[o];
      case INT16 -> (short) (le ? SHORT_LE : SHORT_BE).get(src, o);
      case UINT16 -> ((short) (le ? SHORT_LE : SHORT_BE).get(src, o)) & 0xffff;
      case INT32 -> (int) (le ? INT_LE : INT_BE).get(src, o);
      case UINT32 -> ((int) (le ? INT_LE : INT_BE).get(src, o)) & 0xffffffffL;
      case INT64 -> (double) (long) (le ? LONG_LE : LONG_BE).get(src, o);
      case UINT64 -> unsignedToDouble((long) (le ? LONG_LE : LONG_BE).get(src, o));
      case FLOAT32 -> (float) (le ? FLOAT_LE : FLOAT_BE).get(src, o);
      case FLOAT64 -> (double) (le ? DOUBLE_LE : DOUBLE_BE).get(src, o);
    };
  }

  static double unsignedToDouble(long v) {
    if (v >= 0) {
      return v;
    }
    return ((double) (v >>> 1)) * 2.0 + (v & 1);
  }

  /** Decodes {@code n} voxels of {@code src} into {@code dst[dstOff..]} as scaled floats. */
  static void decode(byte[] src, int n, NiftiDatatype t, ByteOrder order, double slope, double inter,
      float[] dst, int dstOff) {
    boolean le = order == ByteOrder.LITTLE_ENDIAN;
    boolean scaled = slope != 1.0 || inter != 0.0;
    if (t == NiftiDatatype.FLOAT32 && !scaled) {
      ByteBuffer.wrap(src, 0, n * 4).order(order).asFloatBuffer().get(dst, dstOff, n);
      return;
    }
    if (t == NiftiDatatype.INT16) {
      VarHandle h = le ? SHORT_LE : SHORT_BE;
      for (int i = 0; i < n; i++) {
        dst[dstOff + i] = (float) ((short) h.get(src, 2 * i) * slope + inter);
      }
      return;
    }
    for (int i = 0; i < n; i++) {
      dst[dstOff + i] = (float) (stored(src, i, t, le) * slope + inter);
    }
  }

  /** Decodes {@code n} voxels of {@code src} into {@code dst[dstOff..]} as scaled doubles. */
  static void decode(byte[] src, int n, NiftiDatatype t, ByteOrder order, double slope, double inter,
      double[] dst, int dstOff) {
    boolean le = order == ByteOrder.LITTLE_ENDIAN;
    for (int i = 0; i < n; i++) {
      dst[dstOff + i] = stored(src, i, t, le) * slope + inter;
    }
  }

  /** Encodes {@code n} values {@code src[srcOff..]} into stored bytes {@code dst[0..]}. */
  static void encode(double[] src, int srcOff, int n, NiftiDatatype t, ByteOrder order, double slope,
      double inter, byte[] dst) {
    boolean le = order == ByteOrder.LITTLE_ENDIAN;
    boolean scaled = slope != 1.0 || inter != 0.0;
    for (int i = 0; i < n; i++) {
      double v = src[srcOff + i];
      if (scaled) {
        v = (v - inter) / slope;
      }
      put(dst, i, t, le, v);
    }
  }

  /** Encodes {@code n} values {@code src[srcOff..]} into stored bytes {@code dst[0..]}. */
  static void encode(float[] src, int srcOff, int n, NiftiDatatype t, ByteOrder order, double slope,
      double inter, byte[] dst) {
    boolean scaled = slope != 1.0 || inter != 0.0;
    if (t == NiftiDatatype.FLOAT32 && !scaled) {
      ByteBuffer.wrap(dst, 0, n * 4).order(order).asFloatBuffer().put(src, srcOff, n);
      return;
    }
    boolean le = order == ByteOrder.LITTLE_ENDIAN;
    for (int i = 0; i < n; i++) {
      double v = src[srcOff + i];
      if (scaled) {
        v = (v - inter) / slope;
      }
      put(dst, i, t, le, v);
    }
  }

  private static void put(byte[] dst, int i, NiftiDatatype t, boolean le, double v) {
    int o = i * t.bytesPerVoxel();
    if (!t.isFloatingPoint()) {
      v = Double.isNaN(v) ? 0 : Math.rint(v);
      v = Math.max(t.minValue(), Math.min(t.maxValue(), v));
    }
    switch (t) {
      case UINT8, INT8 -> dst[o] = (byte) (long) v;
      case INT16, UINT16 -> (le ? SHORT_LE : SHORT_BE).set(dst, o, (short) (long) v);
      case INT32, UINT32 -> (le ? INT_LE : INT_BE).set(dst, o, (int) (long) v);
      case INT64 -> (le ? LONG_LE : LONG_BE).set(dst, o, (long) v);
      case UINT64 -> (le ? LONG_LE : LONG_BE).set(dst, o, doubleToUnsigned(v));
      case FLOAT32 -> (le ? FLOAT_LE : FLOAT_BE).set(dst, o, (float) v);
      case FLOAT64 -> (le ? DOUBLE_LE : DOUBLE_BE).set(dst, o, v);
    }
  }

  private static long doubleToUnsigned(double v) {
    if (v < 0x1p63) {
      return (long) v;
    }
    return ((long) (v / 2)) << 1;
  }
}
