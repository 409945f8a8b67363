package io.voxelflow.ingest.bids;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes small BIDS datasets for tests. Images are placeholders: the layout never reads them. */
final class BidsFixture {
  static final String DESCRIPTION = "{\"Name\": \"Fixture\", \"BIDSVersion\": \"1.9.0\"}";

  private BidsFixture() {}

  static Path write(Path root, String rel, String content) {
    Path p = root.resolve(rel);
    try {
      Files.createDirectories(p.getParent());
      Files.writeString(p, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  /** A placeholder image (or any file whose content does not matter). */
  static Path touch(Path root, String rel) {
    return write(root, rel, "placeholder");
  }

  /** The smallest valid dataset: a description and one image. */
  static Path minimal(Path root) {
    write(root, "dataset_description.json", DESCRIPTION);
    touch(root, "sub-01/anat/sub-01_T1w.nii.gz");
    return root;
  }

  /**
   * Two subjects; sub-02 has sessions. Sidecars at every level:
   *
   * <pre>
   * task-rest_bold.json                      RepetitionTime 2.0, TaskName rest, EchoTime 0.03
   * task-rest_acq-fast_bold.json             RepetitionTime 1.0, MultibandAccelerationFactor 4
   * sub-01/func/sub-01_task-rest_run-1_bold.json            RepetitionTime 1.5
   * sub-02/sub-02_task-rest_bold.json                       EchoTime 0.025
   * sub-02/ses-post/func/sub-02_ses-post_task-rest_acq-fast_bold.json  RepetitionTime 0.8
   * </pre>
   */
  static Path standard(Path root) {
    write(root, "dataset_description.json", DESCRIPTION);
    write(root, "README", "A fixture.\n");
    write(root, "CHANGES", "1.0.0 first\n");
    write(root, "participants.tsv", "participant_id\tage\tsex\nsub-01\t30\tF\nsub-02\t25\tM\n");
    write(root, "participants.json", "{\"age\": {\"Units\": \"year\"}}");
    write(root, "task-rest_bold.json", "{\"RepetitionTime\": 2.0, \"TaskName\": \"rest\", \"EchoTime\": 0.03}");
    write(root, "task-rest_acq-fast_bold.json", "{\"RepetitionTime\": 1.0, \"MultibandAccelerationFactor\": 4}");
    touch(root, "sub-01/anat/sub-01_T1w.nii.gz");
    touch(root, "sub-01/func/sub-01_task-rest_run-1_bold.nii.gz");
    write(root, "sub-01/func/sub-01_task-rest_run-1_bold.json", "{\"RepetitionTime\": 1.5}");
    touch(root, "sub-01/func/sub-01_task-rest_run-2_bold.nii.gz");
    write(root, "sub-01/func/sub-01_task-rest_run-1_events.tsv", "onset\tduration\n0\t1\n");
    write(root, "sub-01/sub-01_scans.tsv", "filename\nfunc/sub-01_task-rest_run-1_bold.nii.gz\n");
    write(root, "sub-02/sub-02_sessions.tsv", "session_id\nses-pre\nses-post\n");
    write(root, "sub-02/sub-02_task-rest_bold.json", "{\"EchoTime\": 0.025}");
    touch(root, "sub-02/ses-pre/anat/sub-02_ses-pre_T1w.nii");
    touch(root, "sub-02/ses-pre/func/sub-02_ses-pre_task-rest_bold.nii.gz");
    write(root, "sub-02/ses-pre/sub-02_ses-pre_scans.tsv", "filename\n");
    touch(root, "sub-02/ses-post/func/sub-02_ses-post_task-rest_acq-fast_bold.nii.gz");
    write(root, "sub-02/ses-post/func/sub-02_ses-post_task-rest_acq-fast_bold.json", "{\"RepetitionTime\": 0.8}");
    touch(root, "sub-02/ses-post/dwi/sub-02_ses-post_dwi.nii.gz");
    write(root, "sub-02/ses-post/dwi/sub-02_ses-post_dwi.bval", "0 1000\n");
    write(root, "sub-02/ses-post/dwi/sub-02_ses-post_dwi.bvec", "0 1\n0 0\n0 0\n");
    return root;
  }
}
