package io.voxelflow.app.cli;

import io.voxelflow.api.masking.v1alpha1.Matrix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Confounds as fMRIPrep writes them (a TSV with a header row), and sample-mask files. */
final class Confounds {
  private Confounds() {}

  /** Reads a TSV with a header row into a matrix; {@code n/a} becomes NaN (the service names it). */
  static Matrix readTsv(Path tsv) throws IOException {
    List<String> lines = Files.readAllLines(tsv);
    if (lines.size() < 2) {
      throw new UsageException(tsv + ": a confounds TSV needs a header row and at least one row of values");
    }
    String[] header = lines.get(0).split("\t", -1);
    Matrix.Builder m = Matrix.newBuilder().setColumns(header.length);
    for (String h : header) {
      m.addColumnNames(h);
    }
    int rows = 0;
    for (int r = 1; r < lines.size(); r++) {
      if (lines.get(r).isBlank()) {
        continue;
      }
      String[] cells = lines.get(r).split("\t", -1);
      if (cells.length != header.length) {
        throw new UsageException(tsv + ": row " + (r + 1) + " has " + cells.length + " columns, the header " + header.length);
      }
      for (String c : cells) {
        String v = c.trim();
        try {
          m.addValues(v.equals("n/a") || v.isEmpty() ? Double.NaN : Double.parseDouble(v));
        } catch (NumberFormatException e) {
          throw new UsageException(tsv + ": row " + (r + 1) + " holds '" + v + "', not a number");
        }
      }
      rows++;
    }
    return m.setRows(rows).build();
  }

  /** Reads the volumes to keep: whitespace-separated indices (0-based), as nilearn's sample_mask. */
  static List<Integer> readIndices(Path file) throws IOException {
    List<Integer> out = new ArrayList<>();
    for (String tok : Files.readString(file).trim().split("\\s+")) {
      if (tok.isEmpty()) {
        continue;
      }
      try {
        out.add(Integer.parseInt(tok));
      } catch (NumberFormatException e) {
        throw new UsageException(file + ": '" + tok + "' is not a volume index");
      }
    }
    return out;
  }
}
