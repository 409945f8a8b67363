package io.voxelflow.ingest.bids;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BidsIgnoreTest {

  @ParameterizedTest
  @CsvSource({
    "*.log, notes.log, false, true",
    "*.log, sub-01/func/notes.log, false, true",
    "*.log, sub-01/func/notes.log.txt, false, false",
    "extra/, extra, true, true",
    "extra/, extra, false, false",
    "extra/, sub-01/extra, true, true",
    "/extra, sub-01/extra, true, false",
    "/extra, extra, true, true",
    "sub-01/anat/*_mask.nii.gz, sub-01/anat/sub-01_mask.nii.gz, false, true",
    "sub-01/anat/*_mask.nii.gz, sub-02/anat/sub-02_mask.nii.gz, false, false",
    "sub-*/*/x?.nii, sub-07/anat/x1.nii, false, true",
    "**/tmp, a/b/tmp, true, true",
    "**/tmp, tmp, true, true",
    "docs/**, docs/a/b.txt, false, true",
    "sub-0[12], sub-01, true, true",
    "sub-0[!12], sub-01, true, false",
    "sub-0[!12], sub-03, true, true",
    "a+b(c).txt, a+b(c).txt, false, true",
  })
  void glob_lines_match_like_gitignore(String pattern, String path, boolean directory, boolean ignored) {
    assertEquals(ignored, BidsIgnore.parse(List.of(pattern)).isIgnored(path, directory));
  }

  @ParameterizedTest
  @CsvSource({"notes.log, false", "keep.log, true"})
  void later_negation_re_includes(String path, boolean kept) {
    BidsIgnore ignore = BidsIgnore.parse(List.of("# comment", "", "*.log", "!keep.log"));
    assertEquals(!kept, ignore.isIgnored(path, false));
  }
}
