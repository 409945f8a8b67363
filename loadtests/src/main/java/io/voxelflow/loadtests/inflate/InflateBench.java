package io.voxelflow.loadtests.inflate;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/**
 * Plain-main probe (no JMH): is ISA-L (via {@link IsalGzipInputStream}) or libdeflate (via {@link
 * LibdeflateGunzip}, whole-buffer ceiling) faster than {@code java.util.zip.GZIPInputStream} at
 * inflating {@code .nii.gz}, and does the ISA-L shim reject corrupt input?
 *
 * <pre>
 *   java -Dvoxelflow.isal.lib=.../libvoxelflow_isal.so \
 *        -Dvoxelflow.libdeflate.lib=.../libvoxelflow_libdeflate.so \
 *        -cp loadtests/target/classes io.voxelflow.loadtests.inflate.InflateBench \
 *        check SMALL.gz ...      # hashes + corruption suite (keep files small: many decodes)
 *   ... InflateBench verify BIG.gz ...         # hashes only: all decoders give identical output
 *   ... InflateBench bench ROUNDS BIG.gz ...   # interleaved timing, median MB/s of output
 * </pre>
 *
 * Timing: each round runs every decoder once on the file, the order rotating from round to round
 * (A/B/C, B/C/A, ...) so that load from other processes hits all of them alike; one warm-up round
 * is not counted. MB/s is uncompressed output, 10^6 bytes per MB.
 */
public final class InflateBench {
  private static final int IN_BUF = 1 << 16; // compressed-input buffer, same for JDK and ISA-L
  private static final int OUT_BUF = 1 << 20; // caller's read buffer

  private InflateBench() {}

  public static void main(String[] args) throws Exception {
    System.out.println("isal shim: " + (IsalGzipInputStream.isAvailable() ? "loaded" : IsalGzipInputStream.loadFailure()));
    System.out.println("libdeflate shim: " + (LibdeflateGunzip.isAvailable() ? "loaded" : LibdeflateGunzip.loadFailure()));
    if (args.length >= 2 && (args[0].equals("check") || args[0].equals("verify"))) {
      int failures = 0;
      for (int i = 1; i < args.length; i++) {
        failures += check(Path.of(args[i]), args[0].equals("check"));
      }
      System.out.println(failures == 0 ? "CHECK: all passed" : "CHECK: " + failures + " FAILED");
      System.exit(failures == 0 ? 0 : 1);
    } else if (args.length >= 3 && args[0].equals("bench")) {
      int rounds = Integer.parseInt(args[1]);
      for (int i = 2; i < args.length; i++) {
        bench(Path.of(args[i]), rounds);
      }
    } else {
      System.err.println("usage: InflateBench check|verify FILE.gz... | bench ROUNDS FILE.gz...");
      System.exit(2);
    }
  }

  // ---------------------------------------------------------------- decoders

  interface Decoder {
    /** Inflates the whole input; returns output length, feeding bytes to {@code sink} if non-null. */
    long run(byte[] gz, MessageDigest sink) throws IOException;
  }

  static long drain(InputStream in, MessageDigest sink) throws IOException {
    byte[] buf = new byte[OUT_BUF];
    long total = 0;
    try (in) {
      int r;
      while ((r = in.read(buf)) >= 0) {
        total += r;
        if (sink != null) {
          sink.update(buf, 0, r);
        }
      }
    }
    return total;
  }

  static final Decoder JDK = (gz, sink) -> drain(new GZIPInputStream(new ByteArrayInputStream(gz), IN_BUF), sink);
  static final Decoder ISAL = (gz, sink) -> drain(new IsalGzipInputStream(new ByteArrayInputStream(gz), IN_BUF), sink);

  /** ISA-L with the input handed out 1..17 bytes at a time and read back in 1..1000-byte pieces. */
  static final Decoder ISAL_CHOPPY = (gz, sink) -> {
    SplittableRandom rnd = new SplittableRandom(7);
    InputStream src = new ChoppyInputStream(new ByteArrayInputStream(gz), rnd);
    long total = 0;
    try (IsalGzipInputStream in = new IsalGzipInputStream(src, 64)) {
      byte[] buf = new byte[1000];
      while (true) {
        int r;
        if (rnd.nextInt(10) == 0) {
          int c = in.read();
          if (c < 0) {
            break;
          }
          buf[0] = (byte) c;
          r = 1;
        } else {
          r = in.read(buf, 0, 1 + rnd.nextInt(buf.length));
          if (r < 0) {
            break;
          }
        }
        total += r;
        if (sink != null) {
          sink.update(buf, 0, r);
        }
      }
    }
    return total;
  };

  static final Decoder LIBDEFLATE = (gz, sink) -> {
    byte[] out = new byte[Math.max(1 << 20, (int) Math.min(Integer.MAX_VALUE - 8, 8L * gz.length + (1 << 20)))];
    long n = LibdeflateGunzip.gunzip(gz, gz.length, out);
    if (sink != null) {
      sink.update(out, 0, (int) n);
    }
    return n;
  };

  static final class ChoppyInputStream extends FilterInputStream {
    private final SplittableRandom rnd;

    ChoppyInputStream(InputStream in, SplittableRandom rnd) {
      super(in);
      this.rnd = rnd;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return super.read(b, off, Math.min(len, 1 + rnd.nextInt(17)));
    }
  }

  // ---------------------------------------------------------------- correctness

  static String hash(Decoder d, byte[] gz) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    long n = d.run(gz, md);
    return n + " bytes sha256 " + HexFormat.of().formatHex(md.digest()).substring(0, 16);
  }

  /** Outcome as a short string: "OK <hash>" or the exception class and message. */
  static String outcome(Decoder d, byte[] gz) {
    try {
      return "OK " + hash(d, gz);
    } catch (Exception e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  /** Valid-input agreement; with {@code corruptions}, also the corrupt-input suite and choppy I/O. */
  static int check(Path p, boolean corruptions) throws Exception {
    byte[] a = Files.readAllBytes(p);
    int failures = 0;
    System.out.println("== check " + p + " (" + a.length + " bytes compressed)");

    // 1. Valid input: all decoders agree.
    String ref = hash(JDK, a);
    Map<String, Decoder> all = new LinkedHashMap<>();
    all.put("isal", ISAL);
    if (corruptions) {
      all.put("isal-choppy", ISAL_CHOPPY);
    }
    if (LibdeflateGunzip.isAvailable()) {
      all.put("libdeflate", LIBDEFLATE);
    }
    System.out.println("  jdk          " + ref);
    for (Map.Entry<String, Decoder> e : all.entrySet()) {
      String h = outcome(e.getValue(), a);
      boolean ok = h.equals("OK " + ref);
      failures += ok ? 0 : 1;
      System.out.printf("  %-12s %s%s%n", e.getKey(), h, ok ? "  [identical]" : "  [MISMATCH]");
    }
    if (!corruptions) {
      return failures;
    }

    // 2. Corrupt variants: ISA-L must throw an IOException (ZipException) for each.
    int n = a.length;
    byte[] aa = concat(a, a); // two members
    String ref2 = hash(JDK, aa);
    Map<String, byte[]> bad = new LinkedHashMap<>();
    for (double f : new double[] {0.1, 0.3, 0.5, 0.7, 0.9}) {
      bad.put("byte xor 0x55 at " + (int) (f * 100) + "%", flip(a, (int) (f * n), 0x55));
      bad.put("bit flip at " + (int) (f * 100) + "% + 3", flip(a, (int) (f * n) + 3, 0x01));
    }
    bad.put("bad magic", flip(a, 1, 0xff));
    bad.put("bad method byte", set(a, 2, 7));
    bad.put("trailer CRC-32 bit flip", flip(a, n - 8, 0x01));
    bad.put("trailer ISIZE bit flip", flip(a, n - 4, 0x01));
    bad.put("truncated to 5 bytes (in header)", Arrays.copyOf(a, 5));
    bad.put("truncated at 50%", Arrays.copyOf(a, n / 2));
    bad.put("truncated, trailer missing", Arrays.copyOf(a, n - 8));
    bad.put("truncated, 1 byte short", Arrays.copyOf(a, n - 1));
    bad.put("empty input", new byte[0]);
    bad.put("2 members, 1st CRC bad", flip(aa, n - 8, 0x01));
    bad.put("2 members, 2nd truncated in header", Arrays.copyOf(aa, n + 5));
    bad.put("2 members, 2nd magic damaged", flip(aa, n + 1, 0xff));
    bad.put("trailing garbage after member", concat(a, "not gzip".getBytes()));
    bad.put("trailing 512 zero bytes", concat(a, new byte[512]));

    String validTwo = "2 members, valid";
    System.out.printf("  %-36s jdk: %s | isal: %s%n", validTwo, ok(hash(JDK, aa), ref2), ok(outcome(ISAL, aa), ref2));
    if (!outcome(ISAL, aa).equals("OK " + ref2) || !outcome(ISAL_CHOPPY, aa).equals("OK " + ref2)) {
      failures++;
      System.out.println("    FAIL: ISA-L differs from JDK on a valid 2-member stream");
    }
    failures += concurrentClose(a);
    for (Map.Entry<String, byte[]> e : bad.entrySet()) {
      String jdk = outcome(JDK, e.getValue());
      String isal = outcome(ISAL, e.getValue());
      String choppy = outcome(ISAL_CHOPPY, e.getValue());
      String ld = LibdeflateGunzip.isAvailable() ? outcome(LIBDEFLATE, e.getValue()) : "n/a";
      boolean pass = !isal.startsWith("OK") && isal.startsWith("ZipException") && choppy.startsWith("ZipException");
      failures += pass ? 0 : 1;
      System.out.printf("  %-36s %s%n      jdk: %s%n      isal: %s | choppy: %s%n      libdeflate: %s%n",
          e.getKey(), pass ? "[isal rejects]" : "[FAIL]", mark(jdk, ref, ref2), isal, choppy.startsWith("ZipException") ? "ZipException" : choppy, mark(ld, ref, ref2));
    }
    return failures;
  }

  /**
   * close() from another thread while a reader is inside read() (what a read-ahead wrapper does)
   * must not free the native state under a running isal_inflate: the reader may only finish or
   * get an IOException. A use-after-free would show as a crash or a non-IO exception here.
   */
  static int concurrentClose(byte[] gz) throws Exception {
    SplittableRandom rnd = new SplittableRandom(11);
    int ended = 0;
    int closedMidway = 0;
    int bad = 0;
    for (int i = 0; i < 300; i++) {
      IsalGzipInputStream in = new IsalGzipInputStream(new ByteArrayInputStream(gz), 1 << 12);
      Throwable[] err = new Throwable[1];
      Thread reader = new Thread(() -> {
        byte[] buf = new byte[1 << 16];
        try {
          while (in.read(buf) >= 0) {
            // drain
          }
        } catch (IOException e) {
          if (!"Stream closed".equals(e.getMessage())) {
            err[0] = e;
          }
        } catch (Throwable t) {
          err[0] = t;
        }
      });
      reader.start();
      long until = System.nanoTime() + rnd.nextLong(3_000_000);
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      in.close();
      in.close(); // idempotent
      reader.join();
      if (err[0] != null) {
        bad++;
        System.out.println("    concurrent close: unexpected " + err[0]);
      } else if (reader.isAlive()) {
        bad++;
      }
      try {
        in.read();
        bad++;
      } catch (IOException expected) {
        closedMidway += "Stream closed".equals(expected.getMessage()) ? 1 : 0;
      }
      ended++;
    }
    System.out.printf("  %-36s %s (%d runs; read after close -> IOException in %d)%n",
        "close() racing a read on another thread", bad == 0 ? "[ok]" : "[FAIL]", ended, closedMidway);
    return bad;
  }

  static String ok(String outcome, String ref) {
    return outcome.equals("OK " + ref) || outcome.equals(ref) ? "OK identical" : outcome;
  }

  static String mark(String outcome, String ref, String ref2) {
    if (outcome.equals("OK " + ref)) {
      return "no error; output = the 1-member data";
    }
    if (outcome.equals("OK " + ref2)) {
      return "no error; output = the 2-member data";
    }
    return outcome.startsWith("OK") ? "NO ERROR, wrong output (" + outcome + ")" : outcome;
  }

  static byte[] flip(byte[] a, int pos, int mask) {
    byte[] b = a.clone();
    b[pos] ^= (byte) mask;
    return b;
  }

  static byte[] set(byte[] a, int pos, int v) {
    byte[] b = a.clone();
    b[pos] = (byte) v;
    return b;
  }

  static byte[] concat(byte[] x, byte[] y) {
    byte[] b = Arrays.copyOf(x, x.length + y.length);
    System.arraycopy(y, 0, b, x.length, y.length);
    return b;
  }

  // ---------------------------------------------------------------- timing

  interface Timed {
    long run() throws IOException;
  }

  static void bench(Path p, int rounds) throws Exception {
    long compressed = Files.size(p);
    long raw = drain(new GZIPInputStream(Files.newInputStream(p), IN_BUF), null);
    System.out.printf("== bench %s: %d bytes compressed, %d bytes raw (ratio %.2f), %d rounds + 1 warm-up%n",
        p, compressed, raw, (double) raw / compressed, rounds);

    Map<String, Timed> impls = new LinkedHashMap<>();
    impls.put("jdk GZIPInputStream", () -> drain(new GZIPInputStream(Files.newInputStream(p), IN_BUF), null));
    if (IsalGzipInputStream.isAvailable()) {
      impls.put("isal IsalGzipInputStream", () -> drain(new IsalGzipInputStream(Files.newInputStream(p), IN_BUF), null));
    }
    if (LibdeflateGunzip.isAvailable() && raw < Integer.MAX_VALUE - 8) {
      byte[] out = new byte[(int) raw]; // allocated once; the file read is timed, this is not
      impls.put("libdeflate whole-buffer", () -> {
        byte[] gz = Files.readAllBytes(p);
        return LibdeflateGunzip.gunzip(gz, gz.length, out);
      });
      byte[] gzInMemory = Files.readAllBytes(p); // decode only: the pure ceiling
      impls.put("libdeflate-in-memory (file pre-read, decode only)", () -> LibdeflateGunzip.gunzip(gzInMemory, gzInMemory.length, out));
    }
    List<String> names = new ArrayList<>(impls.keySet());
    Map<String, List<Double>> secs = new LinkedHashMap<>();
    names.forEach(n -> secs.put(n, new ArrayList<>()));

    for (int r = 0; r <= rounds; r++) {
      StringBuilder line = new StringBuilder(r == 0 ? "  warm-up " : String.format("  round %2d", r));
      for (int k = 0; k < names.size(); k++) {
        String name = names.get((k + r) % names.size());
        long t0 = System.nanoTime();
        long n = impls.get(name).run();
        double s = (System.nanoTime() - t0) / 1e9;
        if (n != raw) {
          throw new IllegalStateException(name + " produced " + n + " bytes, expected " + raw);
        }
        if (r > 0) {
          secs.get(name).add(s);
        }
        line.append(String.format("  %s %.0f MB/s", name.split(" ")[0], raw / 1e6 / s));
      }
      System.out.println(line);
    }

    double base = median(secs.get(names.get(0)));
    for (String name : names) {
      List<Double> s = secs.get(name);
      double med = median(s);
      double best = s.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
      double worst = s.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
      // per-round paired ratio against the JDK time measured in the same round
      List<Double> paired = new ArrayList<>();
      for (int i = 0; i < s.size(); i++) {
        paired.add(secs.get(names.get(0)).get(i) / s.get(i));
      }
      System.out.printf("  %-48s median %5.0f MB/s  (min %4.0f, max %4.0f; spread %4.1f%%)  x%.2f vs jdk"
              + "  (paired per-round ratios %.2f..%.2f)%n",
          name, raw / 1e6 / med, raw / 1e6 / worst, raw / 1e6 / best, 100 * (worst - best) / med, base / med,
          paired.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
          paired.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
    }
  }

  static double median(List<Double> xs) {
    double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }
}
