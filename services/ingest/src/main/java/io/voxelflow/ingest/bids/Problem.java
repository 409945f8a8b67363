package io.voxelflow.ingest.bids;

import java.util.Objects;

/**
 * One thing wrong with a BIDS dataset.
 *
 * @param path where, relative to the dataset root with {@code /} separators ({@code "."} for the
 *     dataset as a whole)
 * @param message what is wrong, one line
 */
public record Problem(String path, String message) {
  public Problem {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(message, "message");
    message = message.replaceAll("[\\r\\n\\t]+", " ").strip();
  }

  @Override
  public String toString() {
    return path + ": " + message;
  }
}
