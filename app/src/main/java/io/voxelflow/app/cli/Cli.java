package io.voxelflow.app.cli;

import io.voxelflow.error.ErrorMapping;
import io.voxelflow.error.VoxelflowException;
import io.grpc.StatusRuntimeException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code voxelflow} command line: selects a {@link Command} and turns its outcome into an exit
 * code — 0 on success, 2 for bad input (one line on stderr naming the problem), 1 for an internal
 * error (with the stack trace when {@code VOXELFLOW_DEBUG} is set).
 */
public final class Cli {
  private final Map<String, Command> commands = new LinkedHashMap<>();
  private final CliIo io;

  public Cli(CliIo io, List<Command> commands) {
    this.io = io;
    for (Command c : commands) {
      this.commands.put(c.name(), c);
    }
  }

  /** Runs {@code argv} and returns the exit code. */
  public int run(String... argv) {
    if (argv.length == 0 || argv[0].equals("help") || argv[0].equals("--help") || argv[0].equals("-h")) {
      io.out().print(help());
      io.out().flush();
      return 0;
    }
    Command c = commands.get(argv[0]);
    if (c == null) {
      io.err().println("voxelflow: unknown command '" + argv[0] + "'; run ./voxelflow help");
      return 2;
    }
    try {
      return c.run(Arrays.asList(argv).subList(1, argv.length), io);
    } catch (Throwable t) {
      int code = ErrorMapping.exitCode(t);
      String msg = describe(t);
      io.err().println("voxelflow " + c.name() + ": " + msg);
      if (code == 1 || System.getenv("VOXELFLOW_DEBUG") != null) {
        if (System.getenv("VOXELFLOW_DEBUG") != null) {
          t.printStackTrace(io.err());
        }
      }
      return code;
    }
  }

  private static String describe(Throwable t) {
    if (t instanceof VoxelflowException || t instanceof IllegalArgumentException) {
      return t.getMessage();
    }
    if (t instanceof StatusRuntimeException sre) {
      return sre.getStatus().getCode() + ": " + sre.getStatus().getDescription();
    }
    StatusRuntimeException s = ErrorMapping.toStatusException(t);
    return s.getStatus().getDescription();
  }

  /** The text of {@code voxelflow help}. */
  public String help() {
    StringBuilder sb = new StringBuilder();
    sb.append("voxelflow — scalable neuroimaging analytics\n\n");
    sb.append("usage: ./voxelflow COMMAND [ARGS]\n\n");
    sb.append("Results go to stdout (one JSON object, or paths); logs and progress to stderr.\n");
    sb.append("Exit codes: 0 success, 2 bad input, 1 internal error.\n");
    sb.append("Commands that talk to a service run embedded, or remotely with --server HOST:PORT.\n\n");
    sb.append("commands:\n");
    for (Command c : commands.values()) {
      sb.append("  ").append(c.synopsis()).append('\n');
    }
    sb.append("  help\n      this text\n");
    return sb.toString();
  }
}
