package io.voxelflow.storage;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.UploadObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import io.voxelflow.error.NotFoundException;
import io.voxelflow.error.UnavailableException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Object storage through the S3 API (MinIO Java SDK): the one code path to every store, embedded or
 * remote. Keys are plain strings; see {@link Addresses} for how Voxelflow names what it stores.
 *
 * <p>Errors: a missing object is {@link NotFoundException}; a store that cannot be reached or
 * answers with a server error is {@link UnavailableException} naming the endpoint.
 */
public final class ObjectStore {
  /** Part size for multipart uploads of streams of unknown length. */
  static final long PART_BYTES = 16L << 20;

  private final MinioClient client;
  private final String bucket;
  private final String endpoint;

  /** Metadata of a stored object. */
  public record ObjectInfo(String key, long size, String etag) {}

  /** A page of keys; {@code nextStartAfter} is empty on the last page. */
  public record Listing(List<ObjectInfo> objects, String nextStartAfter) {}

  private ObjectStore(MinioClient client, String bucket, String endpoint) {
    this.client = client;
    this.bucket = bucket;
    this.endpoint = endpoint;
  }

  /** Connects and makes sure the bucket exists. */
  public static ObjectStore connect(String endpoint, String accessKey, String secretKey, String bucket) {
    MinioClient client = MinioClient.builder().endpoint(endpoint).credentials(accessKey, secretKey).build();
    ObjectStore store = new ObjectStore(client, bucket, endpoint);
    store.call("create bucket " + bucket, () -> {
      if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
        client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
      }
      return null;
    });
    return store;
  }

  /** The S3 endpoint, for messages. */
  public String endpoint() {
    return endpoint;
  }

  public String bucket() {
    return bucket;
  }

  /** True when the store answers (used by health checks). */
  public boolean isReachable() {
    try {
      return client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build());
    } catch (Exception e) {
      return false;
    }
  }

  /** Stores a local file (multipart for large ones). */
  public void putFile(String key, Path file, String contentType) {
    call("put " + key, () -> client.uploadObject(UploadObjectArgs.builder().bucket(bucket).object(key)
        .filename(file.toString(), PART_BYTES).contentType(contentType).build()));
  }

  /** Stores bytes. */
  public void putBytes(String key, byte[] data, String contentType) {
    call("put " + key, () -> client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
        .stream(new ByteArrayInputStream(data), data.length, -1).contentType(contentType).build()));
  }

  /**
   * Stores bytes only if no object has this key (an S3 conditional write, {@code If-None-Match: *}).
   *
   * @return true if written, false if the key already existed
   */
  public boolean putIfAbsent(String key, byte[] data, String contentType) {
    try {
      client.putObject(PutObjectArgs.builder().bucket(bucket).object(key)
          .stream(new ByteArrayInputStream(data), data.length, -1).contentType(contentType)
          .headers(Map.of("If-None-Match", "*")).build());
      return true;
    } catch (ErrorResponseException e) {
      if (e.response() != null && e.response().code() == 412) {
        return false;
      }
      throw unavailable("put " + key, e);
    } catch (Exception e) {
      throw unavailable("put " + key, e);
    }
  }

  /** Metadata of an object, or empty if there is none. */
  public Optional<ObjectInfo> stat(String key) {
    try {
      StatObjectResponse r = client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
      return Optional.of(new ObjectInfo(key, r.size(), r.etag()));
    } catch (ErrorResponseException e) {
      if (isNotFound(e)) {
        return Optional.empty();
      }
      throw unavailable("stat " + key, e);
    } catch (Exception e) {
      throw unavailable("stat " + key, e);
    }
  }

  public boolean exists(String key) {
    return stat(key).isPresent();
  }

  /** The object's content as a stream (the caller closes it). */
  public InputStream get(String key) {
    return getRange(key, 0, -1);
  }

  /** {@code length} bytes from {@code offset} ({@code length < 0}: to the end), as a stream. */
  public InputStream getRange(String key, long offset, long length) {
    try {
      GetObjectArgs.Builder b = GetObjectArgs.builder().bucket(bucket).object(key);
      if (offset > 0 || length >= 0) {
        b.offset(offset);
        if (length >= 0) {
          b.length(length);
        }
      }
      return client.getObject(b.build());
    } catch (ErrorResponseException e) {
      if (isNotFound(e)) {
        throw new NotFoundException("OBJECT_NOT_FOUND", "no stored object " + key);
      }
      throw unavailable("get " + key, e);
    } catch (Exception e) {
      throw unavailable("get " + key, e);
    }
  }

  /** The whole object in memory: for small objects (manifests, metadata) only. */
  public byte[] getBytes(String key) {
    try (InputStream in = get(key)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw unavailable("get " + key, e);
    }
  }

  /** Up to {@code max} objects whose keys start with {@code prefix}, after {@code startAfter}, in key order. */
  public Listing list(String prefix, String startAfter, int max) {
    return call("list " + prefix, () -> {
      ListObjectsArgs.Builder b = ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true)
          .maxKeys(Math.min(1000, max + 1));
      if (startAfter != null && !startAfter.isEmpty()) {
        b.startAfter(startAfter);
      }
      List<ObjectInfo> out = new ArrayList<>();
      boolean more = false;
      for (Result<Item> r : client.listObjects(b.build())) {
        Item it = r.get();
        if (out.size() == max) {
          more = true;
          break;
        }
        out.add(new ObjectInfo(it.objectName(), it.size(), it.etag()));
      }
      return new Listing(out, more ? out.get(out.size() - 1).key() : "");
    });
  }

  /** Removes an object (no error if it is absent). */
  public void delete(String key) {
    call("delete " + key, () -> {
      client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(key).build());
      return null;
    });
  }

  private static boolean isNotFound(ErrorResponseException e) {
    String code = e.errorResponse() == null ? "" : e.errorResponse().code();
    return "NoSuchKey".equals(code) || "NoSuchObject".equals(code) || "NotFound".equals(code)
        || (e.response() != null && e.response().code() == 404);
  }

  @FunctionalInterface
  private interface S3Call<T> {
    T run() throws Exception;
  }

  private <T> T call(String what, S3Call<T> c) {
    try {
      return c.run();
    } catch (NotFoundException e) {
      throw e;
    } catch (Exception e) {
      throw unavailable(what, e);
    }
  }

  private UnavailableException unavailable(String what, Exception e) {
    return new UnavailableException("STORAGE_UNAVAILABLE", "object storage at " + endpoint + " failed to "
        + what + ": " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
  }
}
