package io.voxelflow.app.cli;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Where a command's gRPC calls go: {@code --server HOST:PORT}, or this process's own embedded
 * server (every service runs in the JVM that runs the CLI).
 */
public final class Endpoint {
  private Endpoint() {}

  /** A plaintext channel to {@code server}, or to the embedded server when it is null. */
  public static ManagedChannel channel(String server) {
    String target = server;
    if (target == null) {
      target = "127.0.0.1:" + embeddedPort();
    } else if (!target.matches("[^:\\s]+:\\d{1,5}")) {
      throw new UsageException("--server must be HOST:PORT, got '" + server + "'");
    }
    return ManagedChannelBuilder.forTarget(target).usePlaintext().maxInboundMessageSize(64 << 20).build();
  }

  /** The port this process's own server listens on (gRPC and HTTP share it). */
  public static int embeddedPort() {
    String key = io.quarkus.runtime.LaunchMode.current() == io.quarkus.runtime.LaunchMode.TEST
        ? "quarkus.http.test-port" : "quarkus.http.port";
    return ConfigProvider.getConfig().getValue(key, Integer.class);
  }

  /** Closes a channel, waiting briefly for calls to finish. */
  public static void close(ManagedChannel channel) {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
