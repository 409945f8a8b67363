package io.voxelflow.connectivity.seed;

import io.voxelflow.error.InvalidArgumentException;

/**
 * A spherical seed in world coordinates.
 *
 * @param x centre, mm
 * @param y centre, mm
 * @param z centre, mm
 * @param radiusMm radius in mm, ≥ 0; 0 selects the voxel nearest the centre only (nilearn's
 *     {@code radius=None}: "a single voxel")
 */
public record SphereSeed(double x, double y, double z, double radiusMm) {

  /** Checks that the centre is finite and the radius finite and ≥ 0 ({@code INVALID_SEED}). */
  public SphereSeed {
    if (!Double.isFinite(x) || !Double.isFinite(y) || !Double.isFinite(z)) {
      throw new InvalidArgumentException("INVALID_SEED",
          "seed centre must be finite, got (" + x + ", " + y + ", " + z + ") mm");
    }
    if (!(radiusMm >= 0) || Double.isInfinite(radiusMm)) {
      throw new InvalidArgumentException("INVALID_SEED",
          "seed radius must be finite and ≥ 0 mm, got " + radiusMm);
    }
  }
}
