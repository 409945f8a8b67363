package io.voxelflow.app.cli;

import io.voxelflow.client.FlightConnection;
import io.voxelflow.client.FlightReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.ManagedChannel;
import io.quarkus.arc.Arc;
import io.voxelflow.api.ingest.v1.Dataset;
import io.voxelflow.api.ingest.v1.DatasetServiceGrpc;
import io.voxelflow.api.ingest.v1.Image;
import io.voxelflow.api.ingest.v1.ListImagesRequest;
import io.voxelflow.api.ingest.v1.VoxelTicket;
import io.voxelflow.flight.FlightEndpoint;
import io.voxelflow.simulate.SimulationSize;
import io.voxelflow.simulate.Simulator;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.complex.FixedSizeListVector;

/**
 * {@code demo [--out DIR]}: the pipeline so far on a bundled-size sample — simulate a tiny BIDS
 * dataset, ingest it through the gRPC API (upload, validate, de-identify, store), read every image
 * back over Arrow Flight, compute a group EPI mask and each subject's cleaned signals (written as
 * .npy), and summarise. Later stages (decomposition, connectivity, report) extend it as they land. Re-running it finds the dataset already stored (same seed, same
 * request id): the import is answered from storage.
 */
public final class DemoCommand implements Command {
  @Override
  public String name() {
    return "demo";
  }

  @Override
  public String synopsis() {
    return "demo [--out DIR (default ./demo-output)] [--seed N]\n"
        + "      simulate a tiny dataset, ingest it, read it back over Arrow Flight, mask and clean it, region and\n"
        + "      voxelwise connectomes with graph metrics, CanICA networks scored against the planted truth; summarise";
  }

  @Override
  public Set<String> valued() {
    return Set.of("out", "seed");
  }

  /**
   * The masking stage: nilearn's compute_multi_epi_mask over all subjects, then NiftiMasker
   * (6 mm smoothing, detrend, 0.01–0.1 Hz band-pass, z-score) per subject, written as .npy.
   */
  static ObjectNode mask(ManagedChannel ch, List<Image> images, Path outDir, int flightPort, CliIo cli) throws Exception {
    var stub = io.voxelflow.api.masking.v1alpha1.MaskingServiceGrpc.newBlockingStub(ch).withDeadlineAfter(120, TimeUnit.SECONDS);
    List<String> names = images.stream().map(Image::getName).toList();
    var maskOp = stub.computeMultiEpiMask(io.voxelflow.api.masking.v1alpha1.ComputeMultiEpiMaskRequest.newBuilder()
        .addAllImages(names).build());
    var maskDone = IngestCommand.watch(ch, maskOp.getName(), "mask", cli);
    if (maskDone.hasError()) {
      throw io.grpc.protobuf.StatusProto.toStatusRuntimeException(maskDone.getError());
    }
    var mask = maskDone.getResponse().unpack(io.voxelflow.api.masking.v1alpha1.ComputeMultiEpiMaskResponse.class);
    var req = io.voxelflow.api.masking.v1alpha1.ExtractSignalsRequest.newBuilder()
        .setMask(mask.getMask().getName())
        .setSmoothingFwhmMm(6)
        .setCleaning(io.voxelflow.api.masking.v1alpha1.SignalCleaning.newBuilder().setDetrend(true)
            .setStandardize(io.voxelflow.api.masking.v1alpha1.SignalCleaning.Standardize.STANDARDIZE_ZSCORE_SAMPLE)
            .setLowPassHz(0.1).setHighPassHz(0.01));
    names.forEach(n -> req.addInputs(io.voxelflow.api.masking.v1alpha1.SignalInput.newBuilder().setImage(n)));
    var op = stub.extractSignals(req.build());
    var done = IngestCommand.watch(ch, op.getName(), "extract", cli);
    if (done.hasError()) {
      throw io.grpc.protobuf.StatusProto.toStatusRuntimeException(done.getError());
    }
    var signals = done.getResponse().unpack(io.voxelflow.api.masking.v1alpha1.ExtractSignalsResponse.class);
    java.nio.file.Files.createDirectories(outDir);
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("mask_artifact", mask.getMask().getName());
    o.put("mask_voxels", mask.getVoxelCount());
    ArrayNode files = o.putArray("signals");
    try (BufferAllocator alloc = new RootAllocator();
         FlightConnection client = FlightConnection.connect(Location.forGrpcInsecure("127.0.0.1", flightPort), alloc)) {
      for (int i = 0; i < names.size(); i++) {
        float[][] rows = io.voxelflow.client.FlightArtifacts.readMatrix(client, signals.getSignals(i));
        int t = rows.length;
        int v = t == 0 ? 0 : rows[0].length;
        float[] flat = new float[t * v];
        for (int r = 0; r < t; r++) {
          System.arraycopy(rows[r], 0, flat, r * v, v);
        }
        Path f = outDir.resolve(images.get(i).getEntities().getSubject().isEmpty() ? "signals_" + i + ".npy"
            : "sub-" + images.get(i).getEntities().getSubject() + "_signals.npy");
        io.voxelflow.npy.Npy.write(f, flat, t, v);
        files.add(f.toString() + " (" + t + " x " + v + ")");
      }
    }
    return o;
  }

  /**
   * The connectivity stage: NiftiLabelsMasker signals with the simulated atlas, nilearn's
   * correlation ConnectivityMeasure over the subjects, graph metrics of the group mean at 20 %
   * density, and the voxelwise graph of the first subject under Boubela's adaptive threshold.
   */
  static ObjectNode connectivity(ManagedChannel ch, List<Image> images, Path data, ObjectNode masking, Path outDir, int port,
      CliIo cli) throws Exception {
    java.nio.file.Files.createDirectories(outDir);
    String atlas = MaskCommand.imageName(ch, data.resolve(Simulator.TRUTH_DIR).resolve("atlas_labels.nii.gz").toString(), cli);
    var masking2 = io.voxelflow.api.masking.v1alpha1.MaskingServiceGrpc.newBlockingStub(ch).withDeadlineAfter(120, TimeUnit.SECONDS);
    var clean = io.voxelflow.api.masking.v1alpha1.SignalCleaning.newBuilder().setDetrend(true)
        .setStandardize(io.voxelflow.api.masking.v1alpha1.SignalCleaning.Standardize.STANDARDIZE_ZSCORE_SAMPLE)
        .setLowPassHz(0.1).setHighPassHz(0.01);
    var labelsReq = io.voxelflow.api.masking.v1alpha1.ExtractLabelsSignalsRequest.newBuilder().setLabelsImage(atlas)
        .setCleaning(clean);
    images.forEach(i -> labelsReq.addInputs(io.voxelflow.api.masking.v1alpha1.SignalInput.newBuilder().setImage(i.getName())));
    var labels = ConnectivityCommand.await(ch, masking2.extractLabelsSignals(labelsReq.build()), "regions", cli).getResponse()
        .unpack(io.voxelflow.api.masking.v1alpha1.ExtractLabelsSignalsResponse.class);
    var conn = io.voxelflow.api.connectivity.v1alpha1.ConnectivityServiceGrpc.newBlockingStub(ch)
        .withDeadlineAfter(120, TimeUnit.SECONDS);
    var req = io.voxelflow.api.connectivity.v1alpha1.ComputeConnectomeRequest.newBuilder()
        .setKind(io.voxelflow.api.connectivity.v1alpha1.ComputeConnectomeRequest.Kind.KIND_CORRELATION);
    labels.getSignalsList().forEach(a -> req.addSignals(a.getName()));
    var connectome = ConnectivityCommand.await(ch, conn.computeConnectome(req.build()), "connectome", cli).getResponse()
        .unpack(io.voxelflow.api.connectivity.v1alpha1.ComputeConnectomeResponse.class);
    var graph = ConnectivityCommand.await(ch, conn.graphMetrics(io.voxelflow.api.connectivity.v1alpha1.GraphMetricsRequest
        .newBuilder().setGraph(connectome.getMean().getName())
        .setThreshold(io.voxelflow.api.connectivity.v1alpha1.EdgeThreshold.newBuilder().setDensity(0.2))
        .addAllMetrics(List.of(io.voxelflow.api.connectivity.v1alpha1.GraphMetricsRequest.Metric.METRIC_DEGREE,
            io.voxelflow.api.connectivity.v1alpha1.GraphMetricsRequest.Metric.METRIC_CLUSTERING_COEFFICIENT,
            io.voxelflow.api.connectivity.v1alpha1.GraphMetricsRequest.Metric.METRIC_GLOBAL_EFFICIENCY,
            io.voxelflow.api.connectivity.v1alpha1.GraphMetricsRequest.Metric.METRIC_MODULARITY)).build()), "graph", cli)
        .getResponse().unpack(io.voxelflow.api.connectivity.v1alpha1.GraphMetricsResponse.class);
    // the first subject's cleaned voxel signals (from the masking stage) as a voxelwise graph
    var extract = io.voxelflow.api.masking.v1alpha1.ExtractSignalsRequest.newBuilder()
        .setMask(masking.get("mask_artifact").asText()).setSmoothingFwhmMm(6).setCleaning(clean)
        .addInputs(io.voxelflow.api.masking.v1alpha1.SignalInput.newBuilder().setImage(images.get(0).getName())).build();
    var signals = ConnectivityCommand.await(ch, masking2.extractSignals(extract), "extract", cli).getResponse()
        .unpack(io.voxelflow.api.masking.v1alpha1.ExtractSignalsResponse.class);
    var voxelwise = ConnectivityCommand.await(ch, conn.voxelwiseConnectome(io.voxelflow.api.connectivity.v1alpha1
        .VoxelwiseConnectomeRequest.newBuilder().setSignals(signals.getSignals(0).getName())
        .setMask(masking.get("mask_artifact").asText())
        .setThreshold(io.voxelflow.api.connectivity.v1alpha1.EdgeThreshold.newBuilder().setAdaptive(true)).build()),
        "voxelwise", cli).getResponse().unpack(io.voxelflow.api.connectivity.v1alpha1.VoxelwiseConnectomeResponse.class);
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    try (BufferAllocator alloc = new RootAllocator();
         FlightConnection client = FlightConnection.connect(Location.forGrpcInsecure("127.0.0.1", port), alloc)) {
      for (int i = 0; i < connectome.getConnectomesCount(); i++) {
        io.voxelflow.client.FlightArtifacts.downloadBytes(client, connectome.getConnectomes(i),
            outDir.resolve("sub-" + images.get(i).getEntities().getSubject() + "_correlation.npy"));
      }
      io.voxelflow.client.FlightArtifacts.downloadBytes(client, connectome.getMean(), outDir.resolve("group_mean.npy"));
      Path nodes = outDir.resolve("group_mean_graph.arrow");
      io.voxelflow.client.FlightArtifacts.downloadArrow(client, graph.getNodeMetrics(), nodes);
      GraphCommand.writeTsv(nodes, outDir.resolve("group_mean_graph.tsv"));
      java.nio.file.Files.delete(nodes);
      io.voxelflow.client.FlightArtifacts.downloadArrow(client, voxelwise.getEdges(), outDir.resolve("voxelwise_edges.arrow"));
      io.voxelflow.client.FlightArtifacts.downloadBytes(client, voxelwise.getDegreeMap(), outDir.resolve("voxelwise_degree.nii.gz"));
    }
    o.put("regions", connectome.getRegionCount());
    o.put("connectomes", outDir.toString());
    ObjectNode g = o.putObject("group_graph");
    graph.getGlobalMetricsList().forEach(m -> g.put(m.getName(), Math.round(m.getValue() * 1e4) / 1e4));
    ObjectNode v = o.putObject("voxelwise");
    v.put("nodes", voxelwise.getNodeCount());
    v.put("edges", voxelwise.getEdgeCount());
    v.put("adaptive_threshold", voxelwise.getEffectiveThreshold());
    return o;
  }

  /** The decomposition stage: CanICA with one component per planted network, scored against them. */
  static ObjectNode decomposition(ManagedChannel ch, List<Image> images, Path data, Path outDir, int port, CliIo cli)
      throws Exception {
    Path truthDir = data.resolve(Simulator.TRUTH_DIR);
    io.voxelflow.masking.mask.BinaryMask truthMask;
    try (io.voxelflow.nifti.NiftiImage m = io.voxelflow.nifti.NiftiImage.open(truthDir.resolve("mask.nii.gz"))) {
      truthMask = io.voxelflow.masking.mask.Masking.loadMask(m, false);
    }
    io.voxelflow.numerics.Matrix truth = io.voxelflow.decomposition.pipeline.ComponentMaps.read(truthDir.resolve("maps.nii.gz"), truthMask);
    var req = io.voxelflow.api.decomposition.v1alpha1.DecomposeRequest.newBuilder()
        .setMethod(io.voxelflow.api.decomposition.v1alpha1.DecomposeRequest.Method.METHOD_CANICA)
        .setNComponents(truth.rows()).setSeed(0);
    images.forEach(i -> req.addImages(i.getName()));
    var r = ConnectivityCommand.await(ch, io.voxelflow.api.decomposition.v1alpha1.DecompositionServiceGrpc.newBlockingStub(ch)
        .withDeadlineAfter(120, TimeUnit.SECONDS).decompose(req.build()), "canica", cli).getResponse()
        .unpack(io.voxelflow.api.decomposition.v1alpha1.DecomposeResponse.class);
    java.nio.file.Files.createDirectories(outDir);
    Path comps = outDir.resolve("components.nii.gz");
    try (BufferAllocator alloc = new RootAllocator();
         FlightConnection client = FlightConnection.connect(Location.forGrpcInsecure("127.0.0.1", port), alloc)) {
      io.voxelflow.client.FlightArtifacts.downloadBytes(client, r.getComponentsImage(), comps);
    }
    var score = io.voxelflow.decomposition.canica.Recovery.match(truth, io.voxelflow.decomposition.pipeline.ComponentMaps.read(comps, truthMask));
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("components", comps.toString());
    o.put("n_components", truth.rows());
    o.put("mask_voxels", r.getVoxelCount());
    o.put("recovery_mean_abs_r", Math.round(score.mean() * 1000) / 1000.0);
    o.put("recovery_min_abs_r", Math.round(score.min() * 1000) / 1000.0);
    return o;
  }

  @Override
  public int run(Args args, CliIo io) throws Exception {
    args.expectPositional(0, "no positional arguments");
    Path out = Path.of(args.option("out", "demo-output")).toAbsolutePath();
    long seed = args.longOption("seed", 1234);
    long t0 = System.nanoTime();
    Path data = out.resolve("dataset");
    io.err().println("demo: 1/6 simulating a tiny BIDS dataset into " + data);
    SimulateCommand.simulate(data, SimulationSize.TINY, seed, io);

    io.err().println("demo: 2/6 ingesting it through the gRPC API");
    String id = "demo-seed-" + seed;
    ObjectNode summary = JsonNodeFactory.instance.objectNode();
    ManagedChannel ch = Endpoint.channel(null);
    try {
      Dataset dataset = IngestCommand.importDataset(ch, data, id, id, io);
      summary.put("dataset", dataset.getName());
      summary.put("subjects", dataset.getSubjectCount());
      summary.put("images", dataset.getImageCount());
      summary.put("stored_bytes", dataset.getSizeBytes());
      List<Image> images = DatasetServiceGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS)
          .listImages(ListImagesRequest.newBuilder().setParent(dataset.getName() + "/subjects/-").build()).getImagesList();

      io.err().println("demo: 3/6 reading every image back over Arrow Flight");
      int port = Arc.container().instance(FlightEndpoint.class).get().port();
      ArrayNode arr = summary.putArray("read_back");
      Progress bar = new Progress(io.err(), "flight");
      long bytes = 0;
      long tf = System.nanoTime();
      try (BufferAllocator alloc = new RootAllocator();
           FlightConnection client = FlightConnection.connect(Location.forGrpcInsecure("127.0.0.1", port), alloc)) {
        int i = 0;
        for (Image img : images) {
          double sum = 0;
          long n = 0;
          int volumes = 0;
          try (FlightReader s = client.read(VoxelTicket.newBuilder().setImage(img.getName()).build().toByteArray())) {
            while (s.next()) {
              FixedSizeListVector voxels = (FixedSizeListVector) s.getRoot().getVector("voxels");
              Float4Vector items = (Float4Vector) voxels.getDataVector();
              int count = s.getRoot().getRowCount() * voxels.getListSize();
              for (int v = 0; v < count; v++) {
                sum += items.get(v);
              }
              n += count;
              volumes += s.getRoot().getRowCount();
            }
          }
          bytes += n * 4;
          ObjectNode o = arr.addObject();
          o.put("image", img.getName());
          o.put("shape", img.getHeader().getShapeList().toString());
          o.put("tr_seconds", img.getRepetitionTimeSeconds());
          o.put("tr_source", img.getRepetitionTimeSource().name());
          o.put("volumes", volumes);
          o.put("mean", n == 0 ? 0 : sum / n);
          bar.update(++i / (double) images.size(), img.getEntities().getSubject());
        }
      }
      double secs = (System.nanoTime() - tf) / 1e9;
      summary.put("flight_bytes", bytes);
      summary.put("flight_mb_per_s", Math.round(bytes / 1e6 / Math.max(secs, 1e-9) * 10) / 10.0);

      io.err().println("demo: 4/6 masking: a group EPI mask, then cleaned signals of every subject");
      ObjectNode masking = mask(ch, images, out.resolve("signals"), port, io);
      summary.set("masking", masking);

      io.err().println("demo: 5/6 connectivity: atlas regions -> correlation connectomes -> graph metrics; voxelwise graph");
      summary.set("connectivity", connectivity(ch, images, data, masking, out.resolve("connectivity"), port, io));

      io.err().println("demo: 6/6 decomposition: CanICA networks, scored against the planted ones");
      summary.set("decomposition", decomposition(ch, images, data, out.resolve("canica"), port, io));
    } finally {
      Endpoint.close(ch);
    }
    summary.put("bids", data.toString());
    summary.put("truth", data.resolve(Simulator.TRUTH_DIR).toString());
    summary.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
    io.printJson(summary);
    return 0;
  }
}
