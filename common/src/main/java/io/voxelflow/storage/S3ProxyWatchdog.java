package io.voxelflow.storage;

/**
 * Main class of the embedded S3 server's child process: runs S3Proxy and exits when its standard
 * input closes, so the server never outlives the Voxelflow process that started it (even after a
 * crash or {@code kill -9} of the parent). No dependencies beyond the JDK and S3Proxy.
 */
public final class S3ProxyWatchdog {
  private S3ProxyWatchdog() {}

  public static void main(String[] args) throws Exception {
    Thread watch = new Thread(() -> {
      try {
        while (System.in.read() != -1) {
          // the parent never writes; we only wait for end-of-file
        }
      } catch (java.io.IOException ignored) {
        // a broken pipe means the parent is gone too
      }
      Runtime.getRuntime().halt(0);
    }, "parent-watchdog");
    watch.setDaemon(true);
    watch.start();
    Class.forName("org.gaul.s3proxy.Main").getMethod("main", String[].class).invoke(null, (Object) args);
  }
}
