package io.voxelflow.connectivity.service;

import io.voxelflow.api.types.v1.Artifact;
import io.voxelflow.api.types.v1.Provenance;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.flight.ArrowMatrices;
import io.voxelflow.flight.ArtifactStore;
import io.voxelflow.flight.FlightEndpoint;
import io.voxelflow.masking.mask.BinaryMask;
import io.voxelflow.masking.mask.Masking;
import io.voxelflow.masking.service.SignalExtractionService;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.npy.Npy;
import io.voxelflow.numerics.Matrix;
import io.voxelflow.storage.StorageProducer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What every connectivity method resolves: signal-matrix artifacts, masks (artifacts or stored
 * images), and where results go (artifacts addressed by inputs and parameters).
 */
@ApplicationScoped
public class ConnectivityInputs {
  /** Bumped when results of the same request would change. */
  public static final String ALGORITHM_VERSION = "connectivity-1";

  @Inject
  FlightEndpoint flight;

  @Inject
  StorageProducer storage;

  @Inject
  SignalExtractionService extraction;

  /** The artifact store. */
  public ArtifactStore artifacts() {
    return flight.artifacts();
  }

  /** A scratch directory of this process. */
  public Path scratch() {
    return storage.scratchDir();
  }

  /** A resolved input artifact: its record, content address and local file. */
  public record Input(Artifact artifact, String address, Path file) {}

  /** The matrix artifact named {@code name} (a field of the request named {@code field}). */
  public Input artifact(String name, String field) {
    if (name.isEmpty()) {
      throw new InvalidArgumentException("MISSING_FIELD", field + " is required");
    }
    if (!name.startsWith(ArtifactStore.PREFIX)) {
      throw new InvalidArgumentException("NOT_AN_ARTIFACT", field + " must name an artifact (artifacts/{key}), got '" + name + "'");
    }
    Artifact a = artifacts().get(name);
    return new Input(a, name + "@" + a.getSha256(), artifacts().localFile(a));
  }

  /** A resolved mask: the voxels and its content address. */
  public record MaskInput(BinaryMask mask, String address, String name) {}

  /** The mask named by {@code name}: a mask artifact or a stored image. */
  public MaskInput mask(String name, String field) {
    if (name.isEmpty()) {
      throw new InvalidArgumentException("MISSING_FIELD", field + " is required");
    }
    SignalExtractionService.MaskRef ref = extraction.mask(name);
    try (NiftiImage m = NiftiImage.open(ref.file())) {
      return new MaskInput(Masking.loadMask(m, false), ref.address(), name);
    }
  }

  /** Refuses a signals matrix whose columns are not the mask's voxels. */
  public static void requireMaskColumns(Input signals, MaskInput mask) {
    long columns = signals.artifact().getShapeCount() == 2 ? signals.artifact().getShape(1) : -1;
    if (columns != mask.mask().count()) {
      throw new InvalidArgumentException("SHAPE_MISMATCH", "the signals have " + columns + " columns but the mask has "
          + mask.mask().count() + " voxels: extract them with this mask").with("signals_columns", columns)
          .with("mask_voxels", mask.mask().count());
    }
  }

  /** A local 3-D image named by a request (for atlases and seed masks), with its address. */
  public SignalExtractionService.MaskRef image(String name, String field) {
    if (name.isEmpty()) {
      throw new InvalidArgumentException("MISSING_FIELD", field + " is required");
    }
    return extraction.mask(name);
  }

  /**
   * A matrix artifact's values: an Arrow matrix (rows × columns, e.g. signals from the masking
   * service or a DoPut) or a {@code .npy} (e.g. a connectome), as doubles.
   */
  public Matrix readMatrix(Input in) throws IOException {
    if ("application/x-npy".equals(in.artifact().getMediaType())) {
      try {
        return Matrix.readNpy(in.file());
      } catch (IllegalArgumentException e) {
        throw new InvalidArgumentException("NOT_A_MATRIX", in.artifact().getName() + ": " + e.getMessage());
      }
    }
    if (!ArtifactStore.MEDIA_TYPE.equals(in.artifact().getMediaType())) {
      throw new InvalidArgumentException("NOT_A_MATRIX", in.artifact().getName() + " is "
          + in.artifact().getMediaType() + ", not a matrix (Arrow or .npy)");
    }
    float[][] rows;
    try {
      rows = ArrowMatrices.readIpcFile(in.file());
    } catch (IOException e) {
      throw new InvalidArgumentException("NOT_A_MATRIX", in.artifact().getName() + " is not a matrix: " + e.getMessage());
    }
    int r = rows.length;
    int c = r == 0 ? 0 : rows[0].length;
    double[] d = new double[r * c];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        d[i * c + j] = rows[i][j];
      }
    }
    return new Matrix(r, c, d);
  }

  /** Writes a matrix as a float64 {@code .npy} in scratch (the file is the caller's). */
  public Path npy(Matrix m) throws IOException {
    Path f = Files.createTempFile(scratch(), "matrix-", ".npy");
    m.writeNpy(f);
    return f;
  }

  /** Writes a vector as a float64 {@code .npy} in scratch (the file is the caller's). */
  public Path npy(double[] v) throws IOException {
    Path f = Files.createTempFile(scratch(), "vector-", ".npy");
    Npy.write(f, v, v.length);
    return f;
  }

  /**
   * Stores {@code file} as a derived artifact and deletes it: {@code kind} names the output,
   * {@code key} its address.
   */
  public Artifact store(String key, Path file, String extension, String mediaType, List<Long> shape, String dtype,
      String method, String parametersJson, List<Input> inputs) throws IOException {
    try {
      Provenance.Builder prov = Provenance.newBuilder().setMethod(method).putParameters("json", parametersJson);
      for (Input in : inputs) {
        prov.addInputs(Provenance.Input.newBuilder().setName(in.artifact().getName()).setSha256(in.artifact().getSha256()));
      }
      return artifacts().putDerived(key, file, extension, mediaType, shape, dtype, prov.build());
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
