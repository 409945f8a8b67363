package io.voxelflow.ingest.bids;

import io.voxelflow.error.InvalidArgumentException;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The parts of a BIDS file name: {@code sub-01_ses-pre_task-rest_run-1_bold.nii.gz} is the entities
 * {@code sub=01, ses=pre, task=rest, run=1} (in file order), the suffix {@code bold} and the
 * extension {@code .nii.gz} (everything from the first dot).
 *
 * <p>{@link #parse} enforces the BIDS naming rules: known entity keys only, each at most once and
 * in the order of the specification, alphanumeric labels ({@code [A-Za-z0-9]+}), digits only for
 * index entities ({@code run}, {@code echo}, …), an alphanumeric suffix and a dotted alphanumeric
 * extension. Names without {@code sub} (top-level sidecars such as {@code task-rest_bold.json}) are
 * accepted here; where a subject is required is for the layout to decide.
 *
 * @param entities key to label, in file order (unmodifiable)
 * @param suffix e.g. {@code bold}, {@code T1w}
 * @param extension with its leading dot, e.g. {@code .nii.gz}
 */
public record BidsEntities(Map<String, String> entities, String suffix, String extension) {

  /** The reason of the {@link InvalidArgumentException} thrown by {@link #parse}. */
  public static final String INVALID_NAME = "INVALID_BIDS_NAME";

  /**
   * Entity keys accepted in file names, in the order they must appear (BIDS 1.9 raw-data entities
   * plus the later {@code nuc}, {@code voi}, {@code atlas}, {@code seg} so that newer datasets are
   * not refused for them).
   */
  public static final List<String> ENTITY_ORDER =
      List.of(
          "sub", "ses", "sample", "task", "tracksys", "acq", "nuc", "voi", "ce", "trc", "stain",
          "rec", "dir", "run", "mod", "echo", "flip", "inv", "mt", "part", "proc", "hemi", "space",
          "split", "recording", "chunk", "atlas", "seg", "res", "den", "label", "desc");

  /** Entities whose value is an index (digits, leading zeros allowed) rather than a label. */
  public static final Set<String> INDEX_ENTITIES = Set.of("run", "echo", "flip", "inv", "split", "chunk");

  private static final Map<String, Integer> RANK = new HashMap<>();

  static {
    for (int i = 0; i < ENTITY_ORDER.size(); i++) {
      RANK.put(ENTITY_ORDER.get(i), i);
    }
  }

  private static final Pattern ALNUM = Pattern.compile("[A-Za-z0-9]+");
  private static final Pattern DIGITS = Pattern.compile("[0-9]+");
  private static final Pattern EXTENSION = Pattern.compile("(\\.[A-Za-z0-9]+)+");

  public BidsEntities {
    Objects.requireNonNull(suffix, "suffix");
    Objects.requireNonNull(extension, "extension");
    entities = Collections.unmodifiableMap(new LinkedHashMap<>(entities));
  }

  /**
   * Parses a file name (not a path).
   *
   * @throws InvalidArgumentException with reason {@link #INVALID_NAME} and a message saying what is
   *     wrong
   */
  public static BidsEntities parse(String fileName) {
    try {
      return parseOrThrow(fileName);
    } catch (BadName e) {
      throw new InvalidArgumentException(
          INVALID_NAME, "invalid BIDS file name '" + fileName + "': " + e.getMessage());
    }
  }

  /**
   * Parses {@code fileName}, or returns {@code null} after passing what is wrong (without the file
   * name) to {@code why}.
   */
  static BidsEntities parseOrNull(String fileName, Consumer<String> why) {
    try {
      return parseOrThrow(fileName);
    } catch (BadName e) {
      why.accept(e.getMessage());
      return null;
    }
  }

  /** Internal, cheap (no stack trace). */
  private static final class BadName extends Exception {
    private static final long serialVersionUID = 1L;

    BadName(String message) {
      super(message, null, false, false);
    }
  }

  private static BidsEntities parseOrThrow(String fileName) throws BadName {
    if (fileName == null || fileName.isEmpty()) {
      throw invalid("empty file name");
    }
    if (fileName.indexOf('/') >= 0 || fileName.indexOf('\\') >= 0) {
      throw invalid("a file name cannot contain a path separator");
    }
    int dot = fileName.indexOf('.');
    if (dot < 0) {
      throw invalid("no extension");
    }
    if (dot == 0) {
      throw invalid("starts with a dot");
    }
    String stem = fileName.substring(0, dot);
    String extension = fileName.substring(dot);
    if (!EXTENSION.matcher(extension).matches()) {
      throw invalid("invalid extension '" + extension + "'");
    }
    String[] parts = stem.split("_", -1);
    String suffix = parts[parts.length - 1];
    if (suffix.isEmpty()) {
      throw invalid("empty suffix (the name must end with _<suffix>)");
    }
    if (suffix.indexOf('-') >= 0) {
      throw invalid("no suffix: the last part '" + suffix + "' is a key-label pair, the name must end with _<suffix>");
    }
    if (!ALNUM.matcher(suffix).matches()) {
      throw invalid("suffix '" + suffix + "' is not alphanumeric");
    }
    Map<String, String> entities = new LinkedHashMap<>();
    int lastRank = -1;
    String lastKey = null;
    for (int i = 0; i < parts.length - 1; i++) {
      String part = parts[i];
      if (part.isEmpty()) {
        throw invalid("empty part (leading or doubled underscore)");
      }
      int dash = part.indexOf('-');
      if (dash < 0) {
        throw invalid("'" + part + "' is not a key-label pair (key-label)");
      }
      String key = part.substring(0, dash);
      String label = part.substring(dash + 1);
      Integer rank = RANK.get(key);
      if (rank == null) {
        throw invalid("unknown entity '" + key + "'");
      }
      if (entities.containsKey(key)) {
        throw invalid("entity '" + key + "' appears twice");
      }
      if (rank < lastRank) {
        throw invalid("entity '" + key + "' must come before '" + lastKey + "'");
      }
      if (label.isEmpty()) {
        throw invalid("entity '" + key + "' has an empty label");
      }
      if (INDEX_ENTITIES.contains(key)) {
        if (!DIGITS.matcher(label).matches()) {
          throw invalid("'" + key + "' must be a non-negative integer, got '" + label + "'");
        }
      } else if (!ALNUM.matcher(label).matches()) {
        throw invalid("label '" + label + "' of '" + key + "' is not alphanumeric");
      }
      entities.put(key, label);
      lastRank = rank;
      lastKey = key;
    }
    return new BidsEntities(entities, suffix, extension);
  }

  private static BadName invalid(String why) {
    return new BadName(why);
  }

  /** The label of {@code key}, or {@code null}. */
  public String get(String key) {
    return entities.get(key);
  }

  /** The {@code sub} label, or {@code null}. */
  public String subject() {
    return entities.get("sub");
  }

  /** The {@code ses} label, or {@code null}. */
  public String session() {
    return entities.get("ses");
  }

  /** Whether every entity of this name is present, with the same label, in {@code other}. */
  public boolean isSubsetOf(BidsEntities other) {
    for (Map.Entry<String, String> e : entities.entrySet()) {
      if (!e.getValue().equals(other.entities.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** The file name these parts make. */
  public String fileName() {
    StringBuilder b = new StringBuilder();
    entities.forEach((k, v) -> b.append(k).append('-').append(v).append('_'));
    return b.append(suffix).append(extension).toString();
  }
}
