package io.voxelflow.ingest.bids;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.error.ResourceExhaustedException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BidsArchiveTest {
  private static final long MB = 1024 * 1024;

  @TempDir Path tmp;

  /** Zips every file under {@code dir}, names prefixed by {@code prefix} ("" or "folder/"). */
  private Path zipFolder(Path dir, String prefix) throws IOException {
    Path zip = tmp.resolve("upload-" + prefix.replace('/', '_') + ".zip");
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      if (!prefix.isEmpty()) {
        out.putNextEntry(new ZipEntry(prefix));
        out.closeEntry();
      }
      for (Path f : files) {
        out.putNextEntry(new ZipEntry(prefix + dir.relativize(f).toString().replace('\\', '/')));
        Files.copy(f, out);
        out.closeEntry();
      }
    }
    return zip;
  }

  /** A zip of the given name/content pairs. */
  private Path zipOf(String... namesAndContents) throws IOException {
    Path zip = tmp.resolve("z" + System.nanoTime() + ".zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      for (int i = 0; i < namesAndContents.length; i += 2) {
        out.putNextEntry(new ZipEntry(namesAndContents[i]));
        out.write(namesAndContents[i + 1].getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
      }
    }
    return zip;
  }

  private static long bytesUnder(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }).sum();
    }
  }

  private static long filesUnder(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.equals(dir)).count();
    }
  }

  @Test
  void dataset_zipped_inside_one_folder_has_that_folder_as_root() throws IOException {
    Path ds = BidsFixture.standard(tmp.resolve("made"));
    Path dest = tmp.resolve("out");
    Path root = BidsArchive.extract(zipFolder(ds, "my_study/"), dest, 10 * MB, 1000);
    assertEquals(dest.toAbsolutePath().normalize().resolve("my_study"), root);
    assertEquals(7, BidsLayout.scanOrThrow(root).images().size());
    assertArrayEquals(
        Files.readAllBytes(ds.resolve("task-rest_bold.json")), Files.readAllBytes(root.resolve("task-rest_bold.json")));
  }

  @Test
  void dataset_zipped_without_a_folder_has_the_destination_as_root() throws IOException {
    Path ds = BidsFixture.standard(tmp.resolve("made"));
    Path dest = tmp.resolve("out");
    Path root = BidsArchive.extract(zipFolder(ds, ""), dest, 10 * MB, 1000);
    assertEquals(dest.toAbsolutePath().normalize(), root);
    assertEquals(7, BidsLayout.scanOrThrow(root).images().size());
  }

  @Test
  void macos_metadata_folder_is_skipped_and_does_not_hide_the_single_top_folder() throws IOException {
    Path zip = zipOf(
        "ds/dataset_description.json", BidsFixture.DESCRIPTION,
        "ds/sub-01/anat/sub-01_T1w.nii.gz", "x",
        "__MACOSX/ds/._dataset_description.json", "apple double");
    Path dest = tmp.resolve("out");
    Path root = BidsArchive.extract(zip, dest, MB, 100);
    assertEquals(dest.toAbsolutePath().normalize().resolve("ds"), root);
    assertFalse(Files.exists(dest.resolve("__MACOSX")));
  }

  @Test
  void single_folder_without_a_description_is_not_taken_as_root() throws IOException {
    Path dest = tmp.resolve("out");
    Path root = BidsArchive.extract(zipOf("data/sub-01/anat/sub-01_T1w.nii", "x"), dest, MB, 100);
    assertEquals(dest.toAbsolutePath().normalize(), root);
  }

  @Test
  void zip_slip_with_dot_dot_is_refused_and_nothing_lands_outside() throws IOException {
    Path dest = tmp.resolve("out");
    Path zip = zipOf("ds/dataset_description.json", "{}", "ds/../../evil.txt", "pwned");
    InvalidArgumentException e =
        assertThrows(InvalidArgumentException.class, () -> BidsArchive.extract(zip, dest, MB, 100));
    assertEquals("INVALID_ARCHIVE", e.reason());
    assertTrue(e.getMessage().contains("escapes"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("evil.txt")));
    assertEquals(0, filesUnder(dest), "what was written before the refusal is removed");
  }

  @Test
  void absolute_entry_names_are_refused() throws IOException {
    for (String name : List.of("/tmp/evil.txt", "C:/evil.txt", "\\\\server\\share\\evil.txt", "a\\..\\..\\evil.txt")) {
      Path zip = zipOf(name, "pwned");
      InvalidArgumentException e = assertThrows(
          InvalidArgumentException.class, () -> BidsArchive.extract(zip, tmp.resolve("out"), MB, 100), name);
      assertEquals("INVALID_ARCHIVE", e.reason(), name);
    }
    assertFalse(Files.exists(tmp.resolve("evil.txt")));
  }

  @Test
  void symbolic_link_entries_are_refused() throws IOException {
    Path zip = zipOf("ds/dataset_description.json", "{}", "ds/link", "/etc/passwd");
    markUnixSymlink(zip, "ds/link");
    Path dest = tmp.resolve("out");
    InvalidArgumentException e =
        assertThrows(InvalidArgumentException.class, () -> BidsArchive.extract(zip, dest, MB, 100));
    assertEquals("INVALID_ARCHIVE", e.reason());
    assertTrue(e.getMessage().contains("symbolic link"), e.getMessage());
    assertEquals(0, filesUnder(dest));
  }

  @Test
  void zip_bomb_is_refused_by_inflated_bytes_without_writing_past_the_limit() throws IOException {
    // 50 MB of zeros compress to ~50 KB; DEFLATED entries written by ZipOutputStream carry no size
    // in their local header, so only counting the inflated bytes can catch it.
    Path zip = tmp.resolve("bomb.zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new ZipEntry("ds/dataset_description.json"));
      out.write(BidsFixture.DESCRIPTION.getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
      out.putNextEntry(new ZipEntry("ds/sub-01/anat/sub-01_T1w.nii"));
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 50; i++) {
        out.write(zeros);
      }
      out.closeEntry();
    }
    assertTrue(Files.size(zip) < MB);
    Path dest = tmp.resolve("out");
    long limit = 10 * MB;
    ResourceExhaustedException e =
        assertThrows(ResourceExhaustedException.class, () -> BidsArchive.extract(zip, dest, limit, 100));
    assertEquals("ARCHIVE_TOO_LARGE", e.reason());
    assertTrue(bytesUnder(dest) <= limit);
    assertEquals(0, filesUnder(dest), "partial output is removed");
  }

  @Test
  void exactly_the_limit_is_accepted_and_one_byte_more_is_refused() throws IOException {
    Path zip = zipOf("ds/dataset_description.json", "0123456789");
    Path ok = BidsArchive.extract(zip, tmp.resolve("ok"), 10, 100);
    assertEquals("0123456789", Files.readString(ok.resolve("dataset_description.json")));
    assertEquals("ARCHIVE_TOO_LARGE",
        assertThrows(ResourceExhaustedException.class, () -> BidsArchive.extract(zip, tmp.resolve("ko"), 9, 100)).reason());
    assertEquals(0, filesUnder(tmp.resolve("ko")));
  }

  @Test
  void too_many_entries_are_refused_before_extracting() throws IOException {
    String[] pairs = new String[2 * 20];
    for (int i = 0; i < 20; i++) {
      pairs[2 * i] = "f" + i + ".txt";
      pairs[2 * i + 1] = "x";
    }
    Path dest = tmp.resolve("out");
    ResourceExhaustedException e =
        assertThrows(ResourceExhaustedException.class, () -> BidsArchive.extract(zipOf(pairs), dest, MB, 10));
    assertEquals("ARCHIVE_TOO_LARGE", e.reason());
    assertEquals(0, filesUnder(dest));
  }

  @Test
  void corrupt_or_truncated_archives_are_invalid() throws IOException {
    Path notZip = tmp.resolve("not.zip");
    Files.writeString(notZip, "this is not a zip file, just some text that is long enough");
    assertEquals("INVALID_ARCHIVE",
        assertThrows(InvalidArgumentException.class, () -> BidsArchive.extract(notZip, tmp.resolve("a"), MB, 10)).reason());

    Path good = zipFolder(BidsFixture.minimal(tmp.resolve("made")), "");
    byte[] bytes = Files.readAllBytes(good);
    Path truncated = tmp.resolve("truncated.zip");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
    assertEquals("INVALID_ARCHIVE",
        assertThrows(InvalidArgumentException.class, () -> BidsArchive.extract(truncated, tmp.resolve("b"), MB, 10)).reason());

    // Flip a byte of the compressed data: the CRC (or inflater) catches it.
    Path zip = zipOf("sub-01_T1w.json", "{\"EchoTime\": 0.01, \"RepetitionTime\": 2.0, \"Padding\": \"aaaaaaaaaaaaaaaa\"}");
    byte[] z = Files.readAllBytes(zip);
    int data = 30 + "sub-01_T1w.json".length() + 2;
    z[data] ^= 0x55;
    Path corrupt = tmp.resolve("corrupt.zip");
    Files.write(corrupt, z);
    assertEquals("INVALID_ARCHIVE",
        assertThrows(InvalidArgumentException.class, () -> BidsArchive.extract(corrupt, tmp.resolve("c"), MB, 10)).reason());
  }

  @Test
  void duplicate_entries_are_refused() throws IOException {
    Path zip = tmp.resolve("dup.zip");
    try (OutputStream raw = Files.newOutputStream(zip); ZipOutputStream out = new ZipOutputStream(raw)) {
      out.putNextEntry(new ZipEntry("a.txt"));
      out.write(1);
      out.closeEntry();
      out.putNextEntry(new ZipEntry("./a.txt")); // same file once normalized
      out.write(2);
      out.closeEntry();
    }
    InvalidArgumentException e =
        assertThrows(InvalidArgumentException.class, () -> BidsArchive.extract(zip, tmp.resolve("out"), MB, 10));
    assertTrue(e.getMessage().contains("twice"), e.getMessage());
  }

  @Test
  void empty_archive_is_invalid() throws IOException {
    Path zip = tmp.resolve("empty.zip");
    new ZipOutputStream(Files.newOutputStream(zip)).close();
    assertEquals("INVALID_ARCHIVE",
        assertThrows(InvalidArgumentException.class, () -> BidsArchive.extract(zip, tmp.resolve("out"), MB, 10)).reason());
  }

  /** Rewrites the central-directory record of {@code name}: made by Unix, mode lrwxrwxrwx. */
  private static void markUnixSymlink(Path zip, String name) throws IOException {
    byte[] z = Files.readAllBytes(zip);
    ByteBuffer b = ByteBuffer.wrap(z).order(ByteOrder.LITTLE_ENDIAN);
    byte[] want = name.getBytes(StandardCharsets.UTF_8);
    boolean done = false;
    for (int i = 0; i + 46 <= z.length; i++) {
      if (b.getInt(i) != 0x02014b50) {
        continue;
      }
      int nameLen = Short.toUnsignedInt(b.getShort(i + 28));
      if (Arrays.equals(Arrays.copyOfRange(z, i + 46, i + 46 + nameLen), want)) {
        b.putShort(i + 4, (short) ((3 << 8) | 20));
        b.putInt(i + 38, 0120777 << 16);
        done = true;
      }
    }
    assertTrue(done);
    Files.write(zip, z);
  }
}
