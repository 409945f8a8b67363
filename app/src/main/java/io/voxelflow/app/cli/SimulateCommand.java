package io.voxelflow.app.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.voxelflow.simulate.SimulationSize;
import io.voxelflow.simulate.Simulator;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * {@code simulate --out DIR [--size tiny|small|medium] [--seed N]}: a synthetic BIDS dataset with
 * planted networks and its ground truth under {@code derivatives/truth/}.
 */
public final class SimulateCommand implements Command {
  @Override
  public String name() {
    return "simulate";
  }

  @Override
  public String synopsis() {
    return "simulate --out DIR [--size tiny|small|medium] [--seed N (default 1234)]\n"
        + "      a synthetic BIDS fMRI dataset with planted networks; ground truth in derivatives/truth/";
  }

  @Override
  public Set<String> valued() {
    return Set.of("out", "size", "seed");
  }

  @Override
  public int run(Args args, CliIo io) {
    args.expectPositional(0, "no positional arguments");
    Path out = args.pathOption("out");
    Simulator.Result r = simulate(out, parseSize(args.option("size", "tiny")), args.longOption("seed", 1234), io);
    io.printJson(summary(r));
    return 0;
  }

  static SimulationSize parseSize(String s) {
    try {
      return SimulationSize.valueOf(s.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--size must be tiny, small or medium, got '" + s + "'");
    }
  }

  static Simulator.Result simulate(Path out, SimulationSize size, long seed, CliIo io) {
    Progress bar = new Progress(io.err(), "simulate " + size.name().toLowerCase(Locale.ROOT));
    Simulator.Result r = Simulator.simulate(out, size, seed, bar::update);
    bar.update(1.0, "done");
    return r;
  }

  static ObjectNode summary(Simulator.Result r) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("out", r.outDir().toAbsolutePath().toString());
    var subjects = o.putArray("subjects");
    for (String s : r.subjects()) {
      ObjectNode sub = subjects.addObject();
      sub.put("id", s);
      sub.put("bold", r.bold(s).toAbsolutePath().toString());
    }
    o.put("truth", r.outDir().resolve(Simulator.TRUTH_DIR).toAbsolutePath().toString());
    o.put("seconds", Math.round(r.seconds() * 100) / 100.0);
    return o;
  }
}
