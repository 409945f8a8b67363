/*
 * JNI shim, benchmark only: whole-buffer gunzip through libdeflate.
 *
 * Java side: io.voxelflow.loadtests.inflate.LibdeflateGunzip. libdeflate has no streaming
 * API: the whole compressed file must be in memory and the output buffer must be large
 * enough for the whole result. That rules it out for a reader that streams volumes out of
 * files larger than memory; it is measured only as a ceiling for what a fast inflater can
 * reach on this machine.
 *
 * libdeflate_gzip_decompress_ex decodes one member and reports how many input bytes it
 * used, so concatenated members are handled by looping. It verifies CRC-32 and ISIZE.
 */
#include <jni.h>
#include <libdeflate.h>
#include <stdint.h>

static void throw_zip(JNIEnv *env, const char *msg) {
  jclass c = (*env)->FindClass(env, "java/util/zip/ZipException");
  if (c != NULL) {
    (*env)->ThrowNew(env, c, msg);
  }
}

/* Returns the number of bytes written to out, or throws ZipException. */
JNIEXPORT jlong JNICALL Java_io_voxelflow_loadtests_inflate_LibdeflateGunzip_nGunzip(
    JNIEnv *env, jclass cls, jbyteArray in, jint inLen, jbyteArray out) {
  (void)cls;
  jsize outCap = (*env)->GetArrayLength(env, out);
  struct libdeflate_decompressor *d = libdeflate_alloc_decompressor();
  if (d == NULL) {
    throw_zip(env, "libdeflate_alloc_decompressor failed");
    return 0;
  }
  uint8_t *src = (*env)->GetPrimitiveArrayCritical(env, in, NULL);
  uint8_t *dst = src == NULL ? NULL : (*env)->GetPrimitiveArrayCritical(env, out, NULL);
  if (dst == NULL) {
    if (src != NULL) {
      (*env)->ReleasePrimitiveArrayCritical(env, in, src, JNI_ABORT);
    }
    libdeflate_free_decompressor(d);
    return 0;
  }

  size_t inPos = 0, outPos = 0;
  enum libdeflate_result r = LIBDEFLATE_SUCCESS;
  while (inPos < (size_t)inLen) {
    size_t usedIn = 0, produced = 0;
    r = libdeflate_gzip_decompress_ex(d, src + inPos, (size_t)inLen - inPos, dst + outPos,
                                      (size_t)outCap - outPos, &usedIn, &produced);
    if (r != LIBDEFLATE_SUCCESS) {
      break;
    }
    inPos += usedIn;
    outPos += produced;
  }

  (*env)->ReleasePrimitiveArrayCritical(env, out, dst, 0);
  (*env)->ReleasePrimitiveArrayCritical(env, in, src, JNI_ABORT);
  libdeflate_free_decompressor(d);

  switch (r) {
    case LIBDEFLATE_SUCCESS:
      return (jlong)outPos;
    case LIBDEFLATE_INSUFFICIENT_SPACE:
      throw_zip(env, "libdeflate: output buffer too small");
      return 0;
    default:
      throw_zip(env, "libdeflate: corrupt gzip data");
      return 0;
  }
}
