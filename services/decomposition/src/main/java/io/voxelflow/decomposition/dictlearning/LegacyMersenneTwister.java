package io.voxelflow.decomposition.dictlearning;

/**
 * The random stream of numpy's legacy {@code np.random.RandomState(seed)} (MT19937 seeded with
 * {@code init_genrand(seed)}), limited to the draws dictionary learning makes: a Fisher–Yates
 * shuffle ({@code RandomState.shuffle}), a bounded integer ({@code choice(n)} / {@code randint})
 * and the polar-method Gaussian ({@code normal}).
 *
 * <p>Why not {@link java.util.SplittableRandom}: scikit-learn shuffles the voxels once with
 * {@code RandomState(random_state)} before the mini-batches, and the order of the mini-batches
 * shapes the learnt dictionary. Reproducing the stream makes a given seed visit the voxels in
 * the order nilearn does (checked against numpy's permutation in the tests), so our run and
 * nilearn's can be compared component by component. Integer draws and the shuffle are
 * bit-identical to numpy; Gaussians agree to the last bits of {@code log}/{@code sqrt}.
 *
 * <p>Not thread-safe: one instance per fit.
 */
final class LegacyMersenneTwister {
  private static final int N = 624;
  private static final int M = 397;
  private static final int MATRIX_A = 0x9908b0df;
  private static final int UPPER_MASK = 0x80000000;
  private static final int LOWER_MASK = 0x7fffffff;

  private final int[] mt = new int[N];
  private int pos;
  private boolean hasGauss;
  private double gauss;

  /**
   * The stream of {@code np.random.RandomState(seed)}.
   *
   * @param seed 0 ≤ seed < 2³² (numpy's accepted range for an integer seed); the low 32 bits of
   *     larger values are used
   */
  LegacyMersenneTwister(long seed) {
    mt[0] = (int) seed;
    for (int i = 1; i < N; i++) {
      mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
    }
    pos = N;
  }

  /** The next raw 32-bit output (tempered), as an unsigned value in a long. */
  long nextUint32() {
    if (pos >= N) {
      regenerate();
    }
    int y = mt[pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y & 0xffffffffL;
  }

  private void regenerate() {
    int kk = 0;
    for (; kk < N - M; kk++) {
      int y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + M] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
    }
    for (; kk < N - 1; kk++) {
      int y = (mt[kk] & UPPER_MASK) | (mt[kk + 1] & LOWER_MASK);
      mt[kk] = mt[kk + (M - N)] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
    }
    int y = (mt[N - 1] & UPPER_MASK) | (mt[0] & LOWER_MASK);
    mt[N - 1] = mt[M - 1] ^ (y >>> 1) ^ ((y & 1) != 0 ? MATRIX_A : 0);
    pos = 0;
  }

  /** A uniform double in [0, 1) with 53 random bits (numpy's {@code random_sample}). */
  double nextDouble() {
    long a = nextUint32() >>> 5;
    long b = nextUint32() >>> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  /**
   * A uniform integer in [0, max] by masked rejection (numpy's {@code random_interval}, also what
   * legacy {@code randint(0, max + 1)} and {@code choice(max + 1)} draw).
   *
   * @param max 0 ≤ max < 2³²
   */
  long nextInterval(long max) {
    if (max == 0) {
      return 0;
    }
    long mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    long value;
    do {
      value = nextUint32() & mask;
    } while (value > max);
    return value;
  }

  /** A standard normal draw by the polar Box–Muller method, one value cached (legacy gauss). */
  double nextGaussian() {
    if (hasGauss) {
      hasGauss = false;
      return gauss;
    }
    double x1;
    double x2;
    double r2;
    do {
      x1 = 2.0 * nextDouble() - 1.0;
      x2 = 2.0 * nextDouble() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    double f = Math.sqrt(-2.0 * Math.log(r2) / r2);
    gauss = f * x1;
    hasGauss = true;
    return f * x2;
  }

  /**
   * The order {@code RandomState.shuffle} leaves rows 0..n-1 in: {@code shuffled[i] = x[order[i]]}
   * (equal to {@code RandomState.permutation(n)}).
   */
  int[] shuffleOrder(int n) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i >= 1; i--) {
      int j = (int) nextInterval(i);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
