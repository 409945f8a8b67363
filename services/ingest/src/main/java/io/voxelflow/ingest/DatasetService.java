package io.voxelflow.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.longrunning.Operation;
import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import io.voxelflow.api.ingest.v1.BidsEntities;
import io.voxelflow.api.ingest.v1.Dataset;
import io.voxelflow.api.ingest.v1.DatasetServiceGrpc;
import io.voxelflow.api.ingest.v1.GetImageHeaderResponse;
import io.voxelflow.api.ingest.v1.Image;
import io.voxelflow.api.ingest.v1.ImportDatasetRequest;
import io.voxelflow.api.ingest.v1.ListImagesRequest;
import io.voxelflow.api.ingest.v1.ParticipantsRow;
import io.voxelflow.api.ingest.v1.Subject;
import io.voxelflow.api.ingest.v1.UploadDatasetArchiveResponse;
import io.voxelflow.api.ingest.v1.UploadMetadata;
import io.voxelflow.api.types.v1.Provenance;
import io.voxelflow.error.AlreadyExistsException;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.error.NotFoundException;
import io.voxelflow.ingest.bids.BidsArchive;
import io.voxelflow.ingest.bids.BidsDataset;
import io.voxelflow.ingest.bids.BidsImage;
import io.voxelflow.ingest.bids.BidsLayout;
import io.voxelflow.ingest.bids.SidecarDeidentifier;
import io.voxelflow.json.ProtoJson;
import io.voxelflow.json.ProtoTime;
import io.voxelflow.nifti.NiftiHeader;
import io.voxelflow.operations.OperationContext;
import io.voxelflow.operations.OperationManager;
import io.voxelflow.storage.Addresses;
import io.voxelflow.storage.ObjectStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * BIDS datasets: import (a long-running operation), get, list, delete, and their subjects, images
 * and headers.
 *
 * <p>Atomic visibility: an import stores every image's blob first and the dataset's manifest
 * ({@code datasets/{id}/manifest.json}, the dataset and all its images in one object) last, with
 * a conditional write. The manifest is the commit point: until it exists nothing of the dataset is
 * visible, and a crash at any point leaves either the whole dataset or nothing (at worst blobs no
 * manifest refers to, which cost space but are never visible).
 */
@ApplicationScoped
public class DatasetService {
  static final String METHOD_IMPORT = DatasetServiceGrpc.SERVICE_NAME + "/ImportDataset";
  static final String METHOD_DELETE = DatasetServiceGrpc.SERVICE_NAME + "/DeleteDataset";
  static final String DATASETS = "datasets/";
  static final String ARCHIVES = "archives/";
  private static final Pattern DATASET_ID = Pattern.compile("[a-z][a-z0-9-]{0,62}");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject
  IngestService ingest;

  @Inject
  OperationManager operations;

  @ConfigProperty(name = "voxelflow.ingest.allow-server-paths", defaultValue = "true")
  boolean allowServerPaths;

  @ConfigProperty(name = "voxelflow.ingest.max-archive-entries", defaultValue = "200000")
  int maxArchiveEntries;

  @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev")
  String version;

  ObjectStore store() {
    return ingest.store();
  }

  // ------------------------------------------------------------------ names

  static String datasetId(String name) {
    if (name == null || !name.startsWith(DATASETS)) {
      throw new InvalidArgumentException("BAD_DATASET_NAME", "dataset name must look like datasets/{dataset}, got '" + name + "'");
    }
    String id = name.substring(DATASETS.length());
    checkId(id);
    return id;
  }

  static void checkId(String id) {
    if (!DATASET_ID.matcher(id).matches()) {
      throw new InvalidArgumentException("BAD_DATASET_ID", "dataset_id '" + id
          + "' must be 1-63 characters of lower-case letters, digits and '-', starting with a letter");
    }
  }

  static String manifestKey(String id) {
    return DATASETS + id + "/manifest.json";
  }

  // ------------------------------------------------------------------ manifest

  /** A dataset and all its images, as stored in one object. */
  record Manifest(Dataset dataset, List<Image> images, String requestId) {
    byte[] toJson() {
      ObjectNode root = JSON.createObjectNode();
      root.set("dataset", ProtoJson.toTree(dataset));
      ArrayNode arr = root.putArray("images");
      images.forEach(i -> arr.add(ProtoJson.toTree(i)));
      root.put("request_id", requestId == null ? "" : requestId);
      try {
        return JSON.writeValueAsBytes(root);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static Manifest parse(byte[] bytes) {
      try {
        JsonNode root = JSON.readTree(bytes);
        Dataset.Builder d = Dataset.newBuilder();
        ProtoJson.merge(root.get("dataset").toString(), d);
        List<Image> images = new ArrayList<>();
        for (JsonNode n : root.get("images")) {
          Image.Builder b = Image.newBuilder();
          ProtoJson.merge(n.toString(), b);
          images.add(b.build());
        }
        return new Manifest(d.build(), images, root.path("request_id").asText(""));
      } catch (IOException e) {
        throw new IllegalStateException("corrupt dataset manifest: " + e.getMessage(), e);
      }
    }
  }

  /** Parsed manifests by dataset id, with the ETag they were read at. */
  private final java.util.concurrent.ConcurrentHashMap<String, CachedManifest> manifests = new java.util.concurrent.ConcurrentHashMap<>();

  private record CachedManifest(String etag, Manifest manifest) {}

  /**
   * A dataset's manifest. Every image lookup (Flight, masking) goes through here, so a parsed
   * manifest is kept and reused while the stored object's ETag is unchanged: one HEAD instead of
   * a GET and a parse.
   */
  Optional<Manifest> findManifest(String id) {
    String key = manifestKey(id);
    Optional<ObjectStore.ObjectInfo> info = store().stat(key);
    if (info.isEmpty()) {
      manifests.remove(id);
      return Optional.empty();
    }
    CachedManifest cached = manifests.get(id);
    if (cached != null && info.get().etag() != null && info.get().etag().equals(cached.etag())) {
      return Optional.of(cached.manifest());
    }
    try {
      Manifest m = Manifest.parse(store().getBytes(key));
      manifests.put(id, new CachedManifest(info.get().etag(), m));
      return Optional.of(m);
    } catch (NotFoundException gone) {
      manifests.remove(id);
      return Optional.empty(); // deleted between stat and get
    }
  }

  Manifest manifest(String name) {
    String id = datasetId(name);
    return findManifest(id).orElseThrow(() -> new NotFoundException("DATASET_NOT_FOUND", "no dataset named " + name));
  }

  // ------------------------------------------------------------------ import

  /**
   * Starts an import. Checks what can be checked at once (id, source, existing dataset); the rest
   * (BIDS validation, every image) happens in the operation.
   */
  public Operation importDataset(ImportDatasetRequest req) {
    checkId(req.getDatasetId());
    String name = DATASETS + req.getDatasetId();
    Optional<Manifest> existing = findManifest(req.getDatasetId());
    if (existing.isPresent()) {
      if (!req.getRequestId().isEmpty() && req.getRequestId().equals(existing.get().requestId())) {
        Dataset d = existing.get().dataset();
        return operations.submit(METHOD_IMPORT, name, ctx -> d); // idempotent retry: the same result
      }
      throw new AlreadyExistsException("DATASET_EXISTS", name + " already exists; delete it first or choose another dataset_id");
    }
    Source source = resolveSource(req);
    return operations.submit(METHOD_IMPORT, name, ctx -> runImport(req, name, source, ctx));
  }

  /** Where an import reads from. */
  record Source(Path path, String archiveKey, String label) {}

  Source resolveSource(ImportDatasetRequest req) {
    switch (req.getSourceCase()) {
      case SOURCE_PATH -> {
        if (!allowServerPaths) {
          throw new InvalidArgumentException("SERVER_PATHS_DISABLED",
              "this server does not read its own file system (voxelflow.ingest.allow-server-paths=false); "
                  + "upload the dataset with UploadDatasetArchive and import source_archive");
        }
        Path p = Path.of(req.getSourcePath());
        if (!Files.exists(p)) {
          throw new InvalidArgumentException("SOURCE_NOT_FOUND", "source_path " + p + " does not exist on the server");
        }
        return new Source(p, null, p.toAbsolutePath().toString());
      }
      case SOURCE_ARCHIVE -> {
        String a = req.getSourceArchive();
        String sha = a.startsWith(ARCHIVES) ? a.substring(ARCHIVES.length()) : "";
        if (!Addresses.isSha256(sha)) {
          throw new InvalidArgumentException("BAD_ARCHIVE_NAME", "source_archive must be archives/{sha256}, got '" + a + "'");
        }
        if (!store().exists(ARCHIVES + sha + ".zip")) {
          throw new NotFoundException("ARCHIVE_NOT_FOUND", "no uploaded archive " + a);
        }
        return new Source(null, ARCHIVES + sha + ".zip", a);
      }
      default -> throw new InvalidArgumentException("MISSING_SOURCE", "ImportDatasetRequest needs source_path or source_archive");
    }
  }

  Dataset runImport(ImportDatasetRequest req, String name, Source source, OperationContext ctx) throws IOException {
    Path work = ingest.scratch().resolve("import-" + UUID.randomUUID());
    Files.createDirectories(work);
    try {
      ctx.progress(0, "reading the source");
      Path root = materialise(source, work);
      ctx.checkCancelled();
      ctx.progress(0.02, "validating BIDS");
      BidsDataset bids = BidsLayout.scanOrThrow(root);
      ImageCatalog catalog = ingest.catalog();
      List<Image> images = new ArrayList<>();
      List<Provenance.Input> inputs = new ArrayList<>();
      long totalVolumes = 0;
      long size = 0;
      int n = bids.images().size();
      for (int i = 0; i < n; i++) {
        ctx.checkCancelled();
        BidsImage b = bids.images().get(i);
        Path file = root.resolve(b.path());
        String step = "image " + (i + 1) + "/" + n + ": " + b.path();
        ctx.units(i, n, step);
        String uploadedSha = Addresses.sha256Hex(file);
        Image stored = catalog.ingest(file, b.path(), uploadedSha, work, ctx::checkCancelled, false);
        images.add(datasetImage(name, b, stored));
        inputs.add(Provenance.Input.newBuilder().setName(b.path()).setSha256(uploadedSha).build());
        size += stored.getSizeBytes();
        totalVolumes += stored.getHeader().getShapeCount() > 3 ? stored.getHeader().getShape(3) : 1;
      }
      ctx.units(n, n, "committing the manifest");
      Dataset dataset = dataset(name, bids, images, size, source, req, inputs);
      Manifest m = new Manifest(dataset, images, req.getRequestId());
      if (!store().putIfAbsent(manifestKey(req.getDatasetId()), m.toJson(), "application/json")) {
        Optional<Manifest> other = findManifest(req.getDatasetId());
        if (other.isPresent() && !req.getRequestId().isEmpty() && req.getRequestId().equals(other.get().requestId())) {
          return other.get().dataset();
        }
        throw new AlreadyExistsException("DATASET_EXISTS", name + " was created by another import meanwhile");
      }
      ctx.progress(1, "imported " + n + " images (" + totalVolumes + " volumes)");
      return dataset;
    } finally {
      deleteTree(work);
    }
  }

  private Path materialise(Source source, Path work) throws IOException {
    Path zip;
    if (source.archiveKey() != null) {
      zip = work.resolve("archive.zip");
      try (InputStream in = store().get(source.archiveKey())) {
        Files.copy(in, zip);
      }
    } else if (Files.isDirectory(source.path())) {
      return source.path();
    } else {
      zip = source.path();
    }
    return BidsArchive.extract(zip, work.resolve("dataset"), ingest.maxUploadBytes() * 4, maxArchiveEntries);
  }

  static Image datasetImage(String datasetName, BidsImage b, Image stored) {
    ObjectNode sidecar = b.sidecar().deepCopy();
    SidecarDeidentifier.deidentify(sidecar);
    Image.Builder img = stored.toBuilder()
        .setName(datasetName + "/subjects/" + b.subject() + "/images/" + imageId(b))
        .setSourcePath(b.path())
        .setEntities(BidsEntities.newBuilder()
            .setSubject(b.subject())
            .setSession(b.session() == null ? "" : b.session())
            .setTask(nullToEmpty(b.entities().get("task")))
            .setRun(nullToEmpty(b.entities().get("run")))
            .setAcquisition(nullToEmpty(b.entities().get("acq")))
            .setSuffix(b.suffix())
            .setDatatype(b.datatype()))
        .setSidecar(toStruct(sidecar));
    Optional<Double> tr = b.repetitionTime();
    if (tr.isPresent()) {
      // BIDS: the sidecar's RepetitionTime wins over the header's pixdim[4].
      img.setRepetitionTimeSeconds(tr.get()).setRepetitionTimeSource(Image.RepetitionTimeSource.REPETITION_TIME_SOURCE_SIDECAR);
    }
    return img.build();
  }

  /** The image id: the file name without {@code sub-<label>_} and without its extension. */
  static String imageId(BidsImage b) {
    String f = b.fileName();
    String stem = f.endsWith(".nii.gz") ? f.substring(0, f.length() - 7) : f.substring(0, f.lastIndexOf('.'));
    String prefix = "sub-" + b.subject() + "_";
    return stem.startsWith(prefix) ? stem.substring(prefix.length()) : stem;
  }

  private Dataset dataset(String name, BidsDataset bids, List<Image> images, long size, Source source,
      ImportDatasetRequest req, List<Provenance.Input> inputs) {
    Dataset.Builder d = Dataset.newBuilder()
        .setName(name)
        .setDisplayName(bids.description().path("Name").asText(""))
        .setBidsVersion(bids.description().path("BIDSVersion").asText(""))
        .setDatasetDescription(toStruct((ObjectNode) bids.description()))
        .setSubjectCount((int) images.stream().map(i -> i.getEntities().getSubject()).distinct().count())
        .setImageCount(images.size())
        .setSizeBytes(size)
        .setState(Dataset.State.STATE_ACTIVE)
        .setSource(source.label())
        .setCreateTime(ProtoTime.now())
        .setUpdateTime(ProtoTime.now())
        .setProvenance(Provenance.newBuilder()
            .setMethod(METHOD_IMPORT)
            .addAllInputs(inputs)
            .putParameters("dataset_id", req.getDatasetId())
            .putParameters("source", source.label())
            .putParameters("deidentified_header_fields", String.join(",", Deidentifier.CLEARED_FIELDS))
            .putParameters("deidentified_sidecar_keys", String.join(",", SidecarDeidentifier.IDENTIFYING_KEYS))
            .setVoxelflowVersion(version)
            .setCreateTime(ProtoTime.now()));
    List<String> columns = new ArrayList<>();
    if (!bids.participants().isEmpty()) {
      for (String c : bids.participants().get(0).keySet()) {
        if (!SidecarDeidentifier.isIdentifying(c)) {
          columns.add(c);
        }
      }
    }
    d.addAllParticipantsColumns(columns);
    for (Map<String, String> row : bids.participants()) {
      ParticipantsRow.Builder r = ParticipantsRow.newBuilder();
      for (String c : columns) {
        r.putValues(c, nullToEmpty(row.get(c)));
      }
      d.addParticipants(r);
    }
    return d.build();
  }

  static Struct toStruct(ObjectNode node) {
    Struct.Builder b = Struct.newBuilder();
    try {
      ProtoJson.merge(node.toString(), b);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
    return b.build();
  }

  static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // scratch space
    }
  }

  // ------------------------------------------------------------------ archives

  /** Receives a dataset archive (a zip) into storage as {@code archives/{sha256}}. */
  public IngestService.Upload beginArchiveUpload(UploadMetadata metadata) {
    if (!metadata.getFilename().toLowerCase(java.util.Locale.ROOT).endsWith(".zip")) {
      throw new InvalidArgumentException("NOT_ZIP_NAME", "a dataset archive must be a .zip, got '" + metadata.getFilename() + "'");
    }
    return ingest.new Upload(metadata, new UploadReceiver(ingest.scratch(), ingest.maxUploadBytes(),
        metadata.getTotalSizeBytes(), "archive '" + metadata.getFilename() + "'"));
  }

  /** Finishes an archive upload: stores it unless the same bytes are there already. */
  public UploadDatasetArchiveResponse finishArchiveUpload(IngestService.Upload upload) {
    UploadReceiver r = upload.receiver();
    String sha = r.finish(upload.metadata().getTotalSizeBytes(), upload.metadata().getExpectedSha256());
    String key = ARCHIVES + sha + ".zip";
    boolean existed = store().exists(key);
    if (!existed) {
      store().putFile(key, r.file(), "application/zip");
    }
    return UploadDatasetArchiveResponse.newBuilder().setArchive(ARCHIVES + sha).setSha256(sha)
        .setSizeBytes(r.received()).setAlreadyExisted(existed).build();
  }

  // ------------------------------------------------------------------ reads

  public Dataset get(String name) {
    return manifest(name).dataset();
  }

  /** A page of datasets in id order; the token is opaque. */
  public record Page<T>(List<T> items, String nextPageToken) {}

  public Page<Dataset> list(int pageSize, String pageToken) {
    int size = pageSize <= 0 ? 50 : Math.min(pageSize, 1000);
    if (pageSize < 0) {
      throw new InvalidArgumentException("BAD_PAGE_SIZE", "page_size must not be negative");
    }
    String after = decodeToken(pageToken);
    List<Dataset> out = new ArrayList<>();
    String next = "";
    String cursor = after;
    while (out.size() < size) {
      ObjectStore.Listing page = store().list(DATASETS, cursor, 200);
      for (ObjectStore.ObjectInfo o : page.objects()) {
        cursor = o.key();
        if (!o.key().endsWith("/manifest.json")) {
          continue;
        }
        String id = o.key().substring(DATASETS.length(), o.key().length() - "/manifest.json".length());
        findManifest(id).ifPresent(m -> out.add(m.dataset()));
        if (out.size() == size) {
          break;
        }
      }
      if (out.size() == size) {
        if (!store().list(DATASETS, cursor, 1).objects().isEmpty()) {
          next = encodeToken(cursor);
        }
        break;
      }
      if (page.nextStartAfter().isEmpty()) {
        break;
      }
    }
    return new Page<>(out, next);
  }

  static String encodeToken(String key) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(("after:" + key).getBytes(StandardCharsets.UTF_8));
  }

  static String decodeToken(String token) {
    if (token == null || token.isEmpty()) {
      return "";
    }
    try {
      String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      if (s.startsWith("after:")) {
        return s.substring(6);
      }
    } catch (IllegalArgumentException ignored) {
      // falls through
    }
    throw new InvalidArgumentException("INVALID_PAGE_TOKEN", "page_token '" + token + "' is not one this server issued");
  }

  /** Deletes a dataset: its manifest goes first, so it disappears at once and as a whole. */
  public Operation delete(String name) {
    String id = datasetId(name);
    if (findManifest(id).isEmpty()) {
      throw new NotFoundException("DATASET_NOT_FOUND", "no dataset named " + name);
    }
    return operations.submit(METHOD_DELETE, name, ctx -> {
      store().delete(manifestKey(id));
      return Empty.getDefaultInstance();
    });
  }

  public List<Subject> subjects(String datasetName) {
    Manifest m = manifest(datasetName);
    Map<String, Subject.Builder> subjects = new TreeMap<>();
    for (Image i : m.images()) {
      String label = i.getEntities().getSubject();
      Subject.Builder s = subjects.computeIfAbsent(label, l -> Subject.newBuilder()
          .setName(datasetName + "/subjects/" + l).setLabel(l));
      s.setImageCount(s.getImageCount() + 1);
      String ses = i.getEntities().getSession();
      if (!ses.isEmpty() && !s.getSessionsList().contains(ses)) {
        s.addSessions(ses);
      }
    }
    for (ParticipantsRow row : m.dataset().getParticipantsList()) {
      String pid = row.getValuesOrDefault("participant_id", "");
      String label = pid.startsWith("sub-") ? pid.substring(4) : pid;
      Subject.Builder s = subjects.get(label);
      if (s != null) {
        s.setParticipant(row);
      }
    }
    List<Subject> out = new ArrayList<>();
    subjects.values().forEach(b -> out.add(b.build()));
    return out;
  }

  public Subject subject(String subjectName) {
    int at = subjectName.indexOf("/subjects/");
    if (at < 0) {
      throw new InvalidArgumentException("BAD_SUBJECT_NAME", "subject name must look like datasets/{dataset}/subjects/{subject}, got '" + subjectName + "'");
    }
    return subjects(subjectName.substring(0, at)).stream().filter(s -> s.getName().equals(subjectName)).findFirst()
        .orElseThrow(() -> new NotFoundException("SUBJECT_NOT_FOUND", "no subject named " + subjectName));
  }

  /** Images of a subject ({@code parent} = a subject, or {@code datasets/{d}/subjects/-} for all), filtered. */
  public List<Image> images(ListImagesRequest req) {
    String parent = req.getParent();
    int at = parent.indexOf("/subjects/");
    if (at < 0) {
      throw new InvalidArgumentException("BAD_PARENT", "parent must look like datasets/{dataset}/subjects/{subject} (or subjects/- for all), got '" + parent + "'");
    }
    String subject = parent.substring(at + "/subjects/".length());
    Manifest m = manifest(parent.substring(0, at));
    List<Image> out = new ArrayList<>();
    for (Image i : m.images()) {
      BidsEntities e = i.getEntities();
      if ((subject.equals("-") || subject.equals(e.getSubject()))
          && (req.getSession().isEmpty() || req.getSession().equals(e.getSession()))
          && (req.getTask().isEmpty() || req.getTask().equals(e.getTask()))
          && (req.getDatatype().isEmpty() || req.getDatatype().equals(e.getDatatype()))
          && (req.getSuffix().isEmpty() || req.getSuffix().equals(e.getSuffix()))) {
        out.add(i);
      }
    }
    return out;
  }

  /** Any image by name: a dataset's ({@code datasets/…/images/…}) or an upload ({@code images/{sha256}}). */
  public Image image(String name) {
    if (name.startsWith("images/")) {
      return ingest.getImage(name);
    }
    int at = name.indexOf("/subjects/");
    if (!name.startsWith(DATASETS) || at < 0 || !name.contains("/images/")) {
      throw new InvalidArgumentException("BAD_IMAGE_NAME", "image name must be datasets/{d}/subjects/{s}/images/{i} or images/{sha256}, got '" + name + "'");
    }
    return manifest(name.substring(0, at)).images().stream().filter(i -> i.getName().equals(name)).findFirst()
        .orElseThrow(() -> new NotFoundException("IMAGE_NOT_FOUND", "no image named " + name));
  }

  /**
   * A local, random-access copy of an image's stored (de-identified, uncompressed) NIfTI file, for
   * other services to read volume by volume. Downloaded once per process, then cached.
   */
  public Path localFile(Image image) {
    return ingest.localCopy(Addresses.blob(image.getStoredSha256()));
  }

  /** The stored header of an image, decoded and raw. */
  public GetImageHeaderResponse header(String name) {
    Image img = image(name);
    byte[] raw;
    try (InputStream in = store().getRange(Addresses.blob(img.getStoredSha256()), 0, NiftiHeader.NIFTI2_SIZE)) {
      raw = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    NiftiHeader h = NiftiHeader.decode(raw, raw.length, false);
    return GetImageHeaderResponse.newBuilder().setName(name).setHeader(HeaderProtos.toProto(h))
        .setRawHeader(ByteString.copyFrom(raw, 0, h.headerSize())).build();
  }

}
