package io.voxelflow.decomposition.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.voxelflow.decomposition.canica.Recovery;
import io.voxelflow.decomposition.canica.Threshold;
import io.voxelflow.decomposition.dictlearning.DictLearningParameters;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.masking.mask.BinaryMask;
import io.voxelflow.masking.mask.Masking;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.numerics.Matrix;
import io.voxelflow.simulate.SimulationConfig;
import io.voxelflow.simulate.SimulationSize;
import io.voxelflow.simulate.Simulator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group pipeline: resumption from stored reductions, the parallel multi-subject mask, and
 * recovery of planted networks on a 'small' simulated set (6 subjects × 40×48×40×150, 6 networks)
 * against nilearn 0.10.4 run on the very same files ({@code tools/golden/nilearn_small_recovery.py}:
 * CanICA 0.902 / 0.878, DictLearning 0.831 / 0.688, mean / min matched |r|).
 */
class GroupDecompositionTest {
  static ExecutorService pool;

  @TempDir
  Path scratch;

  @BeforeAll
  static void start() {
    pool = Executors.newFixedThreadPool(2, r -> new Thread(null, r, "test-decomposition", 16L << 20));
  }

  @AfterAll
  static void stop() {
    pool.shutdownNow();
  }

  @TempDir
  static Path inputs;

  /** The three reference subjects, copied out of the masking test jar. */
  static List<Path> tiny() throws Exception {
    List<Path> out = new ArrayList<>();
    for (int s = 1; s <= 3; s++) {
      Path p = inputs.resolve("sub-0" + s + "_bold.nii.gz");
      if (!Files.exists(p)) {
        try (var in = GroupDecompositionTest.class.getResourceAsStream("/mask/sub-0" + s + "_bold.nii.gz")) {
          Files.copy(in, p);
        }
      }
      out.add(p);
    }
    return out;
  }

  static GroupDecomposition.Settings canica(int k) {
    return new GroupDecomposition.Settings(GroupDecomposition.Method.CANICA, k, 0, 6.0, true, Threshold.auto(), 10, true,
        DictLearningParameters.defaults(0), 1L << 30);
  }

  /** A cache that counts what it was asked and stores in memory. */
  static final class Counting implements GroupDecomposition.ReductionCache {
    final Map<Integer, Matrix> stored = new ConcurrentHashMap<>();
    final AtomicInteger hits = new AtomicInteger();
    final AtomicInteger puts = new AtomicInteger();

    @Override
    public Optional<Matrix> find(int subject) {
      Matrix m = stored.get(subject);
      if (m != null) {
        hits.incrementAndGet();
      }
      return Optional.ofNullable(m);
    }

    @Override
    public void put(int subject, Matrix reduced) throws IOException {
      puts.incrementAndGet();
      stored.put(subject, reduced);
    }
  }

  @Test
  void a_rerun_reuses_finished_subjects_and_gives_the_same_components() throws Exception {
    List<Path> imgs = tiny();
    GroupDecomposition g = new GroupDecomposition(pool, Files.createDirectories(scratch.resolve("a")));
    BinaryMask mask = g.multiEpiMaskParallel(imgs);
    assertEquals(GroupDecomposition.multiEpiMask(imgs), mask, "parallel and sequential multi-subject masks agree");
    Counting cache = new Counting();
    GroupDecomposition.Result first = g.run(imgs, mask, canica(3), cache, (f, s) -> { });
    assertEquals(3, cache.puts.get());
    assertEquals(0, cache.hits.get());
    // "crash" after two subjects: only their reductions survive
    cache.stored.remove(2);
    GroupDecomposition.Result second = new GroupDecomposition(pool, Files.createDirectories(scratch.resolve("b")))
        .run(imgs, mask, canica(3), cache, (f, s) -> { });
    assertEquals(2, cache.hits.get(), "finished subjects are not reduced again");
    assertEquals(4, cache.puts.get(), "only the missing subject is");
    assertArrayEquals(first.components().data(), second.components().data(), "same seed, same components");
    assertEquals(3, second.timeCourses().size());
    assertEquals(48, second.timeCourses().get(0).rows());
  }

  @Test
  void bad_requests_are_refused_with_reasons() throws Exception {
    List<Path> imgs = tiny();
    BinaryMask mask = GroupDecomposition.multiEpiMask(imgs);
    assertEquals("TOO_MANY_COMPONENTS", assertThrows(InvalidArgumentException.class,
        () -> GroupDecomposition.check(imgs, mask, canica(49))).reason());
    BinaryMask other = BinaryMask.of(new boolean[8 * 8 * 8], 8, 8, 8);
    assertEquals("GRID_MISMATCH", assertThrows(InvalidArgumentException.class,
        () -> GroupDecomposition.check(imgs, other, canica(3))).reason());
  }

  @Test
  void planted_networks_of_a_small_set_are_recovered_at_least_as_well_as_nilearn() throws Exception {
    Path data = scratch.resolve("small");
    Simulator.Result sim = Simulator.simulate(data, SimulationConfig.of(SimulationSize.SMALL, 1234), (f, s) -> { });
    List<Path> imgs = new ArrayList<>();
    for (String sub : sim.subjects()) {
      imgs.add(sim.bold(sub));
    }
    BinaryMask truthMask;
    try (NiftiImage m = NiftiImage.open(sim.truth("mask.nii.gz"))) {
      truthMask = Masking.loadMask(m, false);
    }
    Matrix truth = ComponentMaps.read(sim.truth("maps.nii.gz"), truthMask);
    GroupDecomposition g = new GroupDecomposition(pool, Files.createDirectories(scratch.resolve("work")));
    List<Path> staged = g.stage(imgs, 1L << 32);
    BinaryMask mask = g.multiEpiMaskParallel(staged);
    double[][] nilearn = {{0.902, 0.878}, {0.831, 0.688}};
    GroupDecomposition.Method[] methods = {GroupDecomposition.Method.CANICA, GroupDecomposition.Method.DICT_LEARNING};
    for (int m = 0; m < 2; m++) {
      GroupDecomposition.Settings s = new GroupDecomposition.Settings(methods[m], truth.rows(), 0, m == 0 ? 6.0 : 4.0, true,
          Threshold.auto(), 10, true, DictLearningParameters.defaults(0), 1L << 30);
      GroupDecomposition.Result r = g.run(staged, mask, s, GroupDecomposition.ReductionCache.none(), (f, st) -> { });
      Recovery.Score score = Recovery.match(truth, ComponentMaps.onVoxels(r.components(), mask, truthMask));
      System.out.printf("%s on small: recovery %.3f / %.3f (nilearn on the same files %.3f / %.3f)%n", methods[m],
          score.mean(), score.min(), nilearn[m][0], nilearn[m][1]);
      assertTrue(score.mean() >= nilearn[m][0] - 0.005 && score.min() >= nilearn[m][1] - 0.005,
          methods[m] + " recovery " + score.mean() + " / " + score.min());
    }
  }
}
