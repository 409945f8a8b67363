package io.voxelflow.masking.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.longrunning.Operation;
import io.voxelflow.api.ingest.v1.Image;
import io.voxelflow.api.masking.v1alpha1.ComputeEpiMaskRequest;
import io.voxelflow.api.masking.v1alpha1.ComputeEpiMaskResponse;
import io.voxelflow.api.masking.v1alpha1.ComputeMultiEpiMaskRequest;
import io.voxelflow.api.masking.v1alpha1.ComputeMultiEpiMaskResponse;
import io.voxelflow.api.masking.v1alpha1.EpiMaskParameters;
import io.voxelflow.api.masking.v1alpha1.MaskingServiceGrpc;
import io.voxelflow.api.types.v1.Artifact;
import io.voxelflow.api.types.v1.Provenance;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.flight.ArtifactStore;
import io.voxelflow.flight.FlightEndpoint;
import io.voxelflow.ingest.DatasetService;
import io.voxelflow.masking.mask.BinaryMask;
import io.voxelflow.masking.mask.EpiMaskOptions;
import io.voxelflow.masking.mask.Masking;
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
import java.util.Optional;

/**
 * The masking domain service: brain masks of stored images as long-running operations whose
 * results are artifacts addressed by their inputs and parameters — the same request again is
 * answered from storage at once.
 */
@ApplicationScoped
public class MaskingService {
  static final String METHOD_EPI = MaskingServiceGrpc.SERVICE_NAME + "/ComputeEpiMask";
  static final String METHOD_MULTI_EPI = MaskingServiceGrpc.SERVICE_NAME + "/ComputeMultiEpiMask";
  /** Version of the algorithms behind artifact keys: bump it when results change. */
  static final String ALGORITHM_VERSION = "masking-1";
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

  static EpiMaskOptions options(EpiMaskParameters p) {
    EpiMaskOptions o = EpiMaskOptions.defaults();
    double lower = p.hasLowerCutoff() ? p.getLowerCutoff() : o.lowerCutoff();
    double upper = p.hasUpperCutoff() ? p.getUpperCutoff() : o.upperCutoff();
    if (!(lower >= 0 && lower < upper && upper <= 1)) {
      throw new InvalidArgumentException("BAD_CUTOFFS", "cutoffs must satisfy 0 <= lower_cutoff < upper_cutoff <= 1, got "
          + lower + " and " + upper);
    }
    int opening = p.hasOpening() ? p.getOpening() : o.opening();
    if (opening < 0) {
      throw new InvalidArgumentException("BAD_OPENING", "opening must be >= 0, got " + opening);
    }
    return new EpiMaskOptions(lower, upper, p.hasConnected() ? p.getConnected() : o.connected(), opening,
        p.getExcludeZeros(), o.ensureFinite());
  }

  static ObjectNode parameters(EpiMaskOptions o) {
    ObjectNode n = JSON.createObjectNode();
    n.put("lower_cutoff", o.lowerCutoff());
    n.put("upper_cutoff", o.upperCutoff());
    n.put("connected", o.connected());
    n.put("opening", o.opening());
    n.put("exclude_zeros", o.excludeZeros());
    return n;
  }

  /** Starts {@code ComputeEpiMask}: nilearn's {@code compute_epi_mask} of one stored image. */
  public Operation computeEpiMask(ComputeEpiMaskRequest req) {
    Image image = datasets.image(req.getImage());
    EpiMaskOptions o = options(req.getParameters());
    ObjectNode params = parameters(o);
    String key = Addresses.artifactKey("epi_mask", List.of(Addresses.blob(image.getStoredSha256())), params, ALGORITHM_VERSION);
    return operations.submit(METHOD_EPI, req.getImage(), ctx -> {
      Artifact a = maskArtifact(key, METHOD_EPI, List.of(image), params, ctx, () -> {
        try (NiftiImage img = NiftiImage.open(datasets.localFile(image))) {
          return Masking.computeEpiMask(img, o);
        }
      });
      return ComputeEpiMaskResponse.newBuilder().setMask(a).setVoxelCount(a.getShape(3)).build();
    });
  }

  /** Starts {@code ComputeMultiEpiMask}: nilearn's {@code compute_multi_epi_mask} of several images. */
  public Operation computeMultiEpiMask(ComputeMultiEpiMaskRequest req) {
    if (req.getImagesCount() == 0) {
      throw new InvalidArgumentException("NO_IMAGES", "ComputeMultiEpiMask needs at least one image");
    }
    List<Image> images = new ArrayList<>();
    for (String name : req.getImagesList()) {
      images.add(datasets.image(name));
    }
    EpiMaskOptions o = options(req.getParameters());
    double threshold = req.hasThreshold() ? req.getThreshold() : 0.5;
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new InvalidArgumentException("BAD_THRESHOLD", "threshold must be within [0, 1], got " + threshold);
    }
    ObjectNode params = parameters(o).put("threshold", threshold);
    List<String> inputs = images.stream().map(i -> Addresses.blob(i.getStoredSha256())).toList();
    String key = Addresses.artifactKey("multi_epi_mask", inputs, params, ALGORITHM_VERSION);
    return operations.submit(METHOD_MULTI_EPI, "", ctx -> {
      Artifact a = maskArtifact(key, METHOD_MULTI_EPI, images, params, ctx, () -> {
        List<NiftiImage> open = new ArrayList<>();
        try {
          for (Image i : images) {
            open.add(NiftiImage.open(datasets.localFile(i)));
          }
          return Masking.computeMultiEpiMask(open, o, threshold);
        } finally {
          open.forEach(NiftiImage::close);
        }
      });
      return ComputeMultiEpiMaskResponse.newBuilder().setMask(a).setVoxelCount(a.getShape(3)).build();
    });
  }

  interface MaskComputation {
    BinaryMask compute() throws Exception;
  }

  /**
   * The mask artifact {@code key}: the stored one if it exists (a cache hit), else computed,
   * checked for emptiness and stored. Its shape is (X, Y, Z, voxel count).
   */
  private Artifact maskArtifact(String key, String method, List<Image> images, ObjectNode params,
      OperationContext ctx, MaskComputation c) throws Exception {
    Optional<Artifact> cached = artifacts().find(key);
    if (cached.isPresent()) {
      ctx.progress(1, "found in storage");
      return cached.get();
    }
    ctx.progress(0.1, "computing the mask");
    BinaryMask mask = c.compute();
    if (mask.count() == 0) {
      throw new io.voxelflow.error.FailedPreconditionException("EMPTY_MASK",
          "the mask is empty: no voxel passes the cutoffs; check the image or lower lower_cutoff");
    }
    ctx.progress(0.9, "storing the mask");
    Path file = Files.createTempFile(storage.scratchDir(), "mask-", ".nii.gz");
    try {
      Files.delete(file);
      mask.writeNifti(file);
      Provenance.Builder p = Provenance.newBuilder().setMethod(method).putParameters("json", params.toString());
      for (Image i : images) {
        p.addInputs(Provenance.Input.newBuilder().setName(i.getName()).setSha256(i.getStoredSha256()));
      }
      return artifacts().putDerived(key, file, ".nii.gz", "application/x-nifti-gz",
          List.of((long) mask.x(), (long) mask.y(), (long) mask.z(), (long) mask.count()), "uint8", p.build());
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
