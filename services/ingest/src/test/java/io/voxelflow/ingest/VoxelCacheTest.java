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

  Path copy(VoxelCache cache, String sha, int bytes, long ageSeconds) throws Exception {
    Path p = cache.path(sha);
    Files.write(p, new byte[bytes]);
    Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(ageSeconds)));
    return p;
  }

  @Test
  void building_a_copy_evicts_the_least_recently_used_ones_beyond_the_bound() throws Exception {
    VoxelCache cache = new VoxelCache(dir, 20);
    Path a = copy(cache, "0a".repeat(32), 8, 300);
    Path b = copy(cache, "0b".repeat(32), 8, 200);
    // Reading a marks it used: b is now the least recently used.
    cache.open("0a".repeat(32), 8).orElseThrow().close();
    cache.buildLater("0c".repeat(32), 8, builder -> builder.write(ByteBuffer.wrap(new byte[8])));
    assertTrue(VoxelCache.awaitIdle(java.time.Duration.ofSeconds(30)));
    assertTrue(Files.exists(a));
    assertFalse(Files.exists(b), "least recently used, evicted");
    assertTrue(cache.exists("0c".repeat(32), 8));
  }

  @Test
  void a_copy_larger_than_the_bound_is_not_built_and_nothing_is_evicted_for_it() throws Exception {
    VoxelCache cache = new VoxelCache(dir, 20);
    Path a = copy(cache, "0a".repeat(32), 8, 300);
    cache.buildLater("0d".repeat(32), 24, builder -> builder.write(ByteBuffer.wrap(new byte[24])));
    assertTrue(VoxelCache.awaitIdle(java.time.Duration.ofSeconds(30)));
    assertTrue(Files.exists(a));
    assertFalse(cache.exists("0d".repeat(32), 24));
    assertEquals(1, files());
  }

  @Test
  void temporary_files_of_dead_builds_are_removed_after_a_day() throws Exception {
    VoxelCache cache = new VoxelCache(dir, 1 << 20);
    Path stale = dir.resolve(".dead-1.part");
    Path live = dir.resolve(".building-2.part");
    Files.write(stale, new byte[4]);
    Files.write(live, new byte[4]);
    Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(java.time.Duration.ofDays(2))));
    assertTrue(cache.makeRoom(4));
    assertFalse(Files.exists(stale));
    assertTrue(Files.exists(live), "another build may still be writing it");
  }
}
