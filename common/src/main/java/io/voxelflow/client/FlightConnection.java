package io.voxelflow.client;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightGrpcUtils;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;

/**
 * A client connection to a Flight endpoint: one gRPC channel shared by Arrow's
 * {@link FlightClient} (for {@code GetFlightInfo}, {@code DoPut}, actions) and Voxelflow's
 * {@link FlightReader} (for bulk {@code DoGet}, one copy per batch), on a transport thread of its
 * own. Closing it closes both.
 */
public final class FlightConnection implements AutoCloseable {
  private final EventLoopGroup eventLoop;
  private final ManagedChannel channel;
  private final FlightClient client;
  private final BufferAllocator allocator;

  private FlightConnection(EventLoopGroup eventLoop, ManagedChannel channel, BufferAllocator allocator) {
    this.eventLoop = eventLoop;
    this.channel = channel;
    this.allocator = allocator;
    this.client = FlightGrpcUtils.createFlightClient(allocator, channel);
  }

  /** Connects (lazily, as gRPC does) to a plaintext {@code grpc+tcp://host:port} location. */
  public static FlightConnection connect(Location location, BufferAllocator allocator) {
    URI uri = location.getUri();
    if (!"grpc+tcp".equals(uri.getScheme()) && !"grpc".equals(uri.getScheme())) {
      throw new IllegalArgumentException("only plaintext grpc+tcp:// Flight locations are supported, got " + uri);
    }
    // The connection's own transport thread. gRPC's shared event loops serve every client and
    // server in the JVM; when a server runs in the same JVM (the embedded CLI, tests, the bench)
    // both ends of a stream could land on one thread, which measured ~1.2 instead of ~2 GB/s.
    EventLoopGroup eventLoop = new NioEventLoopGroup(1, new DefaultThreadFactory("voxelflow-flight-client", true));
    ManagedChannel channel = NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort())
        .eventLoopGroup(eventLoop)
        .channelType(NioSocketChannel.class)
        .usePlaintext()
        .maxInboundMessageSize(Integer.MAX_VALUE) // a record batch is one message (8 MiB by default)
        .build();
    return new FlightConnection(eventLoop, channel, allocator);
  }

  /** Arrow's client on this connection (do not close it separately). */
  public FlightClient client() {
    return client;
  }

  /** The allocator readers and puts on this connection use (the caller's; not closed here). */
  public BufferAllocator allocator() {
    return allocator;
  }

  /** Starts a {@code DoGet} for a ticket's bytes; close the reader when done. */
  public FlightReader read(byte[] ticket) {
    return FlightReader.open(channel, allocator, ticket);
  }

  @Override
  public void close() throws InterruptedException {
    try {
      client.close(); // closes only Arrow's proxy: the channel is ours
    } finally {
      channel.shutdown();
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
      }
      eventLoop.shutdownGracefully(0, 5, TimeUnit.SECONDS);
    }
  }
}
