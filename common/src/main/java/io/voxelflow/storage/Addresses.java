package io.voxelflow.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * How Voxelflow names what it stores. Two kinds of address:
 *
 * <ul>
 *   <li><b>Blobs</b> — stored bytes, by the SHA-256 of those bytes: {@code blobs/sha256/{hex}}. The
 *       same bytes are stored once, whoever uploads them.
 *   <li><b>Derived artifacts</b> — results, by a key computed from what made them:
 *       {@code artifacts/{key}}, {@code key = sha256(canonical JSON of {kind, inputs (their
 *       addresses, in order), parameters, version})}. A repeated request computes the same key and
 *       finds its result (a cache hit).
 * </ul>
 *
 * Canonical JSON: object keys sorted, no whitespace, numbers as Jackson writes them.
 */
public final class Addresses {
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final ObjectMapper CANONICAL = JsonMapper.builder()
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .build();

  private Addresses() {}

  /** The key of a blob with this SHA-256 (lower-case hex). */
  public static String blob(String sha256) {
    if (!SHA256.matcher(sha256).matches()) {
      throw new IllegalArgumentException("not a SHA-256 hex digest: '" + sha256 + "'");
    }
    return "blobs/sha256/" + sha256;
  }

  /** True for a 64-character lower-case hex digest. */
  public static boolean isSha256(String s) {
    return s != null && SHA256.matcher(s).matches();
  }

  /** The derived-artifact key for a computation. */
  public static String artifactKey(String kind, List<String> inputs, JsonNode parameters, String version) {
    var root = CANONICAL.createObjectNode();
    root.put("kind", kind);
    var in = root.putArray("inputs");
    inputs.forEach(in::add);
    root.set("parameters", sorted(parameters));
    root.put("version", version);
    try {
      return sha256Hex(CANONICAL.writeValueAsBytes(CANONICAL.treeToValue(root, Object.class)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode sorted(JsonNode n) {
    return n == null ? CANONICAL.nullNode() : n;
  }

  /**
   * The key of one output of a result with several (e.g. a connectome's per-subject matrices and
   * its mean): derived from the result's key and the output's name, so it is as stable as the key.
   */
  public static String outputKey(String key, String output) {
    return sha256Hex(key + "/" + output);
  }

  /** The storage key of a derived artifact. */
  public static String artifact(String key) {
    return "artifacts/" + key;
  }

  /** Lower-case hex SHA-256 of bytes. */
  public static String sha256Hex(byte[] data) {
    return HexFormat.of().formatHex(sha256().digest(data));
  }

  /** Lower-case hex SHA-256 of a UTF-8 string. */
  public static String sha256Hex(String s) {
    return sha256Hex(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Lower-case hex SHA-256 of a file's content, read as a stream. */
  public static String sha256Hex(java.nio.file.Path file) throws java.io.IOException {
    MessageDigest d = sha256();
    try (var in = new java.security.DigestInputStream(java.nio.file.Files.newInputStream(file), d)) {
      in.transferTo(java.io.OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(d.digest());
  }

  /** A new SHA-256 digest. */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
