package io.voxelflow.app.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.arc.Arc;
import io.quarkus.runtime.Quarkus;
import io.voxelflow.flight.FlightEndpoint;
import io.voxelflow.storage.StorageProducer;
import java.util.Set;

/**
 * {@code serve}: every service and the gateway in this process until it is stopped. The port is
 * chosen by the launcher ({@code --port}, default 8080): gRPC and HTTP share it.
 */
public final class ServeCommand implements Command {
  @Override
  public String name() {
    return "serve";
  }

  @Override
  public String synopsis() {
    return "serve [--port N (default 8080)] [--flight-port N (default 8815)] [--data-dir DIR (default ./voxelflow-data)]\n"
        + "      every service and the gateway in one process, embedded storage under DIR; prints the ports";
  }

  @Override
  public Set<String> valued() {
    return Set.of("port", "flight-port", "data-dir");
  }

  @Override
  public int run(Args args, CliIo io) {
    int port = Endpoint.embeddedPort();
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("grpc", "127.0.0.1:" + port);
    o.put("http", "http://127.0.0.1:" + port);
    o.put("metrics", "http://127.0.0.1:" + port + "/q/metrics");
    o.put("health", "http://127.0.0.1:" + port + "/q/health");
    o.put("openapi", "http://127.0.0.1:" + port + "/q/openapi");
    o.put("flight", "grpc://127.0.0.1:" + Arc.container().instance(FlightEndpoint.class).get().port());
    o.put("data_dir", Arc.container().instance(StorageProducer.class).get().dataDir().toString());
    io.printJson(o);
    io.err().println("voxelflow: serving on port " + port + "; stop with Ctrl-C");
    Quarkus.waitForExit();
    return 0;
  }
}
