package io.voxelflow.nifti;

/**
 * One NIfTI header extension: an {@code ecode} (e.g. 4 = AFNI, 6 = comment, 32 = CIFTI) and its
 * raw content, without the 8-byte {@code esize}/{@code ecode} prefix and as stored (padding
 * included).
 */
public record NiftiExtension(int code, byte[] content) {
  /** Bytes this extension occupies in a file: content plus the 8-byte prefix, padded to 16. */
  public int encodedSize() {
    int raw = content.length + 8;
    return (raw + 15) / 16 * 16;
  }
}
