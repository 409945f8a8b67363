package io.voxelflow.numerics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Float BLAS on direct buffers against double-precision loops (tolerance 1e-4 on O(1) entries). */
class FloatBlasTest {

  private static FloatBuffer direct(float[] v) {
    FloatBuffer b = ByteBuffer.allocateDirect(v.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
    b.put(v).flip();
    return b;
  }

  @Test
  void gemmNtAndSyrkMatchLoops() {
    int m = 37, n = 23, k = 51;
    Random r = new Random(7);
    float[] a = new float[m * k];
    float[] b = new float[n * k];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) r.nextGaussian();
    }
    FloatBuffer c = direct(new float[m * n]);
    FloatBlas.gemmNT(direct(a), k, direct(b), k, c, n, m, n, k);
    FloatBuffer s = direct(new float[m * m]);
    FloatBlas.syrkUpper(direct(a), k, s, m, m, k);
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double want = 0;
        for (int t = 0; t < k; t++) {
          want += (double) a[i * k + t] * b[j * k + t];
        }
        assertEquals(want, c.get(i * n + j), 1e-4);
      }
      for (int j = i; j < m; j++) {
        double want = 0;
        for (int t = 0; t < k; t++) {
          want += (double) a[i * k + t] * a[j * k + t];
        }
        assertEquals(want, s.get(i * m + j), 1e-4);
      }
    }
  }
}
