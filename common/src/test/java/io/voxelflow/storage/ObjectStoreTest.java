package io.voxelflow.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.voxelflow.error.NotFoundException;
import io.voxelflow.error.UnavailableException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The object store against a real S3 server (S3Proxy, filesystem backend) on loopback. */
class ObjectStoreTest {
  @TempDir
  static Path dir;

  static EmbeddedS3 s3;
  static ObjectStore store;

  @BeforeAll
  static void start() {
    s3 = EmbeddedS3.start(dir.resolve("s3"));
    store = ObjectStore.connect(s3.endpoint(), s3.accessKey(), s3.secretKey(), "voxelflow-test");
  }

  @AfterAll
  static void stop() {
    s3.close();
  }

  @Test
  void a_large_file_round_trips_through_multipart_upload_and_ranged_reads() throws Exception {
    byte[] data = new byte[40 << 20]; // > 2 parts of 16 MiB
    new Random(7).nextBytes(data);
    Path f = dir.resolve("big.bin");
    Files.write(f, data);
    store.putFile("t/big", f, "application/octet-stream");
    assertEquals(data.length, store.stat("t/big").orElseThrow().size());
    try (InputStream in = store.getRange("t/big", 20_000_000, 1000)) {
      byte[] part = in.readAllBytes();
      byte[] expected = java.util.Arrays.copyOfRange(data, 20_000_000, 20_001_000);
      assertArrayEquals(expected, part);
    }
    try (InputStream in = store.get("t/big")) {
      assertArrayEquals(Addresses.sha256().digest(data), Addresses.sha256().digest(in.readAllBytes()));
    }
  }

  @Test
  void conditional_writes_refuse_an_existing_key() {
    assertTrue(store.putIfAbsent("t/once", "first".getBytes(StandardCharsets.UTF_8), "text/plain"));
    assertFalse(store.putIfAbsent("t/once", "second".getBytes(StandardCharsets.UTF_8), "text/plain"));
    assertEquals("first", new String(store.getBytes("t/once"), StandardCharsets.UTF_8));
  }

  @Test
  void listing_pages_through_keys_in_order() {
    for (int i = 0; i < 7; i++) {
      store.putBytes("list/k" + i, new byte[] {(byte) i}, "application/octet-stream");
    }
    List<String> keys = new ArrayList<>();
    String after = "";
    do {
      ObjectStore.Listing page = store.list("list/", after, 3);
      page.objects().forEach(o -> keys.add(o.key()));
      after = page.nextStartAfter();
    } while (!after.isEmpty());
    assertEquals(List.of("list/k0", "list/k1", "list/k2", "list/k3", "list/k4", "list/k5", "list/k6"), keys);
  }

  @Test
  void missing_objects_are_not_found_and_deletes_are_idempotent() {
    assertTrue(store.stat("t/none").isEmpty());
    assertThrows(NotFoundException.class, () -> store.get("t/none"));
    store.putBytes("t/del", new byte[3], "application/octet-stream");
    store.delete("t/del");
    store.delete("t/del");
    assertFalse(store.exists("t/del"));
  }

  @Test
  void an_unreachable_store_is_unavailable_naming_the_endpoint() {
    UnavailableException e = assertThrows(UnavailableException.class,
        () -> ObjectStore.connect("http://127.0.0.1:1", "a", "b", "x"));
    assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
  }

  @Test
  void artifact_keys_depend_on_inputs_parameters_and_version_but_not_key_order() throws Exception {
    ObjectMapper m = new ObjectMapper();
    String a = Addresses.artifactKey("mask", List.of("blobs/sha256/" + "a".repeat(64)),
        m.readTree("{\"lower\": 0.2, \"upper\": 0.85}"), "1");
    String b = Addresses.artifactKey("mask", List.of("blobs/sha256/" + "a".repeat(64)),
        m.readTree("{\"upper\": 0.85, \"lower\": 0.2}"), "1");
    String c = Addresses.artifactKey("mask", List.of("blobs/sha256/" + "a".repeat(64)),
        m.readTree("{\"upper\": 0.85, \"lower\": 0.3}"), "1");
    String d = Addresses.artifactKey("mask", List.of("blobs/sha256/" + "a".repeat(64)),
        m.readTree("{\"upper\": 0.85, \"lower\": 0.2}"), "2");
    assertEquals(a, b);
    assertTrue(!a.equals(c) && !a.equals(d));
    assertTrue(Addresses.isSha256(a));
  }
}
