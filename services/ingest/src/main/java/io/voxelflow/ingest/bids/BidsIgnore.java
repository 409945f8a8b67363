package io.voxelflow.ingest.bids;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The patterns of a top-level {@code .bidsignore}, with {@code .gitignore} semantics: one glob a
 * line; blank lines and {@code #} comments skipped; {@code *} and {@code ?} do not cross {@code /},
 * {@code **} does; {@code [abc]} classes; a trailing {@code /} matches folders only; a pattern with
 * no other {@code /} matches a file or folder name at any depth, otherwise it is anchored at the
 * dataset root; {@code !pattern} re-includes (the last matching line wins). An ignored folder is
 * ignored with everything in it.
 */
final class BidsIgnore {
  private record Rule(Pattern regex, boolean anchored, boolean directoryOnly, boolean negated) {}

  static final BidsIgnore NONE = new BidsIgnore(List.of());

  private final List<Rule> rules;

  private BidsIgnore(List<Rule> rules) {
    this.rules = rules;
  }

  static BidsIgnore parse(List<String> lines) {
    List<Rule> rules = new ArrayList<>();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      boolean negated = line.startsWith("!");
      if (negated) {
        line = line.substring(1);
      }
      if (line.startsWith("\\#") || line.startsWith("\\!")) {
        line = line.substring(1);
      }
      boolean directoryOnly = line.endsWith("/");
      while (line.endsWith("/")) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.isEmpty()) {
        continue;
      }
      boolean anchored = line.indexOf('/') >= 0;
      while (line.startsWith("/")) {
        line = line.substring(1);
      }
      if (line.isEmpty()) {
        continue;
      }
      rules.add(new Rule(Pattern.compile(globToRegex(line)), anchored, directoryOnly, negated));
    }
    return new BidsIgnore(List.copyOf(rules));
  }

  /**
   * Whether {@code relativePath} ({@code /} separators, no leading slash) is ignored. Callers walk
   * top-down and skip ignored folders, so only the path itself is matched here.
   */
  boolean isIgnored(String relativePath, boolean directory) {
    String name = relativePath.substring(relativePath.lastIndexOf('/') + 1);
    boolean ignored = false;
    for (Rule r : rules) {
      if (r.directoryOnly && !directory) {
        continue;
      }
      String subject = r.anchored ? relativePath : name;
      if (r.regex.matcher(subject).matches()) {
        ignored = !r.negated;
      }
    }
    return ignored;
  }

  static String globToRegex(String glob) {
    StringBuilder re = new StringBuilder();
    int n = glob.length();
    for (int i = 0; i < n; i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*' -> {
          if (i + 1 < n && glob.charAt(i + 1) == '*') {
            i++;
            if (i + 1 < n && glob.charAt(i + 1) == '/') {
              i++;
              re.append("(?:.*/)?");
            } else {
              re.append(".*");
            }
          } else {
            re.append("[^/]*");
          }
        }
        case '?' -> re.append("[^/]");
        case '[' -> {
          int close = glob.indexOf(']', i + 2);
          if (close < 0) {
            re.append("\\[");
          } else {
            String body = glob.substring(i + 1, close);
            StringBuilder cls = new StringBuilder("[");
            int start = 0;
            if (body.startsWith("!") || body.startsWith("^")) {
              cls.append('^');
              start = 1;
            }
            for (int k = start; k < body.length(); k++) {
              char d = body.charAt(k);
              if (d == '\\' || d == '[' || d == ']' || d == '&' || d == '^') {
                cls.append('\\');
              }
              cls.append(d);
            }
            re.append(cls).append(']');
            i = close;
          }
        }
        case '\\' -> {
          if (i + 1 < n) {
            i++;
            re.append(Pattern.quote(String.valueOf(glob.charAt(i))));
          } else {
            re.append("\\\\");
          }
        }
        default -> {
          if (Character.isLetterOrDigit(c) || c == '/' || c == '_') {
            re.append(c);
          } else {
            re.append(Pattern.quote(String.valueOf(c)));
          }
        }
      }
    }
    return re.toString();
  }
}
