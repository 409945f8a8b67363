package io.voxelflow.ingest.bids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.error.InvalidArgumentException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BidsEntitiesTest {

  @Test
  void full_name_parses_into_ordered_entities_suffix_and_extension() {
    BidsEntities e = BidsEntities.parse("sub-01_ses-pre_task-rest_acq-fast_run-1_bold.nii.gz");
    assertEquals(List.of("sub", "ses", "task", "acq", "run"), List.copyOf(e.entities().keySet()));
    assertEquals(Map.of("sub", "01", "ses", "pre", "task", "rest", "acq", "fast", "run", "1"), e.entities());
    assertEquals("bold", e.suffix());
    assertEquals(".nii.gz", e.extension());
    assertEquals("01", e.subject());
    assertEquals("pre", e.session());
    assertEquals("sub-01_ses-pre_task-rest_acq-fast_run-1_bold.nii.gz", e.fileName());
  }

  @ParameterizedTest
  @CsvSource({
    "sub-01_T1w.nii, T1w, .nii, 1",
    "sub-A1b2_ce-gad_rec-norm_dir-AP_run-01_echo-2_part-mag_bold.json, bold, .json, 7",
    "task-rest_bold.json, bold, .json, 1",
    "sub-01_ses-1_scans.tsv, scans, .tsv, 2",
    "sub-01_task-rest_recording-cardiac_physio.tsv.gz, physio, .tsv.gz, 3",
    "dwi.bval, dwi, .bval, 0",
  })
  void valid_names_parse(String name, String suffix, String extension, int entityCount) {
    BidsEntities e = BidsEntities.parse(name);
    assertEquals(suffix, e.suffix());
    assertEquals(extension, e.extension());
    assertEquals(entityCount, e.entities().size());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "sub-01_T1w | no extension",
        "sub-01_run-1.nii.gz | no suffix",
        "sub-01__T1w.nii.gz | empty part",
        "_sub-01_T1w.nii.gz | empty part",
        "sub-01_T1w_.nii.gz | empty suffix",
        "sub-0_1_T1w.nii.gz | not a key-label pair",
        "sub-01_foo-bar_T1w.nii.gz | unknown entity 'foo'",
        "sub-01_run-one_bold.nii.gz | 'run' must be a non-negative integer",
        "sub-01_echo-1a_bold.nii.gz | 'echo' must be a non-negative integer",
        "sub-01_task-rest-state_bold.nii.gz | not alphanumeric",
        "sub-01_acq-_T1w.nii.gz | empty label",
        "sub-01_task-rest_sub-02_bold.nii.gz | appears twice",
        "task-rest_sub-01_bold.nii.gz | 'sub' must come before 'task'",
        "sub-01_run-1_task-rest_bold.nii.gz | 'task' must come before 'run'",
        "sub-01_T1 w.nii.gz | not alphanumeric",
        "sub-01_T1w.nii..gz | invalid extension",
        ".sub-01_T1w.nii.gz | starts with a dot",
      })
  void malformed_names_are_rejected_with_the_reason(String name, String reason) {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> BidsEntities.parse(name));
    assertEquals(BidsEntities.INVALID_NAME, e.reason());
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    assertTrue(e.getMessage().contains(name), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"sub-01/anat/sub-01_T1w.nii.gz", ""})
  void paths_and_empty_names_are_rejected(String name) {
    assertThrows(InvalidArgumentException.class, () -> BidsEntities.parse(name));
  }

  @Test
  void subset_means_every_entity_present_with_the_same_label() {
    BidsEntities image = BidsEntities.parse("sub-01_task-rest_run-1_bold.nii.gz");
    assertTrue(BidsEntities.parse("task-rest_bold.json").isSubsetOf(image));
    assertTrue(BidsEntities.parse("bold.json").isSubsetOf(image));
    assertTrue(BidsEntities.parse("sub-01_task-rest_run-1_bold.json").isSubsetOf(image));
    assertFalse(BidsEntities.parse("task-nback_bold.json").isSubsetOf(image));
    assertFalse(BidsEntities.parse("task-rest_acq-fast_bold.json").isSubsetOf(image));
  }

  @Test
  void missing_entities_read_as_null() {
    BidsEntities e = BidsEntities.parse("task-rest_bold.json");
    assertNull(e.subject());
    assertNull(e.session());
    assertNull(e.get("run"));
  }

  @Test
  void entities_map_is_unmodifiable() {
    BidsEntities e = BidsEntities.parse("sub-01_T1w.nii");
    assertThrows(UnsupportedOperationException.class, () -> e.entities().put("ses", "x"));
  }
}
