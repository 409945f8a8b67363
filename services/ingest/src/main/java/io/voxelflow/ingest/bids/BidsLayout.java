package io.voxelflow.ingest.bids;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads the layout of a raw BIDS dataset (specification 1.9), the subset needed to import it: the
 * dataset description, {@code participants.tsv}, and every NIfTI image under {@code
 * sub-<label>/[ses-<label>/]<datatype>/} with its JSON metadata merged by the inheritance principle.
 * Image contents are not read here.
 *
 * <p>What is checked (each failure is a {@link Problem}; {@link #scan} collects them all):
 *
 * <ul>
 *   <li>{@code dataset_description.json} exists, is a JSON object and has non-empty string {@code
 *       Name} and {@code BIDSVersion};
 *   <li>{@code participants.tsv}, when present, has a {@code participant_id} column, rows as wide
 *       as the header, {@code sub-<label>} ids without duplicates, and a row for every subject
 *       folder;
 *   <li>folders: only {@code sub-<label>} (plus the skipped {@link #SKIPPED_TOP_LEVEL_FOLDERS}) at
 *       the root, {@code ses-<label>} or a known {@link #DATATYPES datatype} in a subject, a known
 *       datatype in a session;
 *   <li>files: valid BIDS names ({@link BidsEntities#parse}) whose {@code sub} and {@code ses}
 *       match their folders; images only in datatype folders; only the known top-level files or
 *       BIDS-named metadata at the root; no symbolic links;
 *   <li>metadata: JSON sidecars are JSON objects without duplicate keys; two sidecars applying to
 *       one image at the same level with as many entities do not disagree on a key; {@code
 *       RepetitionTime}, when present, is a positive number;
 *   <li>there is at least one image.
 * </ul>
 *
 * Dotfiles and dot-folders are skipped everywhere, as is whatever a top-level {@code .bidsignore}
 * matches (see {@link BidsIgnore}). Not checked: which suffixes belong to which datatype, required
 * entities per suffix, required sidecar fields, {@code *_scans.tsv} and {@code *_sessions.tsv}
 * contents.
 */
public final class BidsLayout {

  /** Datatype folder names (BIDS 1.9, plus {@code mrs} from 1.10). */
  public static final Set<String> DATATYPES =
      Set.of("anat", "beh", "dwi", "eeg", "fmap", "func", "ieeg", "meg", "micr", "motion", "mrs", "nirs", "perf", "pet");

  /** Top-level folders skipped without looking inside. */
  public static final Set<String> SKIPPED_TOP_LEVEL_FOLDERS =
      Set.of("derivatives", "sourcedata", "code", "stimuli", "phenotype");

  /** Top-level files allowed besides {@code README*} and BIDS-named metadata. */
  public static final Set<String> TOP_LEVEL_FILES =
      Set.of(
          "dataset_description.json", "participants.tsv", "participants.json", "CHANGES", "LICENSE",
          "CITATION.cff", "samples.tsv", "samples.json", "genetic_info.json");

  /**
   * Extensions of BIDS-named metadata accepted at the root and directly in subject and session
   * folders (sidecars and inheritable tables, {@code *_scans.tsv}, {@code *_sessions.tsv}). Files in
   * datatype folders may have any extension.
   */
  public static final Set<String> LEVEL_METADATA_EXTENSIONS = Set.of(".json", ".tsv", ".bval", ".bvec");

  /** JSON and TSV files larger than this are refused (as a problem) rather than read. */
  public static final long MAX_METADATA_FILE_BYTES = 32L << 20;

  static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final String DESCRIPTION = "dataset_description.json";
  private static final String PARTICIPANTS = "participants.tsv";
  private static final Pattern ALNUM = Pattern.compile("[A-Za-z0-9]+");
  private static final Pattern PARTICIPANT_ID = Pattern.compile("sub-[A-Za-z0-9]+");
  private static final String IMAGE_PLACE = "images belong in sub-<label>/[ses-<label>/]<datatype>/";

  private BidsLayout() {}

  /**
   * Scans the dataset at {@code root}. Never throws for a malformed dataset: everything wrong is in
   * {@link BidsDataset#problems()}.
   *
   * @throws UncheckedIOException if the file system cannot be read
   */
  public static BidsDataset scan(Path root) {
    return new Scan(root).run();
  }

  /**
   * {@link #scan}, then refuses a dataset with any problem.
   *
   * @throws BidsValidationException (reason {@code INVALID_BIDS}) listing the problems
   */
  public static BidsDataset scanOrThrow(Path root) {
    BidsDataset dataset = scan(root);
    if (!dataset.isValid()) {
      throw new BidsValidationException(dataset.problems());
    }
    return dataset;
  }

  static boolean isImageName(String name) {
    return name.endsWith(".nii") || name.endsWith(".nii.gz");
  }

  private record Entry(Path path, String name, String rel, boolean directory) {}

  private record Sidecar(String path, int depth, BidsEntities name, ObjectNode json) {}

  private record Candidate(String path, String dir, String subject, String session, String datatype, BidsEntities name) {}

  private static final class Scan {
    private final Path root;
    private final Set<Problem> problems = new LinkedHashSet<>();
    private BidsIgnore ignore = BidsIgnore.NONE;
    private JsonNode description = JSON.createObjectNode();
    private boolean descriptionSeen;
    private List<Map<String, String>> participants = List.of();
    private Set<String> participantIds;
    private final Set<String> subjects = new TreeSet<>();
    private final Map<String, List<Sidecar>> sidecarsByDir = new HashMap<>();
    private final List<Candidate> candidates = new ArrayList<>();
    private final Set<String> reportedConflicts = new HashSet<>();

    Scan(Path root) {
      this.root = root;
    }

    BidsDataset run() {
      if (!Files.isDirectory(root)) {
        problem(".", "the dataset root is not a directory");
        return result(List.of());
      }
      readBidsIgnore();
      scanRoot();
      if (!descriptionSeen) {
        problem(DESCRIPTION, "missing; every BIDS dataset needs one, with Name and BIDSVersion");
      }
      if (participantIds != null) {
        for (String s : subjects) {
          if (!participantIds.contains("sub-" + s)) {
            problem(PARTICIPANTS, "no row for sub-" + s + ", which has a folder");
          }
        }
      }
      List<BidsImage> images = buildImages();
      if (images.isEmpty()) {
        problem(".", "no images: expected *.nii or *.nii.gz files in sub-<label>/[ses-<label>/]<datatype>/");
      }
      return result(images);
    }

    private BidsDataset result(List<BidsImage> images) {
      List<Problem> sorted = new ArrayList<>(problems);
      sorted.sort(Comparator.comparing(Problem::path));
      return new BidsDataset(root, description, participants, images, sorted);
    }

    private void problem(String path, String message) {
      problems.add(new Problem(path, message));
    }

    // ---------------------------------------------------------------- traversal

    private List<Entry> list(Path dir, String rel) {
      List<Path> children;
      try (Stream<Path> s = Files.list(dir)) {
        children = new ArrayList<>(s.toList());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + dir, e);
      }
      children.sort(Comparator.comparing(p -> p.getFileName().toString()));
      List<Entry> entries = new ArrayList<>();
      for (Path p : children) {
        String name = p.getFileName().toString();
        if (name.startsWith(".")) {
          continue;
        }
        String childRel = rel.isEmpty() ? name : rel + "/" + name;
        BasicFileAttributes attrs;
        try {
          attrs = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + p, e);
        }
        if (ignore.isIgnored(childRel, attrs.isDirectory())) {
          continue;
        }
        if (attrs.isSymbolicLink()) {
          problem(childRel, "symbolic links are not allowed");
        } else if (attrs.isDirectory() || attrs.isRegularFile()) {
          entries.add(new Entry(p, name, childRel, attrs.isDirectory()));
        } else {
          problem(childRel, "not a regular file or folder");
        }
      }
      return entries;
    }

    private void readBidsIgnore() {
      Path file = root.resolve(".bidsignore");
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        return;
      }
      byte[] bytes = readSmall(file, ".bidsignore");
      if (bytes != null) {
        ignore = BidsIgnore.parse(Arrays.asList(text(bytes).split("\n")));
      }
    }

    private void scanRoot() {
      for (Entry e : list(root, "")) {
        if (e.directory) {
          if (SKIPPED_TOP_LEVEL_FOLDERS.contains(e.name)) {
            continue;
          }
          if (e.name.startsWith("sub-")) {
            scanSubject(e);
          } else {
            problem(e.rel, "unexpected folder at the dataset root (expected sub-<label>/ or one of "
                + new TreeSet<>(SKIPPED_TOP_LEVEL_FOLDERS) + ")");
          }
        } else if (e.name.equals(DESCRIPTION)) {
          descriptionSeen = true;
          readDescription(e);
        } else if (e.name.equals(PARTICIPANTS)) {
          readParticipants(e);
        } else if (TOP_LEVEL_FILES.contains(e.name) || e.name.startsWith("README")) {
          // allowed, not needed
        } else if (isImageName(e.name)) {
          problem(e.rel, "image at the dataset root: " + IMAGE_PLACE);
        } else {
          BidsEntities n = BidsEntities.parseOrNull(e.name, why ->
              problem(e.rel, "unexpected file at the dataset root: not a BIDS top-level file, and not a BIDS name (" + why + ")"));
          if (n == null) {
            continue;
          }
          if (!LEVEL_METADATA_EXTENSIONS.contains(n.extension())) {
            problem(e.rel, "unexpected file at the dataset root: only " + new TreeSet<>(LEVEL_METADATA_EXTENSIONS)
                + " metadata may sit here besides the BIDS top-level files");
          } else if (n.extension().equals(".json")) {
            addSidecar(e, "", n);
          }
        }
      }
    }

    private void scanSubject(Entry dir) {
      String label = dir.name.substring("sub-".length());
      if (!ALNUM.matcher(label).matches()) {
        problem(dir.rel, "invalid subject folder name: the label after sub- must be alphanumeric");
        return;
      }
      subjects.add(label);
      for (Entry e : list(dir.path, dir.rel)) {
        if (e.directory) {
          if (e.name.startsWith("ses-")) {
            scanSession(e, label);
          } else if (DATATYPES.contains(e.name)) {
            scanDatatype(e, label, null);
          } else {
            unknownFolder(e);
          }
        } else {
          levelFile(e, dir.rel, label, null);
        }
      }
    }

    private void scanSession(Entry dir, String subject) {
      String label = dir.name.substring("ses-".length());
      if (!ALNUM.matcher(label).matches()) {
        problem(dir.rel, "invalid session folder name: the label after ses- must be alphanumeric");
        return;
      }
      for (Entry e : list(dir.path, dir.rel)) {
        if (e.directory) {
          if (DATATYPES.contains(e.name)) {
            scanDatatype(e, subject, label);
          } else {
            unknownFolder(e);
          }
        } else {
          levelFile(e, dir.rel, subject, label);
        }
      }
    }

    private void unknownFolder(Entry e) {
      problem(e.rel, "unknown datatype folder '" + e.name + "' (known: " + new TreeSet<>(DATATYPES) + ")");
    }

    /** A file directly in a subject or session folder: scans/sessions tables, sidecars. */
    private void levelFile(Entry e, String dirRel, String subject, String session) {
      if (isImageName(e.name)) {
        problem(e.rel, "image outside a datatype folder: " + IMAGE_PLACE);
        return;
      }
      BidsEntities n = BidsEntities.parseOrNull(e.name, why -> problem(e.rel, "invalid file name: " + why));
      if (n == null || !matchesFolders(e, n, subject, session, session != null)) {
        return;
      }
      if (!LEVEL_METADATA_EXTENSIONS.contains(n.extension())) {
        problem(e.rel, "unexpected file: only " + new TreeSet<>(LEVEL_METADATA_EXTENSIONS)
            + " metadata may sit in a subject or session folder; data belongs in a datatype folder");
      } else if (n.extension().equals(".json")) {
        addSidecar(e, dirRel, n);
      }
    }

    private void scanDatatype(Entry dir, String subject, String session) {
      for (Entry e : list(dir.path, dir.rel)) {
        if (e.directory) {
          // Multi-file recordings (CTF .ds, .mefd, OME-Zarr, …) are BIDS-named folders: not ours.
          if (BidsEntities.parseOrNull(e.name, why -> {}) == null) {
            problem(e.rel, "unexpected folder inside a datatype folder");
          }
          continue;
        }
        BidsEntities n = BidsEntities.parseOrNull(e.name, why -> problem(e.rel, "invalid file name: " + why));
        if (n == null || !matchesFolders(e, n, subject, session, true)) {
          continue;
        }
        if (isImageName(e.name)) {
          candidates.add(new Candidate(e.rel, dir.rel, subject, session, dir.name, n));
        } else if (n.extension().equals(".json")) {
          addSidecar(e, dir.rel, n);
        }
      }
    }

    /**
     * Whether the name's sub (always) and ses (when {@code checkSession}) agree with the folders;
     * reports the mismatch otherwise.
     */
    private boolean matchesFolders(Entry e, BidsEntities n, String subject, String session, boolean checkSession) {
      String sub = n.subject();
      if (sub == null) {
        problem(e.rel, "the name must start with sub-" + subject + " (it is inside sub-" + subject + "/)");
        return false;
      }
      if (!sub.equals(subject)) {
        problem(e.rel, "sub-" + sub + " in the name does not match its folder sub-" + subject + "/");
        return false;
      }
      if (!checkSession) {
        return true;
      }
      String ses = n.session();
      if (session == null && ses != null) {
        problem(e.rel, "ses-" + ses + " in the name, but the file is not inside a ses-" + ses + "/ folder");
        return false;
      }
      if (session != null && ses == null) {
        problem(e.rel, "the name lacks ses-" + session + " (it is inside ses-" + session + "/)");
        return false;
      }
      if (session != null && !session.equals(ses)) {
        problem(e.rel, "ses-" + ses + " in the name does not match its folder ses-" + session + "/");
        return false;
      }
      return true;
    }

    // ---------------------------------------------------------------- metadata files

    private void addSidecar(Entry e, String dirRel, BidsEntities n) {
      ObjectNode json = readJsonObject(e.path, e.rel);
      if (json != null) {
        int depth = dirRel.isEmpty() ? 0 : dirRel.split("/").length;
        sidecarsByDir.computeIfAbsent(dirRel, k -> new ArrayList<>()).add(new Sidecar(e.rel, depth, n, json));
      }
    }

    private void readDescription(Entry e) {
      ObjectNode json = readJsonObject(e.path, e.rel);
      if (json == null) {
        return;
      }
      description = json;
      for (String key : List.of("Name", "BIDSVersion")) {
        JsonNode v = json.get(key);
        if (v == null) {
          problem(e.rel, key + " is missing (required)");
        } else if (!v.isTextual() || v.asText().isBlank()) {
          problem(e.rel, key + " must be a non-empty string");
        }
      }
    }

    private void readParticipants(Entry e) {
      byte[] bytes = readSmall(e.path, e.rel);
      if (bytes == null) {
        return;
      }
      List<String> lines = new ArrayList<>(Arrays.asList(text(bytes).split("\n", -1)));
      lines.replaceAll(l -> l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
      while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
        lines.remove(lines.size() - 1);
      }
      if (lines.isEmpty()) {
        problem(e.rel, "empty; it needs at least a header with a participant_id column");
        return;
      }
      String[] header = lines.get(0).split("\t", -1);
      Set<String> seen = new HashSet<>();
      for (String h : header) {
        if (!seen.add(h)) {
          problem(e.rel, "column '" + h + "' appears twice in the header");
          return;
        }
      }
      if (!seen.contains("participant_id")) {
        problem(e.rel, "no participant_id column (header: " + String.join(", ", header) + ")");
        return;
      }
      List<Map<String, String>> rows = new ArrayList<>();
      Set<String> ids = new HashSet<>();
      for (int i = 1; i < lines.size(); i++) {
        String[] cells = lines.get(i).split("\t", -1);
        int lineNo = i + 1;
        if (cells.length != header.length) {
          problem(e.rel, "line " + lineNo + " has " + cells.length + " columns, the header " + header.length);
          continue;
        }
        Map<String, String> row = new LinkedHashMap<>();
        for (int c = 0; c < header.length; c++) {
          row.put(header[c], cells[c]);
        }
        String id = row.get("participant_id");
        if (!PARTICIPANT_ID.matcher(id).matches()) {
          problem(e.rel, "line " + lineNo + ": participant_id '" + id + "' is not sub-<alphanumeric label>");
        } else if (!ids.add(id)) {
          problem(e.rel, "line " + lineNo + ": participant_id " + id + " appears twice");
        }
        rows.add(Collections.unmodifiableMap(row));
      }
      participants = rows;
      participantIds = ids;
    }

    private ObjectNode readJsonObject(Path file, String rel) {
      byte[] bytes = readSmall(file, rel);
      if (bytes == null) {
        return null;
      }
      JsonNode node;
      try {
        node = JSON.readTree(bytes);
      } catch (JsonProcessingException e) {
        String msg = e.getOriginalMessage();
        int nl = msg == null ? -1 : msg.indexOf('\n');
        msg = msg == null ? "unreadable" : nl >= 0 ? msg.substring(0, nl) : msg;
        if (msg.startsWith("Trailing token")) {
          msg = "more content after the JSON object";
        }
        JsonLocation loc = e.getLocation();
        String where = loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
        problem(rel, "invalid JSON: " + msg + where);
        return null;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (node == null || node.isMissingNode()) {
        problem(rel, "empty file, expected a JSON object");
        return null;
      }
      if (!node.isObject()) {
        problem(rel, "must hold a JSON object, not " + node.getNodeType().toString().toLowerCase());
        return null;
      }
      return (ObjectNode) node;
    }

    private byte[] readSmall(Path file, String rel) {
      try {
        long size = Files.size(file);
        if (size > MAX_METADATA_FILE_BYTES) {
          problem(rel, "too large to read (" + size + " bytes; at most " + MAX_METADATA_FILE_BYTES + ")");
          return null;
        }
        return Files.readAllBytes(file);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }

    private static String text(byte[] bytes) {
      String s = new String(bytes, StandardCharsets.UTF_8);
      return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }

    // ---------------------------------------------------------------- inheritance

    private List<BidsImage> buildImages() {
      candidates.sort(Comparator.comparing(Candidate::path));
      List<BidsImage> images = new ArrayList<>();
      for (Candidate c : candidates) {
        List<Sidecar> applicable = new ArrayList<>();
        for (String dir : ancestors(c.dir)) {
          for (Sidecar s : sidecarsByDir.getOrDefault(dir, List.of())) {
            if (s.name.suffix().equals(c.name.suffix()) && s.name.isSubsetOf(c.name)) {
              applicable.add(s);
            }
          }
        }
        applicable.sort(
            Comparator.comparingInt(Sidecar::depth)
                .thenComparingInt((Sidecar s) -> s.name.entities().size())
                .thenComparing(Sidecar::path));
        reportConflicts(c, applicable);
        ObjectNode merged = JSON.createObjectNode();
        Map<String, String> source = new HashMap<>();
        List<String> files = new ArrayList<>();
        for (Sidecar s : applicable) {
          files.add(s.path);
          for (Map.Entry<String, JsonNode> f : s.json.properties()) {
            merged.set(f.getKey(), f.getValue().deepCopy());
            source.put(f.getKey(), s.path);
          }
        }
        JsonNode tr = merged.get("RepetitionTime");
        if (tr != null && !(tr.isNumber() && tr.doubleValue() > 0 && Double.isFinite(tr.doubleValue()))) {
          String shown = tr.toString();
          if (shown.length() > 40) {
            shown = shown.substring(0, 40) + "…";
          }
          problem(source.get("RepetitionTime"), "RepetitionTime must be a positive number (seconds), got " + shown);
        }
        images.add(new BidsImage(c.path, c.subject, c.session, c.datatype, c.name.suffix(), c.name.extension(),
            c.name.entities(), merged, files));
      }
      return images;
    }

    private void reportConflicts(Candidate c, List<Sidecar> applicable) {
      for (int i = 0; i < applicable.size(); i++) {
        Sidecar a = applicable.get(i);
        for (int j = i + 1; j < applicable.size(); j++) {
          Sidecar b = applicable.get(j);
          if (a.depth != b.depth || a.name.entities().size() != b.name.entities().size()) {
            break; // sorted: nothing further shares a's level and specificity
          }
          for (Iterator<String> it = a.json.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            JsonNode other = b.json.get(key);
            if (other != null && !other.equals(a.json.get(key))) {
              if (reportedConflicts.add(a.path + "\n" + b.path)) {
                problem(b.path, "conflicts with " + a.path + " on '" + key + "'; both apply, at the same level and "
                    + "with as many entities, to " + c.path);
              }
              break;
            }
          }
        }
      }
    }

    /** "", "sub-01", "sub-01/ses-1", "sub-01/ses-1/func" for "sub-01/ses-1/func". */
    private static List<String> ancestors(String dir) {
      List<String> out = new ArrayList<>();
      out.add("");
      int from = 0;
      while (true) {
        int slash = dir.indexOf('/', from);
        if (slash < 0) {
          out.add(dir);
          return out;
        }
        out.add(dir.substring(0, slash));
        from = slash + 1;
      }
    }
  }
}
