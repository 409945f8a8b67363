package io.voxelflow.simulate;

import io.voxelflow.error.InvalidArgumentException;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The preset dataset sizes of the synthetic fMRI generator, exactly the {@code SIZES} of the
 * reference {@code gen_synthetic.py}.
 *
 * <table>
 * <caption>presets</caption>
 * <tr><th></th><th>grid (voxels)</th><th>volumes</th><th>subjects</th><th>voxel</th><th>networks</th>
 *     <th>regions</th><th>SNR</th><th>blob σ</th><th>gzip</th></tr>
 * <tr><td>tiny</td><td>16×16×12</td><td>48</td><td>3</td><td>4 mm</td><td>3</td><td>8</td><td>3</td>
 *     <td>1.5 vox</td><td>9</td></tr>
 * <tr><td>small</td><td>40×48×40</td><td>150</td><td>6</td><td>4 mm</td><td>6</td><td>20</td><td>1</td>
 *     <td>auto</td><td>6</td></tr>
 * <tr><td>medium</td><td>61×73×61 (MNI 3 mm)</td><td>300</td><td>10</td><td>3 mm</td><td>10</td>
 *     <td>40</td><td>1</td><td>auto</td><td>6</td></tr>
 * </table>
 *
 * <p>"auto" blob σ is {@code max(1, 0.12 · mean ellipsoid semi-axis)} voxels.
 */
public enum SimulationSize {
  TINY(16, 16, 12, 48, 3, 4.0, 3, 8, 3.0, 1.5, 9),
  SMALL(40, 48, 40, 150, 6, 4.0, 6, 20, 1.0, Double.NaN, 6),
  MEDIUM(61, 73, 61, 300, 10, 3.0, 10, 40, 1.0, Double.NaN, 6);

  private final int nx;
  private final int ny;
  private final int nz;
  private final int volumes;
  private final int subjects;
  private final double voxelMm;
  private final int networks;
  private final int regions;
  private final double snr;
  private final double blobSigmaVox;
  private final int gzipLevel;

  SimulationSize(int nx, int ny, int nz, int volumes, int subjects, double voxelMm, int networks, int regions,
      double snr, double blobSigmaVox, int gzipLevel) {
    this.nx = nx;
    this.ny = ny;
    this.nz = nz;
    this.volumes = volumes;
    this.subjects = subjects;
    this.voxelMm = voxelMm;
    this.networks = networks;
    this.regions = regions;
    this.snr = snr;
    this.blobSigmaVox = blobSigmaVox;
    this.gzipLevel = gzipLevel;
  }

  /** The lower-case name used on command lines and in {@code truth.json}: tiny, small, medium. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The size named {@code tiny}, {@code small} or {@code medium} (any case). */
  public static SimulationSize fromId(String id) {
    for (SimulationSize s : values()) {
      if (s.id().equalsIgnoreCase(id.strip())) {
        return s;
      }
    }
    throw new InvalidArgumentException("UNKNOWN_SIMULATION_SIZE",
        "unknown simulation size '" + id + "'; expected tiny, small or medium");
  }

  /** Grid shape in voxels {@code {nx, ny, nz}}. */
  public int[] shape() {
    return new int[] {nx, ny, nz};
  }

  public int nx() {
    return nx;
  }

  public int ny() {
    return ny;
  }

  public int nz() {
    return nz;
  }

  /** Volumes (time points) per run. */
  public int volumes() {
    return volumes;
  }

  /** Default number of subjects. */
  public int subjects() {
    return subjects;
  }

  /** Isotropic voxel size in mm. */
  public double voxelMm() {
    return voxelMm;
  }

  /** Default number of planted networks K. */
  public int networks() {
    return networks;
  }

  /** Default number of atlas regions R. */
  public int regions() {
    return regions;
  }

  /** Default per-voxel contrast-to-noise ratio at a network peak. */
  public double snr() {
    return snr;
  }

  /** The fixed blob σ in voxels, or empty for the automatic one. */
  public OptionalDouble blobSigmaVox() {
    return Double.isNaN(blobSigmaVox) ? OptionalDouble.empty() : OptionalDouble.of(blobSigmaVox);
  }

  /** Default gzip level of the {@code .nii.gz} files. */
  public int gzipLevel() {
    return gzipLevel;
  }
}
