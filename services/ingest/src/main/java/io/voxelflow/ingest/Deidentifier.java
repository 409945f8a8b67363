package io.voxelflow.ingest;

import io.voxelflow.nifti.NiftiExtension;
import io.voxelflow.nifti.NiftiHeader;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.nifti.NiftiWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes the stored copy of an image: the same voxels, datatype, byte order and NIfTI version,
 * uncompressed ({@code .nii}, so volumes can be read by byte range), with what can identify a
 * person removed from the header:
 *
 * <ul>
 *   <li>the text fields {@code descrip}, {@code aux_file}, {@code intent_name}, {@code db_name} and
 *       {@code data_type} are emptied;
 *   <li>every header extension (AFNI, DICOM, comments, CIFTI, …) is dropped.
 * </ul>
 *
 * Reading every volume also validates the data (truncation, gzip CRC) before anything is stored.
 */
final class Deidentifier {
  /** Header text fields emptied on ingest. */
  static final List<String> CLEARED_FIELDS = List.of("descrip", "aux_file", "intent_name", "db_name", "data_type");

  private Deidentifier() {}

  /** What was removed. */
  record Report(List<String> clearedFields, int extensionsRemoved) {}

  /**
   * Writes the de-identified copy of {@code source} to {@code target} (a {@code .nii} path).
   */
  static Report deidentify(NiftiImage source, Path target, Runnable perVolume) {
    NiftiHeader h = source.header().copy();
    List<String> cleared = new ArrayList<>();
    if (!h.descrip().isEmpty()) {
      cleared.add("descrip");
    }
    if (!h.auxFile().isEmpty()) {
      cleared.add("aux_file");
    }
    if (!h.intentName().isEmpty()) {
      cleared.add("intent_name");
    }
    if (!h.dbName().isEmpty()) {
      cleared.add("db_name");
    }
    if (!h.dataTypeString().isEmpty()) {
      cleared.add("data_type");
    }
    h.setDescrip("").setAuxFile("").setIntentName("").setDbName("").setDataTypeString("");
    List<NiftiExtension> none = List.of();
    byte[] raw = new byte[source.bytesPerVolume()];
    try (NiftiWriter w = NiftiWriter.create(target, h, none, 0)) {
      source.seek(0);
      for (long t = 0; t < source.volumeCount(); t++) {
        source.readRawVolume(raw);
        w.writeRawVolume(raw);
        perVolume.run();
      }
    }
    return new Report(cleared, source.extensions().size());
  }
}
