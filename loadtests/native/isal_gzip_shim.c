/*
 * JNI shim: streaming gzip inflate through ISA-L's igzip (isal_inflate).
 *
 * Java side: io.voxelflow.loadtests.inflate.IsalGzipInputStream. That class owns the
 * input buffer, reads the underlying stream, and decides when a new gzip member starts;
 * this file only keeps one `struct inflate_state` per stream and runs isal_inflate over
 * (input slice, output slice) pairs handed in as Java byte[] regions.
 *
 * Format handling is ISA-L's: with crc_flag = ISAL_GZIP, isal_inflate parses the gzip
 * header (FEXTRA/FNAME/FCOMMENT/FHCRC are skipped; a bad FHCRC is an error), inflates the
 * deflate body, then reads the 8-byte trailer and compares it with CRC-32 of the output
 * and total_out (mod 2^32), returning ISAL_INCORRECT_CHECKSUM on a mismatch. When a
 * member finishes, any input bytes it had buffered ahead are handed back (next_in /
 * avail_in are rewound), so the bytes after the trailer are exactly where the next
 * member begins. Concatenated members are handled by calling nReset() and going on.
 *
 * Build: see build-isal-shim.sh (needs libisal-dev and a JDK; links against libisal.so.2).
 */
#include <jni.h>
#include <isa-l/igzip_lib.h>
#include <stdint.h>
#include <stdlib.h>

/* Result packing for nInflate, see IsalGzipInputStream#nInflate:
 * bits 0..30 bytes produced, bits 31..61 bytes consumed, bit 62 member finished. */
#define PACK(consumed, produced, finished)                                         \
  ((jlong)(produced) | ((jlong)(consumed) << 31) | ((jlong)((finished) ? 1 : 0) << 62))

static void throw_zip(JNIEnv *env, const char *msg) {
  jclass c = (*env)->FindClass(env, "java/util/zip/ZipException");
  if (c != NULL) { /* otherwise FindClass already left a NoClassDefFoundError pending */
    (*env)->ThrowNew(env, c, msg);
  }
}

static const char *isal_error_text(int rc) {
  switch (rc) {
    case ISAL_INVALID_BLOCK:      return "invalid deflate block";
    case ISAL_INVALID_SYMBOL:     return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK:   return "invalid deflate back-reference distance";
    case ISAL_INVALID_WRAPPER:    return "not in gzip format (bad header)";
    case ISAL_UNSUPPORTED_METHOD: return "unsupported gzip compression method";
    case ISAL_INCORRECT_CHECKSUM: return "corrupt gzip trailer (CRC-32 or ISIZE mismatch)";
    case ISAL_NEED_DICT:          return "preset dictionary required";
    default:                      return "isal_inflate failed";
  }
}

/* Allocates and initialises one decoder; returns 0 on out-of-memory (Java throws). */
JNIEXPORT jlong JNICALL Java_io_voxelflow_loadtests_inflate_IsalGzipInputStream_nInit(
    JNIEnv *env, jclass cls) {
  (void)env;
  (void)cls;
  /* ~ 100 KiB, mostly the 2x32 KiB history window and Huffman tables. */
  struct inflate_state *s = malloc(sizeof *s);
  if (s == NULL) {
    return 0;
  }
  isal_inflate_init(s);
  s->crc_flag = ISAL_GZIP; /* parse gzip header, verify CRC-32 + ISIZE trailer */
  s->hist_bits = 0;        /* 0 = full 32 KiB window */
  return (jlong)(intptr_t)s;
}

/* Prepares the decoder for the next gzip member. isal_inflate_reset keeps crc_flag. */
JNIEXPORT void JNICALL Java_io_voxelflow_loadtests_inflate_IsalGzipInputStream_nReset(
    JNIEnv *env, jclass cls, jlong handle) {
  (void)env;
  (void)cls;
  isal_inflate_reset((struct inflate_state *)(intptr_t)handle);
}

JNIEXPORT void JNICALL Java_io_voxelflow_loadtests_inflate_IsalGzipInputStream_nFree(
    JNIEnv *env, jclass cls, jlong handle) {
  (void)env;
  (void)cls;
  free((void *)(intptr_t)handle);
}

/*
 * Inflates from in[inOff, inOff+inLen) into out[outOff, outOff+outLen).
 * Returns PACK(consumed, produced, finished); throws ZipException on corrupt data.
 * The Java caller has already checked the offsets and lengths against the arrays.
 *
 * Both arrays are pinned with GetPrimitiveArrayCritical (no copies), the same way the
 * JDK's own Inflater does it; one call is bounded by outLen (≤ the caller's buffer, 1 MiB
 * in practice), so the critical section stays in the sub-millisecond range. No other JNI
 * function is called while the arrays are held; the exception is thrown after release.
 */
JNIEXPORT jlong JNICALL Java_io_voxelflow_loadtests_inflate_IsalGzipInputStream_nInflate(
    JNIEnv *env, jclass cls, jlong handle, jbyteArray in, jint inOff, jint inLen,
    jbyteArray out, jint outOff, jint outLen) {
  (void)cls;
  struct inflate_state *s = (struct inflate_state *)(intptr_t)handle;

  uint8_t *inBase = (*env)->GetPrimitiveArrayCritical(env, in, NULL);
  if (inBase == NULL) {
    return 0; /* OutOfMemoryError pending */
  }
  uint8_t *outBase = (*env)->GetPrimitiveArrayCritical(env, out, NULL);
  if (outBase == NULL) {
    (*env)->ReleasePrimitiveArrayCritical(env, in, inBase, JNI_ABORT);
    return 0;
  }

  s->next_in = inBase + inOff;
  s->avail_in = (uint32_t)inLen;
  s->next_out = outBase + outOff;
  s->avail_out = (uint32_t)outLen;

  int rc = isal_inflate(s);

  uint32_t consumed = (uint32_t)inLen - s->avail_in;
  uint32_t produced = (uint32_t)outLen - s->avail_out;
  int finished = s->block_state == ISAL_BLOCK_FINISH;

  /* The input was only read: JNI_ABORT skips the copy-back if the VM had to copy. */
  (*env)->ReleasePrimitiveArrayCritical(env, out, outBase, 0);
  (*env)->ReleasePrimitiveArrayCritical(env, in, inBase, JNI_ABORT);
  s->next_in = NULL; /* the pointers are dead once the arrays are released */
  s->next_out = NULL;

  if (rc < 0) {
    throw_zip(env, isal_error_text(rc));
    return 0;
  }
  return PACK(consumed, produced, finished);
}
