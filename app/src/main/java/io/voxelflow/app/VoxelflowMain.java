package io.voxelflow.app;

import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.voxelflow.app.cli.Cli;
import io.voxelflow.app.cli.CliIo;
import io.voxelflow.app.cli.Command;
import io.voxelflow.app.cli.DecomposeCommand;
import io.voxelflow.app.cli.DemoCommand;
import io.voxelflow.app.cli.IngestCommand;
import io.voxelflow.app.cli.ConnectivityCommand;
import io.voxelflow.app.cli.GraphCommand;
import io.voxelflow.app.cli.MaskCommand;
import io.voxelflow.app.cli.SimulateCommand;
import io.voxelflow.app.cli.NiftiInfoCommand;
import io.voxelflow.app.cli.OperationsCommand;
import io.voxelflow.app.cli.ServeCommand;
import java.util.List;

/**
 * The all-in-one application's entry point: every service and the gateway start in this JVM, then
 * the {@code voxelflow} command line runs ({@code serve} keeps them up; other commands use them
 * and exit).
 */
@QuarkusMain
public class VoxelflowMain implements QuarkusApplication {
  /** Every command, in the order {@code help} lists them. */
  public static List<Command> commands() {
    return List.of(
        new DemoCommand(),
        new NiftiInfoCommand(),
        new SimulateCommand(),
        new IngestCommand(),
        new MaskCommand(),
        new ConnectivityCommand(),
        new GraphCommand(),
        new DecomposeCommand(),
        new ServeCommand(),
        new OperationsCommand());
  }

  @Override
  public int run(String... args) {
    return new Cli(new CliIo(System.out, System.err), commands()).run(args);
  }
}
