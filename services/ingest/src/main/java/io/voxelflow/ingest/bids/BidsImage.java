package io.voxelflow.ingest.bids;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One NIfTI image of a BIDS dataset, with its metadata.
 *
 * @param path relative to the dataset root, {@code /} separators, e.g. {@code
 *     sub-01/ses-pre/func/sub-01_ses-pre_task-rest_bold.nii.gz}
 * @param subject the {@code sub} label ({@code 01})
 * @param session the {@code ses} label, or {@code null} when the subject has no session folders
 * @param datatype the datatype folder ({@code anat}, {@code func}, …)
 * @param suffix e.g. {@code bold}
 * @param extension {@code .nii} or {@code .nii.gz}
 * @param entities all entities of the file name, in file order (unmodifiable; iteration order is
 *     the file's)
 * @param sidecar the JSON metadata after inheritance: every applicable {@code *_<suffix>.json}
 *     merged from least to most specific. A fresh object per image (possibly empty), so it can be
 *     modified, e.g. by {@link SidecarDeidentifier}
 * @param sidecarFiles the sidecars merged into {@code sidecar}, relative paths, in merge order
 *     (least specific first)
 */
public record BidsImage(
    String path,
    String subject,
    String session,
    String datatype,
    String suffix,
    String extension,
    Map<String, String> entities,
    ObjectNode sidecar,
    List<String> sidecarFiles) {

  public BidsImage {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(datatype, "datatype");
    Objects.requireNonNull(suffix, "suffix");
    Objects.requireNonNull(extension, "extension");
    Objects.requireNonNull(sidecar, "sidecar");
    entities = Collections.unmodifiableMap(new LinkedHashMap<>(entities));
    sidecarFiles = List.copyOf(sidecarFiles);
  }

  /** The file name, the last part of {@link #path}. */
  public String fileName() {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /**
   * {@code RepetitionTime} from the merged sidecar, in seconds, when it is a positive finite number;
   * empty when absent or invalid (an invalid value is also reported by {@link BidsLayout#scan} as a
   * problem).
   */
  public Optional<Double> repetitionTime() {
    JsonNode v = sidecar.get("RepetitionTime");
    if (v != null && v.isNumber()) {
      double d = v.doubleValue();
      if (d > 0 && Double.isFinite(d)) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }
}
