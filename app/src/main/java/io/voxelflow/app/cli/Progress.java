package io.voxelflow.app.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar on stderr. On a terminal it redraws one line; otherwise (logs, CI) it prints a
 * line at each further 10 %, so output stays readable when captured.
 */
public final class Progress {
  private static final int WIDTH = 30;
  private final PrintStream err;
  private final String label;
  private final boolean terminal;
  private int lastDecile = -1;
  private long lastDraw;

  public Progress(PrintStream err, String label) {
    this.err = err;
    this.label = label;
    this.terminal = System.console() != null && System.getenv("VOXELFLOW_PLAIN_PROGRESS") == null;
  }

  /** Reports {@code fraction} (0 to 1) done, at {@code step}. */
  public synchronized void update(double fraction, String step) {
    double f = Math.max(0, Math.min(1, fraction));
    if (terminal) {
      long now = System.nanoTime();
      if (f < 1 && now - lastDraw < 100_000_000L) {
        return;
      }
      lastDraw = now;
      int filled = (int) Math.round(f * WIDTH);
      err.printf(Locale.ROOT, "\r%s [%s%s] %3.0f%% %-40.40s", label, "#".repeat(filled),
          " ".repeat(WIDTH - filled), 100 * f, step == null ? "" : step);
      if (f >= 1) {
        err.println();
      }
    } else {
      int decile = (int) Math.floor(f * 10);
      if (decile > lastDecile) {
        lastDecile = decile;
        err.printf(Locale.ROOT, "%s: %3.0f%% %s%n", label, 100 * f, step == null ? "" : step);
      }
    }
    err.flush();
  }
}
