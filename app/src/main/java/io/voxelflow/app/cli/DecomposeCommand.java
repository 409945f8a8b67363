package io.voxelflow.app.cli;

import io.voxelflow.client.FlightConnection;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.longrunning.Operation;
import io.grpc.ManagedChannel;
import io.voxelflow.api.decomposition.v1alpha1.CanIcaOptions;
import io.voxelflow.api.decomposition.v1alpha1.DecomposeRequest;
import io.voxelflow.api.decomposition.v1alpha1.DecomposeResponse;
import io.voxelflow.api.decomposition.v1alpha1.DecompositionServiceGrpc;
import io.voxelflow.api.decomposition.v1alpha1.DictLearningOptions;
import io.voxelflow.client.FlightArtifacts;
import io.voxelflow.json.ProtoJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.memory.RootAllocator;

/**
 * {@code decompose canica|dictlearning|pca IMG [IMG…] --n-components K --out DIR}: group
 * decomposition through the decomposition service. Writes {@code components.nii.gz} (one volume
 * per component), {@code mask.nii.gz}, one {@code <stem>_timecourses.npy} per input (time ×
 * components), and {@code summary.json} (explained variance for PCA, parameters, artifacts).
 */
public final class DecomposeCommand implements Command {
  @Override
  public String name() {
    return "decompose";
  }

  @Override
  public String synopsis() {
    return "decompose canica|dictlearning|pca IMG [IMG...] --n-components K --out DIR [--seed N] [--mask MASK]\n"
        + "      [--smoothing-fwhm MM] [--threshold auto|none|X] [--n-init N] [--alpha A] [--batch-size B]\n"
        + "      [--n-epochs E] [--skip-cleaning]   nilearn's CanICA / DictLearning / PCA over subjects;\n"
        + "      writes DIR/components.nii.gz, DIR/mask.nii.gz, DIR/<stem>_timecourses.npy, DIR/summary.json";
  }

  @Override
  public Set<String> valued() {
    return Set.of("n-components", "out", "seed", "mask", "smoothing-fwhm", "threshold", "n-init", "alpha",
        "batch-size", "n-epochs", "server", "flight");
  }

  @Override
  public Set<String> flags() {
    return Set.of("skip-cleaning");
  }

  @Override
  public int run(Args args, CliIo io) throws Exception {
    List<String> pos = args.positional();
    if (pos.size() < 2) {
      throw new UsageException("decompose needs a method and at least one image: decompose canica IMG [IMG...] --out DIR");
    }
    DecomposeRequest.Builder req = DecomposeRequest.newBuilder()
        .setNComponents((int) args.longOption("n-components", 20)).setSeed(args.longOption("seed", 0))
        .setSkipCleaning(args.flag("skip-cleaning"));
    switch (pos.get(0)) {
      case "canica" -> {
        req.setMethod(DecomposeRequest.Method.METHOD_CANICA);
        if (args.option("n-init", null) != null) {
          req.setCanica(CanIcaOptions.newBuilder().setNInit((int) args.longOption("n-init", 10)));
        }
      }
      case "dictlearning", "dict_learning" -> {
        req.setMethod(DecomposeRequest.Method.METHOD_DICT_LEARNING);
        DictLearningOptions.Builder o = DictLearningOptions.newBuilder();
        if (args.option("alpha", null) != null) {
          o.setAlpha(MaskCommand.doubleOption(args, "alpha"));
        }
        o.setBatchSize((int) args.longOption("batch-size", 0)).setNEpochs((int) args.longOption("n-epochs", 0));
        req.setDictLearning(o);
      }
      case "pca" -> req.setMethod(DecomposeRequest.Method.METHOD_PCA);
      default -> throw new UsageException("decompose method must be canica, dictlearning or pca, got '" + pos.get(0) + "'");
    }
    if (args.option("smoothing-fwhm", null) != null) {
      req.setSmoothingFwhmMm(MaskCommand.doubleOption(args, "smoothing-fwhm"));
    }
    String threshold = args.option("threshold", "auto");
    switch (threshold) {
      case "auto" -> req.setThresholdMode(DecomposeRequest.ThresholdMode.THRESHOLD_MODE_AUTO);
      case "none" -> req.setThresholdMode(DecomposeRequest.ThresholdMode.THRESHOLD_MODE_NONE);
      default -> req.setThresholdMode(DecomposeRequest.ThresholdMode.THRESHOLD_MODE_RATIO)
          .setThreshold(MaskCommand.doubleOption(args, "threshold"));
    }
    Path out = args.pathOption("out");
    List<String> inputs = pos.subList(1, pos.size());
    Set<String> stems = new HashSet<>();
    for (String in : inputs) {
      if (!stems.add(stem(in))) {
        throw new UsageException("two inputs would both write " + stem(in) + "_timecourses.npy: rename one");
      }
    }
    String server = args.option("server", null);
    ManagedChannel ch = Endpoint.channel(server);
    try (RootAllocator alloc = new RootAllocator();
         FlightConnection flight = FlightConnection.connect(MaskCommand.flightTarget(server, args.option("flight", null)), alloc)) {
      for (String in : inputs) {
        req.addImages(MaskCommand.imageName(ch, in, io));
      }
      if (args.option("mask", null) != null) {
        req.setMask(MaskCommand.reference(ch, args.required("mask"), io));
      }
      Operation op = DecompositionServiceGrpc.newBlockingStub(ch).withDeadlineAfter(60, TimeUnit.SECONDS).decompose(req.build());
      DecomposeResponse r = ConnectivityCommand.await(ch, op, pos.get(0), io).getResponse().unpack(DecomposeResponse.class);
      Files.createDirectories(out);
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      Path comps = out.resolve("components.nii.gz");
      FlightArtifacts.downloadBytes(flight, r.getComponentsImage(), comps);
      o.put("components", comps.toAbsolutePath().toString());
      Path mask = out.resolve("mask.nii.gz");
      FlightArtifacts.downloadBytes(flight, r.getMask(), mask);
      o.put("mask", mask.toAbsolutePath().toString());
      ArrayNode tcs = o.putArray("time_courses");
      for (int i = 0; i < inputs.size(); i++) {
        Path tc = out.resolve(stem(inputs.get(i)) + "_timecourses.npy");
        MaskCommand.downloadNpy(r.getTimeCourses(i), MaskCommand.flightTarget(server, args.option("flight", null)), tc);
        tcs.add(tc.toAbsolutePath().toString());
      }
      o.put("method", pos.get(0));
      o.put("n_components", req.getNComponents());
      o.put("voxel_count", r.getVoxelCount());
      ArrayNode ev = o.putArray("explained_variance");
      r.getExplainedVarianceList().forEach(ev::add);
      ArrayNode evr = o.putArray("explained_variance_ratio");
      r.getExplainedVarianceRatioList().forEach(evr::add);
      ObjectNode details = o.putObject("details");
      r.getDetailsMap().forEach(details::put);
      o.set("response", new com.fasterxml.jackson.databind.ObjectMapper().readTree(ProtoJson.print(r)));
      Files.writeString(out.resolve("summary.json"), o.toPrettyString());
      o.remove("response");
      io.printJson(o);
    } finally {
      Endpoint.close(ch);
    }
    return 0;
  }

  /** An input's output stem: the file name without .nii/.nii.gz, or the stored name's last part. */
  static String stem(String in) {
    String name = in.contains("/") ? in.substring(in.lastIndexOf('/') + 1) : in;
    return name.replaceFirst("\\.nii(\\.gz)?$", "");
  }
}
