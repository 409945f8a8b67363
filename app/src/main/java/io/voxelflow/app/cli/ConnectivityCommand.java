package io.voxelflow.app.cli;

import io.voxelflow.client.FlightConnection;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.longrunning.Operation;
import io.grpc.ManagedChannel;
import io.grpc.protobuf.StatusProto;
import io.voxelflow.api.connectivity.v1alpha1.AtlasLabelSeed;
import io.voxelflow.api.connectivity.v1alpha1.ComputeConnectomeRequest;
import io.voxelflow.api.connectivity.v1alpha1.ComputeConnectomeResponse;
import io.voxelflow.api.connectivity.v1alpha1.ConnectivityServiceGrpc;
import io.voxelflow.api.connectivity.v1alpha1.EdgeThreshold;
import io.voxelflow.api.connectivity.v1alpha1.SeedCorrelationRequest;
import io.voxelflow.api.connectivity.v1alpha1.SeedCorrelationResponse;
import io.voxelflow.api.connectivity.v1alpha1.SphereSeed;
import io.voxelflow.api.connectivity.v1alpha1.VoxelwiseConnectomeRequest;
import io.voxelflow.api.connectivity.v1alpha1.VoxelwiseConnectomeResponse;
import io.voxelflow.api.masking.v1alpha1.ExtractSignalsRequest;
import io.voxelflow.api.masking.v1alpha1.ExtractSignalsResponse;
import io.voxelflow.api.masking.v1alpha1.MaskingServiceGrpc;
import io.voxelflow.api.types.v1.Artifact;
import io.voxelflow.client.FlightArtifacts;
import io.voxelflow.npy.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.memory.RootAllocator;

/**
 * {@code connectivity}: region-level connectomes (nilearn's ConnectivityMeasure), seed-based maps
 * and voxelwise graphs, through the connectivity service (embedded by default, {@code --server}
 * remote). Inputs are uploaded first: signal matrices by Flight DoPut, images by the ingest upload.
 */
public final class ConnectivityCommand implements Command {
  @Override
  public String name() {
    return "connectivity";
  }

  @Override
  public String synopsis() {
    return "connectivity --kind correlation|partial_correlation|tangent|covariance|precision --out DIR\n"
        + "      [--estimator ledoit_wolf|empirical] [--vectorize] [--discard-diagonal] [--fisher-z] INPUT [INPUT...]\n"
        + "      nilearn's ConnectivityMeasure; INPUT is a time x regions .npy (3-D: subjects x time x regions),\n"
        + "      a .csv/.tsv with a header row, or a signals artifact; writes DIR/<stem>.npy and DIR/group_mean.npy\n"
        + "  connectivity seed IMG --mask MASK (--coords X,Y,Z --radius MM | --seed-mask SEED | --atlas A --label L)\n"
        + "      --out MAP.nii.gz [--fisher-z] [cleaning options as for mask extract]\n"
        + "      seed-to-voxel Pearson r map (and arctanh(r) as MAP_z.nii.gz with --fisher-z)\n"
        + "  connectivity voxelwise IMG --mask MASK (--threshold R | --density D | --top-k K | --adaptive)\n"
        + "      [--keep-negative] --out DIR [cleaning options]   all voxel pairs in tiles -> DIR/edges.arrow,\n"
        + "      DIR/degree.nii.gz, DIR/strength.nii.gz";
  }

  @Override
  public Set<String> valued() {
    return Set.of("kind", "out", "estimator", "server", "flight", "mask", "coords", "radius", "seed-mask", "atlas", "label",
        "threshold", "density", "top-k", "smoothing-fwhm", "standardize", "low-pass", "high-pass", "t-r", "confounds",
        "sample-mask");
  }

  @Override
  public Set<String> flags() {
    return Set.of("vectorize", "discard-diagonal", "fisher-z", "keep-negative", "adaptive", "detrend");
  }

  @Override
  public int run(Args args, CliIo io) throws Exception {
    List<String> pos = args.positional();
    if (!pos.isEmpty() && pos.get(0).equals("seed")) {
      return seed(args, io);
    }
    if (!pos.isEmpty() && pos.get(0).equals("voxelwise")) {
      return voxelwise(args, io);
    }
    return connectome(args, io);
  }

  // ------------------------------------------------------------------ region-level connectomes

  static ComputeConnectomeRequest.Kind kind(String k) {
    return switch (k) {
      case "correlation" -> ComputeConnectomeRequest.Kind.KIND_CORRELATION;
      case "partial_correlation", "partial correlation" -> ComputeConnectomeRequest.Kind.KIND_PARTIAL_CORRELATION;
      case "tangent" -> ComputeConnectomeRequest.Kind.KIND_TANGENT;
      case "covariance" -> ComputeConnectomeRequest.Kind.KIND_COVARIANCE;
      case "precision" -> ComputeConnectomeRequest.Kind.KIND_PRECISION;
      default -> throw new UsageException(
          "--kind must be correlation, partial_correlation, tangent, covariance or precision, got '" + k + "'");
    };
  }

  /** One subject's input: an output name and either a local matrix or an artifact name. */
  record Subject(String stem, float[][] rows, String artifact) {}

  int connectome(Args args, CliIo io) throws Exception {
    List<String> inputs = args.positional();
    if (inputs.isEmpty()) {
      throw new UsageException("connectivity needs at least one input: time x regions .npy/.csv/.tsv files or artifacts");
    }
    ComputeConnectomeRequest.Builder req = ComputeConnectomeRequest.newBuilder().setKind(kind(args.required("kind")))
        .setVectorize(args.flag("vectorize")).setDiscardDiagonal(args.flag("discard-diagonal"))
        .setFisherZ(args.flag("fisher-z"));
    switch (args.option("estimator", "ledoit_wolf")) {
      case "ledoit_wolf" -> req.setEstimator(ComputeConnectomeRequest.Estimator.ESTIMATOR_LEDOIT_WOLF);
      case "empirical" -> req.setEstimator(ComputeConnectomeRequest.Estimator.ESTIMATOR_EMPIRICAL);
      default -> throw new UsageException("--estimator must be ledoit_wolf or empirical");
    }
    Path out = args.pathOption("out");
    List<Subject> subjects = new ArrayList<>();
    for (String in : inputs) {
      subjects.addAll(readSubjects(in));
    }
    Set<String> stems = new HashSet<>();
    for (Subject s : subjects) {
      if (!stems.add(s.stem())) {
        throw new UsageException("two inputs would both write " + s.stem() + ".npy: rename one (outputs are named after input stems)");
      }
      if (s.stem().equals("group_mean")) {
        throw new UsageException("an input named group_mean would clash with the group mean output");
      }
    }
    String server = args.option("server", null);
    ManagedChannel ch = Endpoint.channel(server);
    try (RootAllocator alloc = new RootAllocator();
         FlightConnection flight = FlightConnection.connect(MaskCommand.flightTarget(server, args.option("flight", null)), alloc)) {
      for (Subject s : subjects) {
        req.addSignals(s.artifact() != null ? s.artifact()
            : FlightArtifacts.putMatrix(flight, s.rows(), Map.of("voxelflow.source", s.stem())).getName());
      }
      Operation op = ConnectivityServiceGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS)
          .computeConnectome(req.build());
      ComputeConnectomeResponse r = await(ch, op, "connectome", io).getResponse().unpack(ComputeConnectomeResponse.class);
      Files.createDirectories(out);
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      ArrayNode files = o.putArray("connectomes");
      for (int i = 0; i < subjects.size(); i++) {
        Path f = out.resolve(subjects.get(i).stem() + ".npy");
        FlightArtifacts.downloadBytes(flight, r.getConnectomes(i), f);
        files.add(f.toAbsolutePath().toString());
      }
      Path mean = out.resolve("group_mean.npy");
      FlightArtifacts.downloadBytes(flight, r.getMean(), mean);
      o.put("group_mean", mean.toAbsolutePath().toString());
      o.put("region_count", r.getRegionCount());
      o.put("kind", args.required("kind"));
      io.printJson(o);
    } finally {
      Endpoint.close(ch);
    }
    return 0;
  }

  /** The subjects in one input argument (a 3-D .npy holds several). */
  static List<Subject> readSubjects(String in) throws IOException {
    if (in.startsWith("artifacts/")) {
      return List.of(new Subject(in.substring("artifacts/".length()), null, in));
    }
    Path p = Path.of(in);
    if (!Files.isRegularFile(p)) {
      throw new UsageException("no such input file: " + in);
    }
    String file = p.getFileName().toString();
    String stem = file.replaceFirst("\\.(npy|csv|tsv)$", "");
    if (file.endsWith(".npy")) {
      Npy.NpyArray a = Npy.read(p);
      long[] shape = a.shape();
      double[] flat = a.toDoubleArray();
      if (shape.length == 2) {
        return List.of(new Subject(stem, rows(flat, 0, (int) shape[0], (int) shape[1]), null));
      }
      if (shape.length == 3) {
        List<Subject> out = new ArrayList<>();
        int t = (int) shape[1];
        int r = (int) shape[2];
        for (int s = 0; s < shape[0]; s++) {
          out.add(new Subject(stem + "_" + s, rows(flat, s * t * r, t, r), null));
        }
        return out;
      }
      throw new UsageException(in + " has shape " + java.util.Arrays.toString(shape)
          + "; expected time x regions, or subjects x time x regions");
    }
    if (file.endsWith(".csv") || file.endsWith(".tsv")) {
      return List.of(new Subject(stem, readTable(p, file.endsWith(".csv") ? "," : "\t"), null));
    }
    throw new UsageException(in + ": inputs are .npy, .csv or .tsv files, or artifacts/… names");
  }

  private static float[][] rows(double[] flat, int offset, int t, int r) {
    float[][] m = new float[t][r];
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < r; j++) {
        m[i][j] = (float) flat[offset + i * r + j];
      }
    }
    return m;
  }

  /** A delimited table with a header row: one row per time point, one column per region. */
  static float[][] readTable(Path p, String sep) throws IOException {
    List<String> lines = Files.readAllLines(p);
    if (lines.size() < 2) {
      throw new UsageException(p + ": needs a header row and at least one row of values");
    }
    int cols = lines.get(0).split(sep, -1).length;
    List<float[]> rows = new ArrayList<>();
    for (int l = 1; l < lines.size(); l++) {
      if (lines.get(l).isBlank()) {
        continue;
      }
      String[] cells = lines.get(l).split(sep, -1);
      if (cells.length != cols) {
        throw new UsageException(p + ": row " + (l + 1) + " has " + cells.length + " columns, the header " + cols);
      }
      float[] row = new float[cols];
      for (int c = 0; c < cols; c++) {
        String v = cells[c].trim();
        try {
          row[c] = v.equals("n/a") || v.isEmpty() ? Float.NaN : Float.parseFloat(v);
        } catch (NumberFormatException e) {
          throw new UsageException(p + ": row " + (l + 1) + " holds '" + v + "', not a number");
        }
      }
      rows.add(row);
    }
    return rows.toArray(new float[0][]);
  }

  // ------------------------------------------------------------------ voxel-level

  /** Extracts IMG's signals with MASK through the masking service (cleaning flags as mask extract). */
  static ExtractSignalsResponse extract(ManagedChannel ch, Args args, String img, String mask, CliIo io) throws Exception {
    ExtractSignalsRequest.Builder req = ExtractSignalsRequest.newBuilder().addInputs(MaskCommand.input(ch, args, img, io))
        .setMask(mask).setCleaning(MaskCommand.cleaning(args));
    if (args.option("smoothing-fwhm", null) != null) {
      req.setSmoothingFwhmMm(MaskCommand.doubleOption(args, "smoothing-fwhm"));
    }
    Operation op = MaskingServiceGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS).extractSignals(req.build());
    return await(ch, op, "extract", io).getResponse().unpack(ExtractSignalsResponse.class);
  }

  int seed(Args args, CliIo io) throws Exception {
    List<String> pos = args.positional();
    if (pos.size() != 2) {
      throw new UsageException("connectivity seed needs one image: connectivity seed IMG --mask MASK ... --out MAP.nii.gz");
    }
    Path out = args.pathOption("out");
    String server = args.option("server", null);
    ManagedChannel ch = Endpoint.channel(server);
    try (RootAllocator alloc = new RootAllocator();
         FlightConnection flight = FlightConnection.connect(MaskCommand.flightTarget(server, args.option("flight", null)), alloc)) {
      String mask = MaskCommand.reference(ch, args.required("mask"), io);
      SeedCorrelationRequest.Builder req = SeedCorrelationRequest.newBuilder().setMask(mask).setFisherZ(args.flag("fisher-z"));
      if (args.option("coords", null) != null) {
        String[] xyz = args.required("coords").split(",");
        if (xyz.length != 3) {
          throw new UsageException("--coords must be X,Y,Z in mm, got '" + args.required("coords") + "'");
        }
        try {
          req.setSphere(SphereSeed.newBuilder().setXMm(Double.parseDouble(xyz[0])).setYMm(Double.parseDouble(xyz[1]))
              .setZMm(Double.parseDouble(xyz[2]))
              .setRadiusMm(args.option("radius", null) == null ? 0 : MaskCommand.doubleOption(args, "radius")));
        } catch (NumberFormatException e) {
          throw new UsageException("--coords must be three numbers X,Y,Z in mm, got '" + args.required("coords") + "'");
        }
      } else if (args.option("seed-mask", null) != null) {
        req.setSeedMask(MaskCommand.reference(ch, args.required("seed-mask"), io));
      } else if (args.option("atlas", null) != null) {
        req.setAtlasLabel(AtlasLabelSeed.newBuilder().setLabelsImage(MaskCommand.reference(ch, args.required("atlas"), io))
            .setLabel((int) args.longOption("label", 0)));
      } else {
        throw new UsageException("connectivity seed needs a seed: --coords X,Y,Z [--radius MM], --seed-mask IMG, or --atlas A --label L");
      }
      ExtractSignalsResponse signals = extract(ch, args, pos.get(1), mask, io);
      req.setSignals(signals.getSignals(0).getName());
      Operation op = ConnectivityServiceGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS)
          .seedCorrelation(req.build());
      SeedCorrelationResponse r = await(ch, op, "seed", io).getResponse().unpack(SeedCorrelationResponse.class);
      FlightArtifacts.downloadBytes(flight, r.getCorrelationMap(), out);
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("correlation_map", out.toAbsolutePath().toString());
      if (r.hasFisherZMap()) {
        Path z = out.resolveSibling(out.getFileName().toString().replaceFirst("(\\.nii(\\.gz)?)?$", "_z$1"));
        FlightArtifacts.downloadBytes(flight, r.getFisherZMap(), z);
        o.put("fisher_z_map", z.toAbsolutePath().toString());
      }
      o.put("seed_voxel_count", r.getSeedVoxelCount());
      o.put("artifact", r.getCorrelationMap().getName());
      io.printJson(o);
    } finally {
      Endpoint.close(ch);
    }
    return 0;
  }

  /** The edge rule from --threshold / --density / --top-k / --adaptive (exactly one). */
  static EdgeThreshold threshold(Args args) {
    EdgeThreshold.Builder t = EdgeThreshold.newBuilder().setKeepNegative(args.flag("keep-negative"));
    int rules = 0;
    if (args.option("threshold", null) != null) {
      t.setAbsolute(MaskCommand.doubleOption(args, "threshold"));
      rules++;
    }
    if (args.option("density", null) != null) {
      t.setDensity(MaskCommand.doubleOption(args, "density"));
      rules++;
    }
    if (args.option("top-k", null) != null) {
      t.setTopK((int) args.longOption("top-k", 0));
      rules++;
    }
    if (args.flag("adaptive")) {
      t.setAdaptive(true);
      rules++;
    }
    if (rules != 1) {
      throw new UsageException("give exactly one edge rule: --threshold R, --density D, --top-k K or --adaptive");
    }
    return t.build();
  }

  int voxelwise(Args args, CliIo io) throws Exception {
    List<String> pos = args.positional();
    if (pos.size() != 2) {
      throw new UsageException("connectivity voxelwise needs one image: connectivity voxelwise IMG --mask MASK --threshold R --out DIR");
    }
    EdgeThreshold rule = threshold(args);
    Path out = args.pathOption("out");
    String server = args.option("server", null);
    ManagedChannel ch = Endpoint.channel(server);
    try (RootAllocator alloc = new RootAllocator();
         FlightConnection flight = FlightConnection.connect(MaskCommand.flightTarget(server, args.option("flight", null)), alloc)) {
      String mask = MaskCommand.reference(ch, args.required("mask"), io);
      ExtractSignalsResponse signals = extract(ch, args, pos.get(1), mask, io);
      Operation op = ConnectivityServiceGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS)
          .voxelwiseConnectome(VoxelwiseConnectomeRequest.newBuilder().setSignals(signals.getSignals(0).getName())
              .setMask(mask).setThreshold(rule).build());
      VoxelwiseConnectomeResponse r = await(ch, op, "voxelwise", io).getResponse().unpack(VoxelwiseConnectomeResponse.class);
      Files.createDirectories(out);
      Map<String, Path> files = new LinkedHashMap<>();
      files.put("edges", out.resolve("edges.arrow"));
      files.put("degree_map", out.resolve("degree.nii.gz"));
      files.put("strength_map", out.resolve("strength.nii.gz"));
      FlightArtifacts.downloadArrow(flight, r.getEdges(), files.get("edges"));
      FlightArtifacts.downloadBytes(flight, r.getDegreeMap(), files.get("degree_map"));
      FlightArtifacts.downloadBytes(flight, r.getStrengthMap(), files.get("strength_map"));
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      files.forEach((k, v) -> o.put(k, v.toAbsolutePath().toString()));
      o.put("edge_count", r.getEdgeCount());
      o.put("node_count", r.getNodeCount());
      o.put("effective_threshold", r.getEffectiveThreshold());
      o.put("edges_artifact", r.getEdges().getName());
      io.printJson(o);
    } finally {
      Endpoint.close(ch);
    }
    return 0;
  }

  /** Watches an operation to its end; a failed operation is thrown as its status. */
  static Operation await(ManagedChannel ch, Operation op, String label, CliIo io) throws Exception {
    Operation done = IngestCommand.watch(ch, op.getName(), label, io);
    if (done.hasError()) {
      throw StatusProto.toStatusRuntimeException(done.getError());
    }
    return done;
  }

}
