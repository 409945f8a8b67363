package io.voxelflow.loadtests.inflate;

import java.util.zip.ZipException;

/**
 * Benchmark-only ceiling: whole-buffer gunzip through libdeflate ({@code
 * loadtests/native/libdeflate_gunzip_shim.c}). libdeflate has no streaming API, so the whole
 * compressed file and the whole output must fit in memory (and in one Java array, < 2 GiB): not
 * usable for a reader of large {@code .nii.gz} files, only to show how fast inflate can go here.
 *
 * <p>Loads {@code libvoxelflow_libdeflate.so} from the path in {@value #LIB_PROPERTY} or from
 * {@code java.library.path}.
 */
public final class LibdeflateGunzip {
  public static final String LIB_PROPERTY = "voxelflow.libdeflate.lib";
  private static final Throwable LOAD_FAILURE = load();

  private LibdeflateGunzip() {}

  public static boolean isAvailable() {
    return LOAD_FAILURE == null;
  }

  public static Throwable loadFailure() {
    return LOAD_FAILURE;
  }

  /**
   * Inflates all gzip members in {@code in[0, inLen)} into {@code out}; returns the output length.
   *
   * @throws ZipException on corrupt data or if {@code out} is too small
   */
  public static long gunzip(byte[] in, int inLen, byte[] out) throws ZipException {
    if (inLen < 0 || inLen > in.length) {
      throw new IndexOutOfBoundsException("inLen " + inLen);
    }
    return nGunzip(in, inLen, out);
  }

  private static Throwable load() {
    try {
      String path = System.getProperty(LIB_PROPERTY);
      if (path != null && !path.isEmpty()) {
        System.load(path);
      } else {
        System.loadLibrary("voxelflow_libdeflate");
      }
      return null;
    } catch (UnsatisfiedLinkError | SecurityException e) {
      return e;
    }
  }

  private static native long nGunzip(byte[] in, int inLen, byte[] out) throws ZipException;
}
