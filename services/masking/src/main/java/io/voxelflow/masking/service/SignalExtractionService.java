package io.voxelflow.masking.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.longrunning.Operation;
import io.voxelflow.api.ingest.v1.Image;
import io.voxelflow.api.masking.v1alpha1.ExtractSignalsRequest;
import io.voxelflow.api.masking.v1alpha1.ExtractSignalsResponse;
import io.voxelflow.api.masking.v1alpha1.Matrix;
import io.voxelflow.api.masking.v1alpha1.MaskingServiceGrpc;
import io.voxelflow.api.masking.v1alpha1.SignalCleaning;
import io.voxelflow.api.masking.v1alpha1.SignalInput;
import io.voxelflow.api.types.v1.Artifact;
import io.voxelflow.api.types.v1.Provenance;
import io.voxelflow.error.FailedPreconditionException;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.flight.ArrowMatrices;
import io.voxelflow.flight.ArtifactStore;
import io.voxelflow.flight.FlightEndpoint;
import io.voxelflow.ingest.DatasetService;
import io.voxelflow.masking.extract.MaskedSignals;
import io.voxelflow.masking.mask.BinaryMask;
import io.voxelflow.masking.mask.Masking;
import io.voxelflow.masking.signal.CleanOptions;
import io.voxelflow.masking.signal.Signal;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.operations.OperationContext;
import io.voxelflow.operations.OperationManager;
import io.voxelflow.storage.Addresses;
import io.voxelflow.storage.StorageProducer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ExtractSignals}: nilearn's NiftiMasker — smooth, mask (voxels in C order of (i, j, k)),
 * {@code signal.clean} — for each input image, as one operation. Each result is a time × voxel
 * float32 matrix stored as an Arrow artifact addressed by the inputs (image, mask, confounds,
 * sample mask) and parameters, so the same request again is answered from storage.
 */
@ApplicationScoped
public class SignalExtractionService {
  static final String METHOD = MaskingServiceGrpc.SERVICE_NAME + "/ExtractSignals";
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject
  DatasetService datasets;

  @Inject
  FlightEndpoint flight;

  @Inject
  StorageProducer storage;

  @Inject
  OperationManager operations;

  ArtifactStore artifacts() {
    return flight.artifacts();
  }

  /** The mask named by a request: a mask artifact ({@code artifacts/…}) or a stored image. */
  record MaskRef(String address, Path file, String name) {}

  MaskRef mask(String name) {
    if (name.isEmpty()) {
      throw new InvalidArgumentException("MASK_REQUIRED",
          "ExtractSignals needs a mask: an artifact from ComputeEpiMask/ComputeMultiEpiMask or a stored mask image");
    }
    if (name.startsWith(ArtifactStore.PREFIX)) {
      Artifact a = artifacts().get(name);
      return new MaskRef(name + "@" + a.getSha256(), artifacts().localFile(a), name);
    }
    Image img = datasets.image(name);
    return new MaskRef(Addresses.blob(img.getStoredSha256()), datasets.localFile(img), name);
  }

  static ObjectNode parameters(ExtractSignalsRequest req) {
    ObjectNode p = JSON.createObjectNode();
    if (req.hasSmoothingFwhmMm()) {
      p.put("smoothing_fwhm_mm", req.getSmoothingFwhmMm());
    }
    SignalCleaning c = req.getCleaning();
    p.put("detrend", c.getDetrend());
    p.put("standardize", c.getStandardize().name());
    if (c.hasLowPassHz()) {
      p.put("low_pass_hz", c.getLowPassHz());
    }
    if (c.hasHighPassHz()) {
      p.put("high_pass_hz", c.getHighPassHz());
    }
    if (c.hasTRSeconds()) {
      p.put("t_r_seconds", c.getTRSeconds());
    }
    p.put("standardize_confounds", !c.hasStandardizeConfounds() || c.getStandardizeConfounds());
    return p;
  }

  static Signal.Standardize standardize(SignalCleaning.Standardize s) {
    return switch (s) {
      case STANDARDIZE_ZSCORE_SAMPLE -> Signal.Standardize.ZSCORE_SAMPLE;
      case STANDARDIZE_PSC -> Signal.Standardize.PSC;
      default -> Signal.Standardize.NONE; // NiftiMasker's default: nothing cleaned without flags
    };
  }

  static double[][] matrix(Matrix m, int expectedRows, String image) {
    if (m.getRows() * (long) m.getColumns() != m.getValuesCount()) {
      throw new InvalidArgumentException("BAD_CONFOUNDS", "confounds of " + image + " declare " + m.getRows() + "x"
          + m.getColumns() + " but carry " + m.getValuesCount() + " values");
    }
    if (m.getRows() != expectedRows) {
      throw new InvalidArgumentException("CONFOUNDS_SHAPE", "confounds of " + image + " have " + m.getRows()
          + " rows but the image has " + expectedRows + " volumes");
    }
    double[][] out = new double[m.getRows()][m.getColumns()];
    for (int r = 0; r < m.getRows(); r++) {
      for (int c = 0; c < m.getColumns(); c++) {
        double v = m.getValues(r * m.getColumns() + c);
        if (!Double.isFinite(v)) {
          throw new InvalidArgumentException("CONFOUNDS_NOT_FINITE", "confounds of " + image + " hold " + v
              + " at row " + r + ", column " + c + " (fill or drop that column)");
        }
        out[r][c] = v;
      }
    }
    return out;
  }

  /** Starts the extraction of every input; checks names, the mask and the options at once. */
  public Operation extract(ExtractSignalsRequest req) {
    if (req.getInputsCount() == 0) {
      throw new InvalidArgumentException("NO_INPUTS", "ExtractSignals needs at least one input image");
    }
    MaskRef mask = mask(req.getMask());
    List<Image> images = new ArrayList<>();
    for (SignalInput in : req.getInputsList()) {
      images.add(datasets.image(in.getImage()));
    }
    ObjectNode params = parameters(req);
    return operations.submit(METHOD, mask.name(), ctx -> run(req, images, mask, params, ctx));
  }

  ExtractSignalsResponse run(ExtractSignalsRequest req, List<Image> images, MaskRef maskRef, ObjectNode params,
      OperationContext ctx) throws Exception {
    BinaryMask mask;
    try (NiftiImage m = NiftiImage.open(maskRef.file())) {
      mask = Masking.loadMask(m, false);
    }
    ExtractSignalsResponse.Builder resp = ExtractSignalsResponse.newBuilder().setVoxelCount(mask.count());
    int n = images.size();
    for (int i = 0; i < n; i++) {
      ctx.checkCancelled();
      Image image = images.get(i);
      SignalInput input = req.getInputs(i);
      ctx.units(i, n, "extracting " + image.getName());
      ObjectNode p = params.deepCopy();
      ArrayNode sm = p.putArray("sample_mask");
      input.getSampleMaskList().forEach(sm::add);
      List<String> inputs = new ArrayList<>(List.of(Addresses.blob(image.getStoredSha256()), maskRef.address()));
      if (input.hasConfounds()) {
        inputs.add("confounds:" + Addresses.sha256Hex(input.getConfounds().toByteArray()));
      }
      String key = Addresses.artifactKey("extract_signals", inputs, p, MaskingService.ALGORITHM_VERSION);
      Optional<Artifact> cached = artifacts().find(key);
      if (cached.isPresent()) {
        resp.addSignals(cached.get());
        continue;
      }
      try (NiftiImage img = NiftiImage.open(datasets.localFile(image))) {
        if (!sameGrid(img, mask)) {
          throw new InvalidArgumentException("GRID_MISMATCH", image.getName() + " (" + java.util.Arrays.toString(img.header().shape())
              + ") and the mask (" + mask.x() + "x" + mask.y() + "x" + mask.z() + ") are not on the same grid");
        }
        SignalCleaning c = req.getCleaning();
        // The TR: the request's, else the BIDS sidecar's or the header's (recorded at ingest).
        Double tr = null;
        if (c.hasTRSeconds()) {
          tr = c.getTRSeconds();
        } else if (image.getRepetitionTimeSeconds() > 0) {
          tr = image.getRepetitionTimeSeconds();
        }
        CleanOptions.Builder clean = CleanOptions.builder()
            .detrend(c.getDetrend())
            .standardize(standardize(c.getStandardize()))
            .lowPass(c.hasLowPassHz() ? c.getLowPassHz() : null)
            .highPass(c.hasHighPassHz() ? c.getHighPassHz() : null)
            .tR(tr)
            .standardizeConfounds(!c.hasStandardizeConfounds() || c.getStandardizeConfounds());
        if ((c.hasLowPassHz() || c.hasHighPassHz()) && tr == null) {
          throw new FailedPreconditionException("MISSING_TR", "filtering " + image.getName()
              + " needs its repetition time: none in the request (t_r_seconds), the BIDS sidecar or the header");
        }
        if (input.hasConfounds()) {
          clean.confounds(matrix(input.getConfounds(), (int) img.volumeCount(), image.getName()));
        }
        if (input.getSampleMaskCount() > 0) {
          clean.sampleMask(input.getSampleMaskList().stream().mapToInt(Integer::intValue).toArray());
        }
        double[][] signals;
        try {
          signals = MaskedSignals.extract(img, mask, req.hasSmoothingFwhmMm() ? req.getSmoothingFwhmMm() : null, clean.build());
        } catch (IllegalArgumentException e) {
          throw new InvalidArgumentException("BAD_CLEANING", image.getName() + ": " + e.getMessage());
        }
        Path dir = storage.dataDir().resolve("scratch").resolve(Long.toString(ProcessHandle.current().pid()));
        Files.createDirectories(dir);
        Path file = Files.createTempFile(dir, "signals-", ".arrow");
        try {
          ArrowMatrices.writeIpcFile(file, signals, Map.of(
              "voxelflow.image", image.getName(),
              "voxelflow.mask", maskRef.name(),
              "voxelflow.voxel_order", "C(i,j,k) of the mask's voxels",
              "voxelflow.orientation", "rows = time points, columns = masked voxels"));
          Provenance.Builder prov = Provenance.newBuilder().setMethod(METHOD).putParameters("json", p.toString())
              .addInputs(Provenance.Input.newBuilder().setName(image.getName()).setSha256(image.getStoredSha256()))
              .addInputs(Provenance.Input.newBuilder().setName(maskRef.name()));
          resp.addSignals(artifacts().putDerived(key, file, ".arrow", ArtifactStore.MEDIA_TYPE,
              List.of((long) signals.length, (long) mask.count()), "float32", prov.build()));
        } finally {
          Files.deleteIfExists(file);
        }
      }
    }
    ctx.units(n, n, "done");
    return resp.build();
  }

  static boolean sameGrid(NiftiImage img, BinaryMask mask) {
    long[] s = img.header().shape();
    return s.length >= 3 && s[0] == mask.x() && s[1] == mask.y() && s[2] == mask.z();
  }
}
