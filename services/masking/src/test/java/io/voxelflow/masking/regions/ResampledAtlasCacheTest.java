package io.voxelflow.masking.regions;

import static io.voxelflow.masking.regions.RegionsGolden.SYN_GRID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ResampledAtlasCacheTest {
  private static LabelsAtlas oblique() {
    return LabelsAtlas.load(RegionsGolden.path("syn_labels_oblique.nii.gz"));
  }

  private static Grid shifted(double mm) {
    double[][] a = SYN_GRID.affine();
    a[0][3] += mm;
    return new Grid(7, 8, 9, a);
  }

  @Test
  void an_atlas_is_resampled_once_per_target_grid() {
    ResampledAtlasCache cache = new ResampledAtlasCache();
    LabelsAtlas atlas = oblique();
    LabelsAtlas first = cache.labels(atlas, SYN_GRID);
    assertSame(first, cache.labels(atlas, SYN_GRID));
    assertSame(first, cache.labels(oblique(), SYN_GRID)); // same content, same id
    LabelsAtlas other = cache.labels(atlas, shifted(1.0));
    assertNotSame(first, other);
    assertEquals(2, cache.resamplings());
    assertEquals(2, cache.hits());
  }

  @Test
  void maps_are_keyed_by_interpolation_too() {
    ResampledAtlasCache cache = new ResampledAtlasCache();
    MapsAtlas maps = MapsAtlas.load(RegionsGolden.path("syn_maps_zoom.nii.gz"));
    MapsAtlas cubic = cache.maps(maps, SYN_GRID, Interpolation.CONTINUOUS);
    MapsAtlas linear = cache.maps(maps, SYN_GRID, Interpolation.LINEAR);
    assertNotSame(cubic, linear);
    assertSame(cubic, cache.maps(maps, SYN_GRID, Interpolation.CONTINUOUS));
    assertEquals(2, cache.resamplings());
  }

  @Test
  void an_atlas_already_on_the_grid_is_returned_without_an_entry() {
    ResampledAtlasCache cache = new ResampledAtlasCache();
    LabelsAtlas atlas = LabelsAtlas.load(RegionsGolden.path("syn_labels.nii.gz"));
    assertSame(atlas, cache.labels(atlas, SYN_GRID));
    assertEquals(0, cache.size());
  }

  @Test
  void least_recently_used_entries_are_dropped_beyond_the_capacity() {
    ResampledAtlasCache cache = new ResampledAtlasCache(2);
    LabelsAtlas atlas = oblique();
    cache.labels(atlas, shifted(1));
    cache.labels(atlas, shifted(2));
    cache.labels(atlas, shifted(1)); // touch 1
    cache.labels(atlas, shifted(3)); // evicts 2
    assertEquals(2, cache.size());
    cache.labels(atlas, shifted(1));
    assertEquals(3, cache.resamplings());
    cache.labels(atlas, shifted(2));
    assertEquals(4, cache.resamplings());
  }

  @Test
  void concurrent_requests_for_one_grid_resample_once() throws Exception {
    ResampledAtlasCache cache = new ResampledAtlasCache();
    LabelsAtlas atlas = oblique();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<LabelsAtlas>> fs = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        fs.add(pool.submit(() -> cache.labels(atlas, SYN_GRID)));
      }
      LabelsAtlas first = fs.get(0).get();
      for (Future<LabelsAtlas> f : fs) {
        assertSame(first, f.get());
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(1, cache.resamplings());
  }
}
