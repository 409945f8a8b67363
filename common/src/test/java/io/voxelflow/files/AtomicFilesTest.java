package io.voxelflow.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiHeader;
import io.voxelflow.nifti.NiftiWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir
  Path dir;

  @Test
  void temporary_files_are_hidden_distinct_and_get_the_umask_s_permissions() throws Exception {
    Path plain = Files.createFile(dir.resolve("plain"));
    Path a = AtomicFiles.tempBeside(dir.resolve("out.npy"));
    Path b = AtomicFiles.tempBeside(dir.resolve("out.npy"));
    assertNotEquals(a, b);
    assertTrue(a.getFileName().toString().startsWith(".out.npy."));
    assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(a));
  }

  @Test
  void written_results_are_as_readable_as_any_file_the_process_creates() throws Exception {
    Path plain = Files.createFile(dir.resolve("plain"));
    Path img = dir.resolve("img.nii.gz");
    try (NiftiWriter w = NiftiWriter.create(img, NiftiHeader.of(NiftiDatatype.FLOAT32, 2, 2, 2, 1))) {
      w.writeVolume(new float[8]);
    }
    assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(img));
    try (var files = Files.list(dir)) {
      assertEquals(2, files.count(), "no temporary file left");
    }
  }
}
