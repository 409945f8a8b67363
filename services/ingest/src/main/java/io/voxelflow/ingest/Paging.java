package io.voxelflow.ingest;

import io.voxelflow.error.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** Pages of an in-memory list, with opaque offset tokens (for lists read from one manifest). */
final class Paging {
  private Paging() {}

  record Slice<T>(List<T> items, String nextPageToken) {}

  static <T> Slice<T> slice(List<T> all, int pageSize, String token) {
    if (pageSize < 0) {
      throw new InvalidArgumentException("BAD_PAGE_SIZE", "page_size must not be negative");
    }
    int size = pageSize == 0 ? 50 : Math.min(pageSize, 1000);
    int from = 0;
    if (token != null && !token.isEmpty()) {
      try {
        String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        if (!s.startsWith("offset:")) {
          throw new IllegalArgumentException();
        }
        from = Integer.parseInt(s.substring(7));
      } catch (IllegalArgumentException e) {
        throw new InvalidArgumentException("INVALID_PAGE_TOKEN", "page_token '" + token + "' is not one this server issued");
      }
    }
    int to = Math.min(all.size(), from + size);
    String next = to < all.size()
        ? Base64.getUrlEncoder().withoutPadding().encodeToString(("offset:" + to).getBytes(StandardCharsets.UTF_8))
        : "";
    return new Slice<>(all.subList(Math.min(from, all.size()), to), next);
  }
}
