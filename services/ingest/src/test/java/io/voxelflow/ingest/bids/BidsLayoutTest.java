package io.voxelflow.ingest.bids;

import static io.voxelflow.ingest.bids.BidsFixture.DESCRIPTION;
import static io.voxelflow.ingest.bids.BidsFixture.minimal;
import static io.voxelflow.ingest.bids.BidsFixture.standard;
import static io.voxelflow.ingest.bids.BidsFixture.touch;
import static io.voxelflow.ingest.bids.BidsFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.voxelflow.error.InvalidArgumentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BidsLayoutTest {

  @TempDir Path root;

  private static BidsImage image(BidsDataset ds, String path) {
    return ds.images().stream()
        .filter(i -> i.path().equals(path))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no image " + path + " in " + paths(ds)));
  }

  private static List<String> paths(BidsDataset ds) {
    return ds.images().stream().map(BidsImage::path).toList();
  }

  /** Asserts a problem at exactly {@code path} whose message contains {@code text}. */
  private static void assertProblem(BidsDataset ds, String path, String text) {
    boolean found = ds.problems().stream().anyMatch(p -> p.path().equals(path) && p.message().contains(text));
    assertTrue(found, "expected a problem at " + path + " containing '" + text + "', got " + ds.problems());
  }

  // ------------------------------------------------------------------ a valid dataset

  @Test
  void valid_dataset_has_no_problems_and_lists_every_image_sorted_by_path() {
    BidsDataset ds = BidsLayout.scanOrThrow(standard(root));
    assertEquals(List.of(), ds.problems());
    assertTrue(ds.isValid());
    assertEquals(
        List.of(
            "sub-01/anat/sub-01_T1w.nii.gz",
            "sub-01/func/sub-01_task-rest_run-1_bold.nii.gz",
            "sub-01/func/sub-01_task-rest_run-2_bold.nii.gz",
            "sub-02/ses-post/dwi/sub-02_ses-post_dwi.nii.gz",
            "sub-02/ses-post/func/sub-02_ses-post_task-rest_acq-fast_bold.nii.gz",
            "sub-02/ses-pre/anat/sub-02_ses-pre_T1w.nii",
            "sub-02/ses-pre/func/sub-02_ses-pre_task-rest_bold.nii.gz"),
        paths(ds));
    assertEquals("Fixture", ds.description().get("Name").asText());
  }

  @Test
  void image_carries_subject_session_datatype_suffix_extension_and_ordered_entities() {
    BidsDataset ds = BidsLayout.scan(standard(root));
    BidsImage withSession = image(ds, "sub-02/ses-post/func/sub-02_ses-post_task-rest_acq-fast_bold.nii.gz");
    assertEquals("02", withSession.subject());
    assertEquals("post", withSession.session());
    assertEquals("func", withSession.datatype());
    assertEquals("bold", withSession.suffix());
    assertEquals(".nii.gz", withSession.extension());
    assertEquals(List.of("sub", "ses", "task", "acq"), List.copyOf(withSession.entities().keySet()));
    assertEquals("fast", withSession.entities().get("acq"));

    BidsImage noSession = image(ds, "sub-01/anat/sub-01_T1w.nii.gz");
    assertNull(noSession.session());
    assertEquals("anat", noSession.datatype());
    assertEquals("T1w", noSession.suffix());
    assertEquals(".nii", image(ds, "sub-02/ses-pre/anat/sub-02_ses-pre_T1w.nii").extension());
  }

  @Test
  void top_level_sidecar_is_inherited_and_overridden_by_the_run_sidecar() {
    BidsDataset ds = BidsLayout.scan(standard(root));
    BidsImage run1 = image(ds, "sub-01/func/sub-01_task-rest_run-1_bold.nii.gz");
    assertEquals(1.5, run1.sidecar().get("RepetitionTime").asDouble());
    assertEquals("rest", run1.sidecar().get("TaskName").asText());
    assertEquals(0.03, run1.sidecar().get("EchoTime").asDouble());
    assertEquals(
        List.of("task-rest_bold.json", "sub-01/func/sub-01_task-rest_run-1_bold.json"), run1.sidecarFiles());

    BidsImage run2 = image(ds, "sub-01/func/sub-01_task-rest_run-2_bold.nii.gz");
    assertEquals(2.0, run2.sidecar().get("RepetitionTime").asDouble());
    assertEquals(List.of("task-rest_bold.json"), run2.sidecarFiles());
  }

  @Test
  void sidecars_merge_shallower_folder_first_and_fewer_entities_first_at_one_level() {
    BidsDataset ds = BidsLayout.scan(standard(root));
    BidsImage img = image(ds, "sub-02/ses-post/func/sub-02_ses-post_task-rest_acq-fast_bold.nii.gz");
    assertEquals(
        List.of(
            "task-rest_bold.json",
            "task-rest_acq-fast_bold.json",
            "sub-02/sub-02_task-rest_bold.json",
            "sub-02/ses-post/func/sub-02_ses-post_task-rest_acq-fast_bold.json"),
        img.sidecarFiles());
    assertEquals(0.8, img.sidecar().get("RepetitionTime").asDouble()); // own file beats root
    assertEquals(4, img.sidecar().get("MultibandAccelerationFactor").asInt()); // 2-entity root file
    assertEquals(0.025, img.sidecar().get("EchoTime").asDouble()); // subject level beats root
    assertEquals("rest", img.sidecar().get("TaskName").asText());
  }

  @Test
  void sidecar_with_another_suffix_or_an_entity_the_image_lacks_does_not_apply() {
    BidsDataset ds = BidsLayout.scan(standard(root));
    BidsImage other = image(ds, "sub-02/ses-pre/func/sub-02_ses-pre_task-rest_bold.nii.gz");
    assertFalse(other.sidecarFiles().contains("task-rest_acq-fast_bold.json"));
    assertEquals(List.of("task-rest_bold.json", "sub-02/sub-02_task-rest_bold.json"), other.sidecarFiles());
    BidsImage t1 = image(ds, "sub-01/anat/sub-01_T1w.nii.gz");
    assertEquals(List.of(), t1.sidecarFiles());
    assertEquals(0, t1.sidecar().size());
  }

  @Test
  void merged_sidecars_are_independent_copies() {
    BidsDataset ds = BidsLayout.scan(standard(root));
    image(ds, "sub-01/func/sub-01_task-rest_run-2_bold.nii.gz").sidecar().remove("TaskName");
    assertEquals("rest", image(ds, "sub-02/ses-pre/func/sub-02_ses-pre_task-rest_bold.nii.gz")
        .sidecar().get("TaskName").asText());
  }

  @Test
  void repetition_time_comes_from_the_merged_sidecar_and_is_empty_without_one() {
    BidsDataset ds = BidsLayout.scan(standard(root));
    assertEquals(Optional.of(1.5), image(ds, "sub-01/func/sub-01_task-rest_run-1_bold.nii.gz").repetitionTime());
    assertEquals(Optional.of(2.0), image(ds, "sub-01/func/sub-01_task-rest_run-2_bold.nii.gz").repetitionTime());
    assertEquals(Optional.empty(), image(ds, "sub-01/anat/sub-01_T1w.nii.gz").repetitionTime());
  }

  @Test
  void participants_rows_are_keyed_by_the_header_in_column_order() {
    BidsDataset ds = BidsLayout.scan(standard(root));
    assertEquals(2, ds.participants().size());
    Map<String, String> first = ds.participants().get(0);
    assertEquals(List.of("participant_id", "age", "sex"), List.copyOf(first.keySet()));
    assertEquals(Map.of("participant_id", "sub-02", "age", "25", "sex", "M"), ds.participants().get(1));
  }

  @Test
  void participants_file_is_optional() {
    BidsDataset ds = BidsLayout.scanOrThrow(minimal(root));
    assertEquals(List.of(), ds.participants());
  }

  @Test
  void derivatives_sourcedata_code_stimuli_and_dotfiles_are_ignored() {
    standard(root);
    touch(root, "derivatives/fmriprep/sub-01/func/whatever_desc-preproc.nii.gz");
    touch(root, "derivatives/not even bids.txt");
    touch(root, "sourcedata/sub-01/dicom/IM0001.dcm");
    touch(root, "code/convert.py");
    touch(root, "stimuli/movie.mp4");
    touch(root, ".git/config");
    touch(root, ".DS_Store");
    touch(root, "sub-01/func/.sub-01_task-rest_run-1_bold.nii.gz.swp");
    BidsDataset ds = BidsLayout.scan(root);
    assertEquals(List.of(), ds.problems());
    assertEquals(7, ds.images().size());
  }

  @Test
  void bidsignore_patterns_are_ignored() {
    standard(root);
    write(root, ".bidsignore", "# extra material\nextra_data/\n*.log\n/sub-01/anat/*_mask.nii.gz\n**/tmp\n");
    touch(root, "extra_data/anything.nii.gz");
    touch(root, "sub-01/func/notes.log");
    touch(root, "sub-01/anat/sub-01_mask.nii.gz");
    touch(root, "sub-02/ses-pre/tmp/x.nii");
    BidsDataset ds = BidsLayout.scan(root);
    assertEquals(List.of(), ds.problems());
    assertEquals(7, ds.images().size());
  }

  @Test
  void without_bidsignore_the_same_files_are_problems() {
    standard(root);
    touch(root, "extra_data/anything.nii.gz");
    touch(root, "sub-01/func/notes.log");
    BidsDataset ds = BidsLayout.scan(root);
    assertProblem(ds, "extra_data", "unexpected folder at the dataset root");
    assertProblem(ds, "sub-01/func/notes.log", "must start with sub-01");
  }

  // ------------------------------------------------------------------ problems

  @Test
  void missing_dataset_description_is_a_problem() throws IOException {
    minimal(root);
    Files.delete(root.resolve("dataset_description.json"));
    assertProblem(BidsLayout.scan(root), "dataset_description.json", "missing");
  }

  @Test
  void dataset_description_without_BIDSVersion_is_a_problem() {
    minimal(root);
    write(root, "dataset_description.json", "{\"Name\": \"x\"}");
    BidsDataset ds = BidsLayout.scan(root);
    assertProblem(ds, "dataset_description.json", "BIDSVersion is missing");
    assertEquals(1, ds.problems().size(), ds.problems().toString());
  }

  @Test
  void dataset_description_with_an_empty_name_is_a_problem() {
    minimal(root);
    write(root, "dataset_description.json", "{\"Name\": \" \", \"BIDSVersion\": \"1.9.0\"}");
    assertProblem(BidsLayout.scan(root), "dataset_description.json", "Name must be a non-empty string");
  }

  @Test
  void invalid_json_is_a_problem_with_its_location() {
    minimal(root);
    write(root, "sub-01/anat/sub-01_T1w.json", "{\"EchoTime\": 0.01,\n \"EchoTime\": 0.02}");
    write(root, "T1w.json", "{\"a\": 1,}");
    write(root, "sub-01/sub-01_T1w.json", "[1, 2]");
    BidsDataset ds = BidsLayout.scan(root);
    assertProblem(ds, "sub-01/anat/sub-01_T1w.json", "Duplicate field 'EchoTime'");
    assertProblem(ds, "T1w.json", "invalid JSON");
    assertProblem(ds, "T1w.json", "line 1");
    assertProblem(ds, "sub-01/sub-01_T1w.json", "must hold a JSON object");
  }

  @Test
  void image_outside_a_datatype_folder_is_a_problem() {
    minimal(root);
    touch(root, "sub-01/sub-01_T2w.nii.gz");
    touch(root, "sub-01_FLAIR.nii.gz");
    touch(root, "sub-01/anat/extra/sub-01_T1w.nii.gz");
    BidsDataset ds = BidsLayout.scan(root);
    assertProblem(ds, "sub-01/sub-01_T2w.nii.gz", "image outside a datatype folder");
    assertProblem(ds, "sub-01_FLAIR.nii.gz", "image at the dataset root");
    assertProblem(ds, "sub-01/anat/extra", "unexpected folder inside a datatype folder");
    assertEquals(List.of("sub-01/anat/sub-01_T1w.nii.gz"), paths(ds));
  }

  @Test
  void unexpected_top_level_folder_and_file_are_problems() {
    minimal(root);
    touch(root, "scans/sub-01_T1w.nii.gz");
    touch(root, "notes.docx");
    BidsDataset ds = BidsLayout.scan(root);
    assertProblem(ds, "scans", "unexpected folder at the dataset root");
    assertProblem(ds, "notes.docx", "unexpected file at the dataset root");
  }

  @Test
  void subject_entity_not_matching_its_folder_is_a_problem() {
    minimal(root);
    touch(root, "sub-01/anat/sub-02_T2w.nii.gz");
    touch(root, "sub-01/anat/T2w.nii.gz");
    BidsDataset ds = BidsLayout.scan(root);
    assertProblem(ds, "sub-01/anat/sub-02_T2w.nii.gz", "sub-02 in the name does not match its folder sub-01/");
    assertProblem(ds, "sub-01/anat/T2w.nii.gz", "must start with sub-01");
    assertEquals(List.of("sub-01/anat/sub-01_T1w.nii.gz"), paths(ds));
  }

  @Test
  void session_entity_not_matching_its_folder_is_a_problem() {
    minimal(root);
    touch(root, "sub-02/ses-pre/anat/sub-02_ses-post_T1w.nii.gz");
    touch(root, "sub-02/ses-pre/anat/sub-02_T2w.nii.gz");
    touch(root, "sub-01/anat/sub-01_ses-pre_T2w.nii.gz");
    write(root, "participants.tsv", "participant_id\nsub-01\nsub-02\n");
    BidsDataset ds = BidsLayout.scan(root);
    assertProblem(ds, "sub-02/ses-pre/anat/sub-02_ses-post_T1w.nii.gz", "ses-post in the name does not match its folder ses-pre/");
    assertProblem(ds, "sub-02/ses-pre/anat/sub-02_T2w.nii.gz", "lacks ses-pre");
    assertProblem(ds, "sub-01/anat/sub-01_ses-pre_T2w.nii.gz", "not inside a ses-pre/ folder");
    assertEquals(3, ds.problems().size(), ds.problems().toString());
  }

  @Test
  void unknown_datatype_folder_is_a_problem() {
    minimal(root);
    touch(root, "sub-01/mri/sub-01_T2w.nii.gz");
    touch(root, "sub-01/ses-1/scans/sub-01_ses-1_T2w.nii.gz");
    BidsDataset ds = BidsLayout.scan(root);
    assertProblem(ds, "sub-01/mri", "unknown datatype folder 'mri'");
    assertProblem(ds, "sub-01/ses-1/scans", "unknown datatype folder 'scans'");
  }

  @Test
  void invalid_subject_or_session_folder_label_is_a_problem() {
    minimal(root);
    touch(root, "sub-0-2/anat/sub-02_T1w.nii.gz");
    touch(root, "sub-01/ses-/anat/sub-01_T1w.nii.gz");
    BidsDataset ds = BidsLayout.scan(root);
    assertProblem(ds, "sub-0-2", "invalid subject folder name");
    assertProblem(ds, "sub-01/ses-", "invalid session folder name");
  }

  @Test
  void malformed_file_name_is_a_problem_with_the_reason() {
    minimal(root);
    touch(root, "sub-01/anat/sub-01_run-x_T2w.nii.gz");
    touch(root, "sub-01/func/sub-01_task-rest_bold_run-1.nii.gz");
    BidsDataset ds = BidsLayout.scan(root);
    assertProblem(ds, "sub-01/anat/sub-01_run-x_T2w.nii.gz", "invalid file name: 'run' must be a non-negative integer");
    assertProblem(ds, "sub-01/func/sub-01_task-rest_bold_run-1.nii.gz", "invalid file name: no suffix");
    assertEquals(List.of("sub-01/anat/sub-01_T1w.nii.gz"), paths(ds));
  }

  @Test
  void conflicting_sidecars_at_the_same_level_with_as_many_entities_are_a_problem() {
    minimal(root);
    touch(root, "sub-01/func/sub-01_task-rest_acq-fast_bold.nii.gz");
    write(root, "task-rest_bold.json", "{\"RepetitionTime\": 2.0, \"TaskName\": \"rest\"}");
    write(root, "acq-fast_bold.json", "{\"RepetitionTime\": 1.0, \"TaskName\": \"rest\"}");
    BidsDataset ds = BidsLayout.scan(root);
    assertProblem(ds, "task-rest_bold.json", "conflicts with acq-fast_bold.json on 'RepetitionTime'");
    assertEquals(1, ds.problems().size(), ds.problems().toString());
  }

  @Test
  void agreeing_sidecars_at_the_same_level_are_merged() {
    minimal(root);
    touch(root, "sub-01/func/sub-01_task-rest_acq-fast_bold.nii.gz");
    write(root, "task-rest_bold.json", "{\"RepetitionTime\": 2.0, \"TaskName\": \"rest\"}");
    write(root, "acq-fast_bold.json", "{\"RepetitionTime\": 2.0, \"EchoTime\": 0.03}");
    BidsDataset ds = BidsLayout.scanOrThrow(root);
    BidsImage img = image(ds, "sub-01/func/sub-01_task-rest_acq-fast_bold.nii.gz");
    assertEquals(3, img.sidecar().size());
  }

  @Test
  void dataset_without_images_is_a_problem() {
    write(root, "dataset_description.json", DESCRIPTION);
    write(root, "sub-01/anat/sub-01_T1w.json", "{}");
    BidsDataset ds = BidsLayout.scan(root);
    assertProblem(ds, ".", "no images");
  }

  @Test
  void non_numeric_repetition_time_is_a_problem_at_the_sidecar_that_set_it() {
    minimal(root);
    touch(root, "sub-01/func/sub-01_task-rest_run-1_bold.nii.gz");
    touch(root, "sub-01/func/sub-01_task-rest_run-2_bold.nii.gz");
    touch(root, "sub-01/func/sub-01_task-nback_bold.nii.gz");
    write(root, "task-rest_bold.json", "{\"RepetitionTime\": \"2s\"}");
    write(root, "sub-01/func/sub-01_task-nback_bold.json", "{\"RepetitionTime\": -1}");
    BidsDataset ds = BidsLayout.scan(root);
    assertProblem(ds, "task-rest_bold.json", "RepetitionTime must be a positive number");
    assertProblem(ds, "sub-01/func/sub-01_task-nback_bold.json", "got -1");
    assertEquals(2, ds.problems().size(), "reported once per sidecar: " + ds.problems());
    assertEquals(Optional.empty(), image(ds, "sub-01/func/sub-01_task-rest_run-1_bold.nii.gz").repetitionTime());
  }

  @Test
  void participants_without_participant_id_column_is_a_problem() {
    minimal(root);
    write(root, "participants.tsv", "subject\tage\nsub-01\t30\n");
    BidsDataset ds = BidsLayout.scan(root);
    assertProblem(ds, "participants.tsv", "no participant_id column");
    assertEquals(List.of(), ds.participants());
  }

  @Test
  void participants_rows_must_be_as_wide_as_the_header_and_cover_every_subject() {
    minimal(root);
    touch(root, "sub-02/anat/sub-02_T1w.nii.gz");
    write(root, "participants.tsv", "participant_id\tage\r\nsub-01\t30\r\nsub-03\r\n01\t4\r\n");
    BidsDataset ds = BidsLayout.scan(root);
    assertProblem(ds, "participants.tsv", "line 3 has 1 columns, the header 2");
    assertProblem(ds, "participants.tsv", "line 4: participant_id '01' is not sub-<alphanumeric label>");
    assertProblem(ds, "participants.tsv", "no row for sub-02");
  }

  @Test
  void symbolic_links_are_a_problem() throws IOException {
    minimal(root);
    Path target = touch(root, "sourcedata/real.nii.gz");
    try {
      Files.createSymbolicLink(root.resolve("sub-01/anat/sub-01_T2w.nii.gz"), target);
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "cannot create symbolic links here");
    }
    assertProblem(BidsLayout.scan(root), "sub-01/anat/sub-01_T2w.nii.gz", "symbolic links are not allowed");
  }

  @Test
  void root_that_is_not_a_directory_is_a_problem() {
    BidsDataset ds = BidsLayout.scan(root.resolve("absent"));
    assertProblem(ds, ".", "not a directory");
  }

  @Test
  void scanOrThrow_refuses_with_INVALID_BIDS_and_a_one_line_summary() {
    minimal(root);
    write(root, "dataset_description.json", "{\"Name\": \"x\"}");
    touch(root, "sub-01/anat/sub-02_T2w.nii.gz");
    touch(root, "sub-01/mri/x.nii");
    BidsValidationException e = assertThrows(BidsValidationException.class, () -> BidsLayout.scanOrThrow(root));
    assertTrue(e instanceof InvalidArgumentException);
    assertEquals("INVALID_BIDS", e.reason());
    assertEquals(3, e.problems().size());
    assertTrue(e.getMessage().startsWith("3 problems: dataset_description.json: BIDSVersion is missing"), e.getMessage());
    assertTrue(e.getMessage().contains("; sub-01/anat/sub-02_T2w.nii.gz: sub-02 in the name"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    assertEquals(
        List.of("dataset_description.json", "sub-01/anat/sub-02_T2w.nii.gz", "sub-01/mri"),
        e.problems().stream().map(Problem::path).collect(Collectors.toList()));
  }

  @Test
  void summary_lists_at_most_ten_problems() {
    List<Problem> many = java.util.stream.IntStream.range(0, 13).mapToObj(i -> new Problem("f" + i, "bad")).toList();
    String msg = new BidsValidationException(many).getMessage();
    assertTrue(msg.startsWith("13 problems: f0: bad; f1: bad"), msg);
    assertTrue(msg.endsWith("f9: bad; and 3 more"), msg);
    assertEquals("1 problem: x: y", new BidsValidationException(List.of(new Problem("x", "y"))).getMessage());
  }
}
