package io.voxelflow.masking.regions;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Atlases resampled to data grids, kept so that an atlas is resampled once per grid and reused for
 * every subject on that grid. Keyed by (atlas {@code id()}, interpolation, target {@link Grid},
 * exact shape and affine); least recently used entries beyond {@code maxEntries} are dropped.
 *
 * <p>Thread-safe: concurrent requests for the same key compute it once (the others wait); a
 * failed computation is not cached. An atlas whose grid already has the target's field of view
 * ({@link Grid#sameFov}) is returned as is, without an entry.
 */
public final class ResampledAtlasCache {
  /** Default capacity. */
  public static final int DEFAULT_MAX_ENTRIES = 32;

  private record Key(String kind, String atlasId, Interpolation interpolation, Grid target) {}

  private final int maxEntries;
  private final Map<Key, CompletableFuture<Object>> entries;
  private long hits;
  private long resamplings;

  /** A cache of {@link #DEFAULT_MAX_ENTRIES} entries. */
  public ResampledAtlasCache() {
    this(DEFAULT_MAX_ENTRIES);
  }

  /** A cache holding at most {@code maxEntries} resampled atlases. */
  public ResampledAtlasCache(int maxEntries) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be at least 1: " + maxEntries);
    }
    this.maxEntries = maxEntries;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, CompletableFuture<Object>> eldest) {
        return size() > ResampledAtlasCache.this.maxEntries;
      }
    };
  }

  /** {@code atlas} on {@code target} (nearest neighbour), resampled at most once per grid. */
  public LabelsAtlas labels(LabelsAtlas atlas, Grid target) {
    Objects.requireNonNull(atlas, "atlas");
    if (target.sameFov(atlas.grid())) {
      return atlas;
    }
    return (LabelsAtlas) get(new Key("labels", atlas.id(), Interpolation.NEAREST, target),
        () -> atlas.resampleTo(target));
  }

  /** {@code maps} on {@code target}, resampled at most once per grid and interpolation. */
  public MapsAtlas maps(MapsAtlas maps, Grid target, Interpolation interpolation) {
    Objects.requireNonNull(maps, "maps");
    Objects.requireNonNull(interpolation, "interpolation");
    if (target.sameFov(maps.grid())) {
      return maps;
    }
    return (MapsAtlas) get(new Key("maps", maps.id(), interpolation, target),
        () -> maps.resampleTo(target, interpolation));
  }

  private Object get(Key key, Supplier<Object> compute) {
    CompletableFuture<Object> f;
    boolean mine = false;
    synchronized (this) {
      f = entries.get(key);
      if (f == null) {
        f = new CompletableFuture<>();
        entries.put(key, f);
        mine = true;
        resamplings++;
      } else {
        hits++;
      }
    }
    if (mine) {
      try {
        f.complete(compute.get());
      } catch (RuntimeException | Error e) {
        synchronized (this) {
          entries.remove(key, f);
        }
        f.completeExceptionally(e);
        throw e;
      }
    }
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e;
    }
  }

  /** Resamplings computed so far (cache misses). */
  public synchronized long resamplings() {
    return resamplings;
  }

  /** Requests answered from the cache. */
  public synchronized long hits() {
    return hits;
  }

  /** Entries currently held. */
  public synchronized int size() {
    return entries.size();
  }

  /** Drops every entry. */
  public synchronized void clear() {
    entries.clear();
  }
}
