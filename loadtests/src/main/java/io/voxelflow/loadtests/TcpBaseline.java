package io.voxelflow.loadtests;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Raw loopback TCP: one connection, the server writes {@code bytes} from a buffer, the client reads them. */
final class TcpBaseline {
  private TcpBaseline() {}

  static long transfer(long bytes) throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread writer = new Thread(() -> {
        try (Socket s = server.accept(); OutputStream out = s.getOutputStream()) {
          byte[] buf = new byte[1 << 20];
          long left = bytes;
          while (left > 0) {
            int n = (int) Math.min(buf.length, left);
            out.write(buf, 0, n);
            left -= n;
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      writer.start();
      long got = 0;
      try (Socket c = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()); InputStream in = c.getInputStream()) {
        byte[] buf = new byte[1 << 20];
        int r;
        while ((r = in.read(buf)) > 0) {
          got += r;
        }
      }
      writer.join();
      return got;
    }
  }
}
