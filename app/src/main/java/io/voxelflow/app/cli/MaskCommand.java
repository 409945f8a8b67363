package io.voxelflow.app.cli;

import io.voxelflow.client.FlightConnection;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.longrunning.Operation;
import io.grpc.ManagedChannel;
import io.grpc.protobuf.StatusProto;
import io.quarkus.arc.Arc;
import io.voxelflow.api.masking.v1alpha1.ComputeEpiMaskRequest;
import io.voxelflow.api.masking.v1alpha1.ComputeEpiMaskResponse;
import io.voxelflow.api.masking.v1alpha1.ComputeMultiEpiMaskRequest;
import io.voxelflow.api.masking.v1alpha1.ComputeMultiEpiMaskResponse;
import io.voxelflow.api.masking.v1alpha1.EpiMaskParameters;
import io.voxelflow.api.masking.v1alpha1.ExtractLabelsSignalsRequest;
import io.voxelflow.api.masking.v1alpha1.ExtractLabelsSignalsResponse;
import io.voxelflow.api.masking.v1alpha1.ExtractMapsSignalsRequest;
import io.voxelflow.api.masking.v1alpha1.ExtractMapsSignalsResponse;
import io.voxelflow.api.masking.v1alpha1.ExtractSignalsRequest;
import io.voxelflow.api.masking.v1alpha1.ExtractSignalsResponse;
import io.voxelflow.api.masking.v1alpha1.SignalCleaning;
import io.voxelflow.api.masking.v1alpha1.SignalInput;
import io.voxelflow.flight.ArrowMatrices;
import io.voxelflow.masking.extract.MaskedSignals;
import io.voxelflow.masking.mask.BinaryMask;
import io.voxelflow.masking.mask.Masking;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.npy.Npy;
import io.voxelflow.api.masking.v1alpha1.MaskingServiceGrpc;
import io.voxelflow.api.types.v1.Artifact;
import io.voxelflow.flight.FlightEndpoint;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarBinaryVector;

/**
 * {@code mask compute-epi IMG [IMG…] --out MASK.nii.gz}: nilearn's {@code compute_epi_mask} (one
 * image) or {@code compute_multi_epi_mask} (several), through the masking service. An IMG is a
 * local {@code .nii}/{@code .nii.gz} (uploaded first) or a stored image's name. The mask is an
 * artifact addressed by its inputs and parameters: asking again is answered from storage.
 */
public final class MaskCommand implements Command {
  @Override
  public String name() {
    return "mask";
  }

  @Override
  public String synopsis() {
    return "mask compute-epi IMG [IMG...] --out MASK.nii.gz [--lower-cutoff 0.2] [--upper-cutoff 0.85] [--opening 2]\n"
        + "      [--threshold 0.5 (several images)] [--server HOST:PORT [--flight HOST:PORT]]\n"
        + "      nilearn's compute_epi_mask / compute_multi_epi_mask; IMG is a local NIfTI file or a stored image name\n"
        + "  mask extract IMG --mask MASK --out OUT.npy [--smoothing-fwhm MM] [--detrend]\n"
        + "      [--standardize zscore_sample|psc|none] [--low-pass HZ] [--high-pass HZ] [--t-r S]\n"
        + "      [--confounds TSV] [--sample-mask FILE] [--server HOST:PORT [--flight HOST:PORT]]\n"
        + "      nilearn's NiftiMasker: time x voxels float32 .npy, or Arrow IPC for OUT.arrow (voxels in C order\n"
        + "      of (i, j, k)); MASK is a file,\n"
        + "      a stored image or a mask artifact; without cleaning flags nothing is cleaned\n"
        + "  mask labels IMG --atlas LABELS.nii.gz --out OUT.npy [--smoothing-fwhm MM] [cleaning options]\n"
        + "      nilearn's NiftiLabelsMasker: time x regions (regions by label value; mean)\n"
        + "  mask maps IMG --maps MAPS.nii.gz --out OUT.npy [--smoothing-fwhm MM] [cleaning options]\n"
        + "      nilearn's NiftiMapsMasker: time x maps (least squares); atlases on another grid are resampled once\n"
        + "  mask unmask MATRIX.npy --mask MASK.nii.gz --out OUT.nii.gz   (local) rows back to volumes (inverse_transform)\n"
        + "  mask from-image IMG --out MASK.nii.gz | mask from-atlas ATLAS --out MASK.nii.gz   (local) non-zero / labels > 0";
  }

  @Override
  public Set<String> valued() {
    return Set.of("out", "lower-cutoff", "upper-cutoff", "opening", "threshold", "server", "flight",
        "mask", "smoothing-fwhm", "standardize", "low-pass", "high-pass", "t-r", "confounds", "sample-mask", "atlas", "maps");
  }

  @Override
  public Set<String> flags() {
    return Set.of("detrend");
  }

  static double doubleOption(Args a, String name) {
    try {
      return Double.parseDouble(a.required(name));
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be a number, got '" + a.option(name, "") + "'");
    }
  }

  @Override
  public int run(Args args, CliIo io) throws Exception {
    List<String> pos = args.positional();
    if (!pos.isEmpty() && (pos.get(0).equals("extract") || pos.get(0).equals("labels") || pos.get(0).equals("maps"))) {
      return extract(args, io);
    }
    if (!pos.isEmpty() && (pos.get(0).equals("unmask") || pos.get(0).equals("from-image") || pos.get(0).equals("from-atlas"))) {
      return local(args, io);
    }
    if (pos.isEmpty() || !pos.get(0).equals("compute-epi")) {
      throw new UsageException("mask needs a verb: compute-epi IMG [IMG...] --out MASK.nii.gz, or extract IMG --mask MASK --out OUT.npy");
    }
    if (pos.size() < 2) {
      throw new UsageException("mask compute-epi needs at least one image");
    }
    Path out = args.pathOption("out");
    EpiMaskParameters.Builder p = EpiMaskParameters.newBuilder();
    if (args.option("lower-cutoff", null) != null) {
      p.setLowerCutoff(doubleOption(args, "lower-cutoff"));
    }
    if (args.option("upper-cutoff", null) != null) {
      p.setUpperCutoff(doubleOption(args, "upper-cutoff"));
    }
    if (args.option("opening", null) != null) {
      p.setOpening((int) args.longOption("opening", 2));
    }
    String server = args.option("server", null);
    ManagedChannel ch = Endpoint.channel(server);
    try {
      List<String> names = new ArrayList<>();
      for (String img : pos.subList(1, pos.size())) {
        names.add(imageName(ch, img, io));
      }
      var stub = MaskingServiceGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS);
      Operation op = names.size() == 1
          ? stub.computeEpiMask(ComputeEpiMaskRequest.newBuilder().setImage(names.get(0)).setParameters(p).build())
          : stub.computeMultiEpiMask(ComputeMultiEpiMaskRequest.newBuilder().addAllImages(names).setParameters(p)
              .setThreshold(args.option("threshold", null) == null ? 0.5 : doubleOption(args, "threshold")).build());
      Operation done = IngestCommand.watch(ch, op.getName(), "mask", io);
      if (done.hasError()) {
        throw StatusProto.toStatusRuntimeException(done.getError());
      }
      Artifact mask;
      long voxels;
      if (names.size() == 1) {
        ComputeEpiMaskResponse r = done.getResponse().unpack(ComputeEpiMaskResponse.class);
        mask = r.getMask();
        voxels = r.getVoxelCount();
      } else {
        ComputeMultiEpiMaskResponse r = done.getResponse().unpack(ComputeMultiEpiMaskResponse.class);
        mask = r.getMask();
        voxels = r.getVoxelCount();
      }
      download(mask, flightTarget(server, args.option("flight", null)), out);
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("mask", out.toAbsolutePath().toString());
      o.put("artifact", mask.getName());
      o.put("voxel_count", voxels);
      io.printJson(o);
    } finally {
      Endpoint.close(ch);
    }
    return 0;
  }

  /** The cleaning flags shared by extract, labels and maps. */
  static SignalCleaning cleaning(Args args) {
    SignalCleaning.Builder c = SignalCleaning.newBuilder().setDetrend(args.flag("detrend"));
    switch (args.option("standardize", "none")) {
      case "zscore_sample" -> c.setStandardize(SignalCleaning.Standardize.STANDARDIZE_ZSCORE_SAMPLE);
      case "psc" -> c.setStandardize(SignalCleaning.Standardize.STANDARDIZE_PSC);
      case "none" -> c.setStandardize(SignalCleaning.Standardize.STANDARDIZE_NONE);
      default -> throw new UsageException("--standardize must be zscore_sample, psc or none, got '" + args.option("standardize", "") + "'");
    }
    if (args.option("low-pass", null) != null) {
      c.setLowPassHz(doubleOption(args, "low-pass"));
    }
    if (args.option("high-pass", null) != null) {
      c.setHighPassHz(doubleOption(args, "high-pass"));
    }
    if (args.option("t-r", null) != null) {
      c.setTRSeconds(doubleOption(args, "t-r"));
    }
    return c.build();
  }

  /** The one input of a CLI extraction: the image (uploaded if local), confounds, sample mask. */
  static SignalInput input(ManagedChannel ch, Args args, String img, CliIo io) throws Exception {
    SignalInput.Builder input = SignalInput.newBuilder().setImage(imageName(ch, img, io));
    if (args.option("confounds", null) != null) {
      input.setConfounds(Confounds.readTsv(Path.of(args.required("confounds"))));
    }
    if (args.option("sample-mask", null) != null) {
      input.addAllSampleMask(Confounds.readIndices(Path.of(args.required("sample-mask"))));
    }
    return input.build();
  }

  /** A stored file or artifact reference: artifacts as they are, local files uploaded. */
  static String reference(ManagedChannel ch, String arg, CliIo io) throws Exception {
    return arg.startsWith("artifacts/") ? arg : imageName(ch, arg, io);
  }

  int extract(Args args, CliIo io) throws Exception {
    List<String> pos = args.positional();
    String verb = pos.get(0);
    if (pos.size() != 2) {
      throw new UsageException("mask " + verb + " needs one image: mask " + verb + " IMG ... --out OUT.npy");
    }
    Path out = args.pathOption("out");
    String server = args.option("server", null);
    ManagedChannel ch = Endpoint.channel(server);
    try {
      SignalInput input = input(ch, args, pos.get(1), io);
      SignalCleaning c = cleaning(args);
      var stub = MaskingServiceGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS);
      Operation op;
      switch (verb) {
        case "extract" -> {
          ExtractSignalsRequest.Builder req = ExtractSignalsRequest.newBuilder().addInputs(input)
              .setMask(reference(ch, args.required("mask"), io)).setCleaning(c);
          if (args.option("smoothing-fwhm", null) != null) {
            req.setSmoothingFwhmMm(doubleOption(args, "smoothing-fwhm"));
          }
          op = stub.extractSignals(req.build());
        }
        case "labels" -> {
          ExtractLabelsSignalsRequest.Builder req = ExtractLabelsSignalsRequest.newBuilder().addInputs(input)
              .setLabelsImage(reference(ch, args.required("atlas"), io)).setCleaning(c);
          if (args.option("smoothing-fwhm", null) != null) {
            req.setSmoothingFwhmMm(doubleOption(args, "smoothing-fwhm"));
          }
          op = stub.extractLabelsSignals(req.build());
        }
        default -> {
          ExtractMapsSignalsRequest.Builder req = ExtractMapsSignalsRequest.newBuilder().addInputs(input)
              .setMapsImage(reference(ch, args.required("maps"), io)).setCleaning(c);
          if (args.option("smoothing-fwhm", null) != null) {
            req.setSmoothingFwhmMm(doubleOption(args, "smoothing-fwhm"));
          }
          op = stub.extractMapsSignals(req.build());
        }
      }
      Operation done = IngestCommand.watch(ch, op.getName(), verb, io);
      if (done.hasError()) {
        throw StatusProto.toStatusRuntimeException(done.getError());
      }
      Artifact signals = switch (verb) {
        case "extract" -> done.getResponse().unpack(ExtractSignalsResponse.class).getSignals(0);
        case "labels" -> done.getResponse().unpack(ExtractLabelsSignalsResponse.class).getSignals(0);
        default -> done.getResponse().unpack(ExtractMapsSignalsResponse.class).getSignals(0);
      };
      long[] shape = downloadNpy(signals, flightTarget(server, args.option("flight", null)), out);
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("signals", out.toAbsolutePath().toString());
      o.put("artifact", signals.getName());
      o.putArray("shape").add(shape[0]).add(shape[1]);
      io.printJson(o);
    } finally {
      Endpoint.close(ch);
    }
    return 0;
  }

  /**
   * Reads an Arrow matrix artifact over Flight and writes it as a float32 {@code .npy}, or as an
   * Arrow IPC file when {@code out} ends in {@code .arrow}; returns its shape.
   */
  static long[] downloadNpy(Artifact matrix, Location flight, Path out) throws Exception {
    float[][] rows;
    try (RootAllocator alloc = new RootAllocator();
         FlightConnection client = FlightConnection.connect(flight, alloc)) {
      rows = io.voxelflow.client.FlightArtifacts.readMatrix(client, matrix);
    }
    int t = rows.length;
    int v = t == 0 ? 0 : rows[0].length;
    if (out.getFileName().toString().endsWith(".arrow")) {
      double[][] d = new double[t][v];
      for (int i = 0; i < t; i++) {
        for (int j = 0; j < v; j++) {
          d[i][j] = rows[i][j];
        }
      }
      ArrowMatrices.writeIpcFile(out, d, java.util.Map.of("voxelflow.artifact", matrix.getName()));
      return new long[] {t, v};
    }
    float[] flat = new float[t * v];
    for (int i = 0; i < t; i++) {
      System.arraycopy(rows[i], 0, flat, i * v, v);
    }
    Npy.write(out, flat, t, v);
    return new long[] {t, v};
  }

  /**
   * Local operations on files (no service): {@code unmask} (NiftiMasker.inverse_transform of a
   * time × voxels .npy), {@code from-image} (non-zero voxels) and {@code from-atlas} (labels > 0).
   */
  int local(Args args, CliIo io) throws Exception {
    List<String> pos = args.positional();
    if (pos.size() != 2) {
      throw new UsageException("mask " + pos.get(0) + " needs one input file");
    }
    Path in = Path.of(pos.get(1));
    Path out = args.pathOption("out");
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    switch (pos.get(0)) {
      case "unmask" -> {
        BinaryMask mask;
        try (NiftiImage m = NiftiImage.open(Path.of(args.required("mask")))) {
          mask = Masking.loadMask(m, false);
        }
        Npy.NpyArray a = Npy.read(in);
        long[] shape = a.shape();
        int rows = shape.length == 1 ? 1 : (int) shape[0];
        int cols = (int) shape[shape.length - 1];
        if (cols != mask.count()) {
          throw new UsageException(in + " has " + cols + " columns but the mask has " + mask.count() + " voxels");
        }
        double[] flat = a.toDoubleArray();
        double[][] m = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
          System.arraycopy(flat, r * cols, m[r], 0, cols);
        }
        MaskedSignals.writeNifti(out, m, mask);
        o.put("image", out.toAbsolutePath().toString());
        o.putArray("shape").add(mask.x()).add(mask.y()).add(mask.z()).add(rows);
      }
      default -> {
        BinaryMask mask;
        try (NiftiImage img = NiftiImage.open(in)) {
          mask = pos.get(0).equals("from-atlas") ? Masking.maskFromAtlas(img)
              : Masking.maskFromImage(img);
        }
        mask.writeNifti(out);
        o.put("mask", out.toAbsolutePath().toString());
        o.put("voxel_count", mask.count());
      }
    }
    io.printJson(o);
    return 0;
  }

  /** A stored image's name, uploading a local file first. */
  static String imageName(ManagedChannel ch, String arg, CliIo io) throws Exception {
    if (arg.startsWith("images/") || arg.startsWith("datasets/")) {
      return arg;
    }
    Path p = Path.of(arg);
    if (!Files.isRegularFile(p)) {
      throw new UsageException("no such image file: " + arg + " (or give a stored image's name, images/… or datasets/…)");
    }
    return IngestCommand.uploadImage(ch, p, io).getImage().getName();
  }

  static Location flightTarget(String server, String flight) {
    if (flight != null) {
      String[] hp = flight.split(":");
      return Location.forGrpcInsecure(hp[0], Integer.parseInt(hp[1]));
    }
    if (server != null) {
      return Location.forGrpcInsecure(server.substring(0, server.lastIndexOf(':')), 8815);
    }
    return Location.forGrpcInsecure("127.0.0.1", Arc.container().instance(FlightEndpoint.class).get().port());
  }

  /** Writes a non-Arrow artifact's bytes (streamed over Flight) to {@code out}, atomically. */
  static void download(Artifact artifact, Location flight, Path out) throws Exception {
    try (RootAllocator alloc = new RootAllocator();
         FlightConnection client = FlightConnection.connect(flight, alloc)) {
      io.voxelflow.client.FlightArtifacts.downloadBytes(client, artifact, out);
    }
  }
}
