package io.voxelflow.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The C-order copy appears only when complete; anything else leaves no file behind. */
class VoxelCacheTest {
  @TempDir
  Path dir;

  static final String SHA = "ab".repeat(32);

  int files() throws Exception {
    try (var s = Files.list(dir)) {
      return (int) s.count();
    }
  }

  @Test
  void a_complete_copy_is_committed_and_found_by_its_size() throws Exception {
    VoxelCache cache = new VoxelCache(dir);
    try (VoxelCache.Builder b = cache.begin(SHA, 8)) {
      b.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
      b.write(ByteBuffer.wrap(new byte[] {5, 6, 7, 8}));
      assertTrue(b.commit());
    }
    assertEquals(1, files());
    try (var ch = cache.open(SHA, 8).orElseThrow()) {
      ByteBuffer b = ByteBuffer.allocate(8);
      ch.read(b, 0);
      assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, b.array());
    }
    assertFalse(cache.open(SHA, 16).isPresent(), "a copy of another size is not this image's");
    assertFalse(cache.open("cd".repeat(32), 8).isPresent());
  }

  @Test
  void an_incomplete_or_abandoned_copy_leaves_nothing() throws Exception {
    VoxelCache cache = new VoxelCache(dir);
    try (VoxelCache.Builder b = cache.begin(SHA, 8)) {
      b.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
      assertFalse(b.commit(), "4 of 8 bytes");
    }
    assertEquals(0, files());
    try (VoxelCache.Builder b = cache.begin(SHA, 8)) {
      b.write(ByteBuffer.wrap(new byte[8]));
      // closed without commit: a cancelled stream
    }
    assertEquals(0, files());
    assertFalse(cache.open(SHA, 8).isPresent());
  }
}
