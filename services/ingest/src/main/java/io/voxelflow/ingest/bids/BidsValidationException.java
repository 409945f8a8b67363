package io.voxelflow.ingest.bids;

import io.voxelflow.error.InvalidArgumentException;
import java.util.List;

/**
 * A dataset is not valid BIDS. The message is a one-line summary ({@code "3 problems: a: …; b: …;
 * c: …"}, at most {@value #MAX_IN_MESSAGE} listed); {@link #problems()} has them all.
 */
public class BidsValidationException extends InvalidArgumentException {
  private static final long serialVersionUID = 1L;

  /** The reason of every {@code BidsValidationException}. */
  public static final String REASON = "INVALID_BIDS";

  /** How many problems the message lists at most. */
  public static final int MAX_IN_MESSAGE = 10;

  private final List<Problem> problems;

  public BidsValidationException(List<Problem> problems) {
    super(REASON, summary(problems));
    this.problems = List.copyOf(problems);
  }

  /** Every problem, sorted by path. */
  public List<Problem> problems() {
    return problems;
  }

  static String summary(List<Problem> problems) {
    int n = problems.size();
    StringBuilder b = new StringBuilder().append(n).append(n == 1 ? " problem: " : " problems: ");
    for (int i = 0; i < Math.min(n, MAX_IN_MESSAGE); i++) {
      if (i > 0) {
        b.append("; ");
      }
      b.append(problems.get(i));
    }
    if (n > MAX_IN_MESSAGE) {
      b.append("; and ").append(n - MAX_IN_MESSAGE).append(" more");
    }
    return b.toString();
  }
}
