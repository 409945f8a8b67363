package io.voxelflow.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.api.ingest.v1.Image;
import io.voxelflow.api.ingest.v1.UploadImageResponse;
import io.voxelflow.api.ingest.v1.UploadMetadata;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.error.ResourceExhaustedException;
import io.voxelflow.nifti.NiftiFormatException;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.storage.Addresses;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Image uploads against a real S3 server: validation, de-identification, deduplication, limits. */
class ImageUploadTest {
  @TempDir
  Path dir;

  @Test
  void the_stored_image_is_de_identified_and_keeps_every_voxel() throws Exception {
    IngestService ingest = IngestFixtures.ingest(1 << 30);
    Path src = IngestFixtures.identifyingImage(dir, "sub-01_T1w.nii.gz", ByteOrder.BIG_ENDIAN);
    UploadImageResponse r = ingest.uploadFile(src, IngestFixtures.metadata(src));
    Image img = r.getImage();
    assertFalse(r.getAlreadyExisted());
    assertEquals(Addresses.sha256Hex(src), img.getUploadedSha256());
    assertEquals("images/" + img.getStoredSha256(), img.getName());
    assertEquals("", img.getHeader().getDescription());
    assertEquals(2.0, img.getRepetitionTimeSeconds());

    Path stored = dir.resolve("stored.nii");
    try (var in = ingest.store().get(Addresses.blob(img.getStoredSha256()))) {
      Files.copy(in, stored);
    }
    assertEquals(img.getStoredSha256(), Addresses.sha256Hex(stored), "blob is addressed by its own hash");
    byte[] raw = Files.readAllBytes(stored);
    String text = new String(raw, java.nio.charset.StandardCharsets.ISO_8859_1);
    for (String pii : new String[] {"Doe^John", "john_doe", "JDOE", "hospital-db", "PatientName", "pii"}) {
      assertFalse(text.contains(pii), "stored bytes still contain '" + pii + "'");
    }
    try (NiftiImage a = NiftiImage.open(src); NiftiImage b = NiftiImage.open(stored)) {
      assertTrue(b.extensions().isEmpty());
      assertEquals(a.header().datatype(), b.header().datatype());
      assertEquals(a.header().byteOrder(), b.header().byteOrder());
      for (int r4 = 0; r4 < 4; r4++) {
        assertArrayEquals(a.header().affine()[r4], b.header().affine()[r4], 0);
      }
      double[] va = new double[a.voxelsPerVolume()];
      double[] vb = new double[b.voxelsPerVolume()];
      for (int t = 0; t < a.volumeCount(); t++) {
        a.readVolume(va);
        b.readVolume(vb);
        assertArrayEquals(va, vb, 0);
      }
    }
  }

  @Test
  void uploading_the_same_bytes_again_stores_nothing_new() throws Exception {
    IngestService ingest = IngestFixtures.ingest(1 << 30);
    Path src = IngestFixtures.identifyingImage(dir, "a.nii.gz", ByteOrder.LITTLE_ENDIAN);
    UploadImageResponse first = ingest.uploadFile(src, IngestFixtures.metadata(src));
    int objects = ingest.store().list("", "", 1000).objects().size();
    UploadImageResponse second = ingest.uploadFile(src, IngestFixtures.metadata(src));
    assertTrue(second.getAlreadyExisted());
    assertEquals(first.getImage().getName(), second.getImage().getName());
    assertEquals(objects, ingest.store().list("", "", 1000).objects().size());
    assertEquals(first.getImage(), ingest.getImage(first.getImage().getName()));
  }

  @Test
  void a_malformed_image_is_refused_and_leaves_nothing_stored() throws Exception {
    IngestService ingest = IngestFixtures.ingest(1 << 30);
    Path src = IngestFixtures.identifyingImage(dir, "ok.nii", ByteOrder.LITTLE_ENDIAN);
    byte[] b = Files.readAllBytes(src);
    Path bad = dir.resolve("bad.nii");
    Files.write(bad, java.util.Arrays.copyOf(b, b.length - 50));
    NiftiFormatException e = assertThrows(NiftiFormatException.class,
        () -> ingest.uploadFile(bad, IngestFixtures.metadata(bad)));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    assertEquals(0, ingest.store().list("", "", 10).objects().size());
    try (var scratch = Files.list(ingest.scratch())) {
      assertEquals(0, scratch.count(), "scratch files are removed");
    }
  }

  @Test
  void oversize_uploads_are_resource_exhausted_before_and_while_streaming() throws Exception {
    IngestService ingest = IngestFixtures.ingest(1000);
    Path src = IngestFixtures.identifyingImage(dir, "big.nii", ByteOrder.LITTLE_ENDIAN);
    ResourceExhaustedException declared = assertThrows(ResourceExhaustedException.class,
        () -> ingest.uploadFile(src, IngestFixtures.metadata(src)));
    assertTrue(declared.getMessage().contains("limit of 1000 bytes"), declared.getMessage());
    UploadMetadata lying = UploadMetadata.newBuilder().setFilename("big.nii").setTotalSizeBytes(10).build();
    assertThrows(ResourceExhaustedException.class, () -> ingest.uploadFile(src, lying));
  }

  @Test
  void a_wrong_checksum_or_name_is_invalid_argument() throws Exception {
    IngestService ingest = IngestFixtures.ingest(1 << 30);
    Path src = IngestFixtures.identifyingImage(dir, "c.nii", ByteOrder.LITTLE_ENDIAN);
    UploadMetadata wrong = IngestFixtures.metadata(src).toBuilder().setExpectedSha256("0".repeat(64)).build();
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> ingest.uploadFile(src, wrong));
    assertEquals("SHA256_MISMATCH", e.reason());
    assertEquals("0".repeat(64), e.metadata().get("expected"));
    UploadMetadata badName = IngestFixtures.metadata(src).toBuilder().setFilename("c.txt").build();
    assertEquals("NOT_NIFTI_NAME", assertThrows(InvalidArgumentException.class,
        () -> ingest.uploadFile(src, badName)).reason());
    assertEquals(0, ingest.store().list("", "", 10).objects().size());
  }
}
