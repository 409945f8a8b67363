package io.voxelflow.app.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.nifti.NiftiInfo;
import io.voxelflow.simulate.SimulationSize;
import io.voxelflow.simulate.Simulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code demo [--out DIR]}: the pipeline so far on a bundled-size sample — simulate a tiny BIDS
 * dataset, read every image back volume by volume, and summarise. Later stages (ingest, masking,
 * decomposition, connectivity, report) extend it as they land.
 */
public final class DemoCommand implements Command {
  @Override
  public String name() {
    return "demo";
  }

  @Override
  public String synopsis() {
    return "demo [--out DIR (default ./demo-output)] [--seed N]\n"
        + "      simulate a tiny dataset and summarise it (later stages are added as they land)";
  }

  @Override
  public Set<String> valued() {
    return Set.of("out", "seed");
  }

  @Override
  public int run(Args args, CliIo io) throws Exception {
    args.expectPositional(0, "no positional arguments");
    Path out = Path.of(args.option("out", "demo-output")).toAbsolutePath();
    long t0 = System.nanoTime();
    Path data = out.resolve("dataset");
    io.err().println("demo: 1/2 simulating a tiny BIDS dataset into " + data);
    Simulator.Result sim = SimulateCommand.simulate(data, SimulationSize.TINY, args.longOption("seed", 1234), io);

    io.err().println("demo: 2/2 reading every image back, volume by volume");
    ObjectNode summary = JsonNodeFactory.instance.objectNode();
    summary.put("dataset", data.toString());
    ArrayNode images = summary.putArray("images");
    Progress bar = new Progress(io.err(), "summarise");
    int i = 0;
    for (String sub : sim.subjects()) {
      Path bold = sim.bold(sub);
      try (NiftiImage img = NiftiImage.open(bold)) {
        ObjectNode info = NiftiInfo.describe(img, true);
        ObjectNode o = images.addObject();
        o.put("subject", sub);
        o.put("path", data.relativize(bold).toString());
        o.set("shape", info.get("shape"));
        o.set("tr_seconds", info.get("tr_seconds"));
        long n = img.voxelsPerVolume() * img.volumeCount();
        o.put("mean", info.get("stats").get("sum").asDouble() / n);
        o.put("bytes", Files.size(bold));
      }
      bar.update(++i / (double) sim.subjects().size(), sub);
    }
    summary.put("truth", data.resolve(Simulator.TRUTH_DIR).toString());
    summary.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
    io.printJson(summary);
    return 0;
  }
}
