package io.voxelflow.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.voxelflow.json.ProtoJson;
import io.grpc.ManagedChannel;
import io.voxelflow.api.operations.v1.CancelOperationRequest;
import io.voxelflow.api.operations.v1.GetOperationRequest;
import io.voxelflow.api.operations.v1.ListOperationsRequest;
import io.voxelflow.api.operations.v1.OperationMetadata;
import io.voxelflow.api.operations.v1.OperationsServiceGrpc;
import io.voxelflow.api.operations.v1.WatchOperationRequest;
import com.google.longrunning.Operation;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** {@code operations list|get|watch|cancel}: the long-running operations of a server. */
public final class OperationsCommand implements Command {
  @Override
  public String name() {
    return "operations";
  }

  @Override
  public String synopsis() {
    return "operations list|get NAME|watch NAME|cancel NAME [--server HOST:PORT] [--page-size N]\n"
        + "      long-running operations of the server (embedded: this process's own, i.e. none)";
  }

  @Override
  public Set<String> flags() {
    return Set.of("only-running");
  }

  @Override
  public Set<String> valued() {
    return Set.of("server", "page-size", "page-token");
  }

  @Override
  public int run(Args args, CliIo io) throws Exception {
    List<String> pos = args.positional();
    if (pos.isEmpty()) {
      throw new UsageException("operations needs a verb: list, get NAME, watch NAME or cancel NAME");
    }
    String verb = pos.get(0);
    if (!verb.equals("list") && pos.size() != 2) {
      throw new UsageException("operations " + verb + " needs one operation name (operations/{id})");
    }
    ManagedChannel ch = Endpoint.channel(args.option("server", null));
    try {
      var stub = OperationsServiceGrpc.newBlockingStub(ch);
      switch (verb) {
        case "list" -> io.printJson(toJson(stub.withDeadlineAfter(30, TimeUnit.SECONDS).listOperations(
            ListOperationsRequest.newBuilder()
                .setPageSize((int) args.longOption("page-size", 0))
                .setPageToken(args.option("page-token", ""))
                .setOnlyRunning(args.flag("only-running")).build())));
        case "get" -> io.printJson(toJson(stub.withDeadlineAfter(30, TimeUnit.SECONDS)
            .getOperation(GetOperationRequest.newBuilder().setName(pos.get(1)).build())));
        case "cancel" -> io.printJson(toJson(stub.withDeadlineAfter(30, TimeUnit.SECONDS)
            .cancelOperation(CancelOperationRequest.newBuilder().setName(pos.get(1)).build())));
        case "watch" -> {
          Progress bar = new Progress(io.err(), pos.get(1));
          Iterator<Operation> it = stub.watchOperation(WatchOperationRequest.newBuilder().setName(pos.get(1)).build());
          Operation last = null;
          while (it.hasNext()) {
            last = it.next();
            OperationMetadata m = last.getMetadata().unpack(OperationMetadata.class);
            bar.update(m.getProgress(), m.getStep());
          }
          io.printJson(toJson(last));
        }
        default -> throw new UsageException("unknown operations verb '" + verb + "'");
      }
    } finally {
      Endpoint.close(ch);
    }
    return 0;
  }

  static JsonNode toJson(com.google.protobuf.MessageOrBuilder m) {
    return ProtoJson.toTree(m);
  }
}
