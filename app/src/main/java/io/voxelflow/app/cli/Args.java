package io.voxelflow.app.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parsed command-line arguments: positional arguments and {@code --name value} / {@code --flag}
 * options. Options a command does not declare are refused, so a typo is an error, not a no-op.
 */
public final class Args {
  private final List<String> positional = new ArrayList<>();
  private final Map<String, String> options = new HashMap<>();
  private final Set<String> consumed = new HashSet<>();

  private Args() {}

  /**
   * Parses {@code argv}.
   *
   * @param flags option names that take no value (e.g. {@code stats})
   * @param valued option names that take one value (e.g. {@code out})
   */
  public static Args parse(List<String> argv, Set<String> flags, Set<String> valued) {
    Args a = new Args();
    for (int i = 0; i < argv.size(); i++) {
      String s = argv.get(i);
      if (s.startsWith("--") && s.length() > 2) {
        String name = s.substring(2);
        String value = null;
        int eq = name.indexOf('=');
        if (eq >= 0) {
          value = name.substring(eq + 1);
          name = name.substring(0, eq);
        }
        if (flags.contains(name)) {
          if (value != null) {
            throw new UsageException("option --" + name + " takes no value");
          }
          a.options.put(name, "true");
        } else if (valued.contains(name)) {
          if (value == null) {
            if (i + 1 >= argv.size()) {
              throw new UsageException("option --" + name + " needs a value");
            }
            value = argv.get(++i);
          }
          a.options.put(name, value);
        } else {
          throw new UsageException("unknown option --" + name);
        }
      } else {
        a.positional.add(s);
      }
    }
    return a;
  }

  public List<String> positional() {
    return positional;
  }

  public boolean flag(String name) {
    return options.containsKey(name);
  }

  public String option(String name, String dflt) {
    return options.getOrDefault(name, dflt);
  }

  /** A required option. */
  public String required(String name) {
    String v = options.get(name);
    if (v == null) {
      throw new UsageException("missing required option --" + name);
    }
    return v;
  }

  public long longOption(String name, long dflt) {
    String v = options.get(name);
    if (v == null) {
      return dflt;
    }
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new UsageException("--" + name + " must be an integer, got '" + v + "'");
    }
  }

  public Path pathOption(String name) {
    return Path.of(required(name));
  }

  /** Exactly {@code n} positional arguments, named for the error message. */
  public List<String> expectPositional(int n, String what) {
    if (positional.size() != n) {
      throw new UsageException("expected " + what + ", got " + (positional.isEmpty() ? "nothing" : String.join(" ", positional)));
    }
    return positional;
  }

  Set<String> consumed() {
    return consumed;
  }
}
