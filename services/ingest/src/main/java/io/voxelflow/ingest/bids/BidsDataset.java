package io.voxelflow.ingest.bids;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link BidsLayout#scan} found in a BIDS dataset.
 *
 * @param root the dataset root that was scanned
 * @param description {@code dataset_description.json}; an empty object when it is missing or
 *     unreadable (which is then a problem)
 * @param participants the rows of {@code participants.tsv}, each keyed by the header's column names
 *     in column order (values as written, {@code n/a} included); empty when the file is absent
 * @param images the valid images, sorted by path. Images whose own name or place is wrong are left
 *     out (and reported); images affected only by a metadata problem are kept
 * @param problems everything wrong, sorted by path; empty for a valid dataset
 */
public record BidsDataset(
    Path root,
    JsonNode description,
    List<Map<String, String>> participants,
    List<BidsImage> images,
    List<Problem> problems) {

  public BidsDataset {
    Objects.requireNonNull(root, "root");
    Objects.requireNonNull(description, "description");
    participants = List.copyOf(participants);
    images = List.copyOf(images);
    problems = List.copyOf(problems);
  }

  /** Whether there are no problems. */
  public boolean isValid() {
    return problems.isEmpty();
  }
}
