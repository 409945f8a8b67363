package io.voxelflow.gateway;

import com.google.protobuf.MessageOrBuilder;
import io.smallrye.common.annotation.Blocking;
import io.voxelflow.api.ingest.v1.ImportDatasetRequest;
import io.voxelflow.api.ingest.v1.ListDatasetsResponse;
import io.voxelflow.api.ingest.v1.ListImagesRequest;
import io.voxelflow.api.ingest.v1.ListImagesResponse;
import io.voxelflow.api.ingest.v1.ListSubjectsResponse;
import io.voxelflow.api.ingest.v1.UploadMetadata;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.ingest.DatasetService;
import io.voxelflow.ingest.IngestService;
import io.voxelflow.json.ProtoJson;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * HTTP/JSON for datasets and images, mirroring {@code voxelflow.ingest.v1} (Google's HTTP
 * mapping; bodies and responses are the proto messages in proto3 JSON with proto field names).
 * Errors: {@link ErrorResponses}. Authentication: see {@link OperationsResource}.
 */
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "ingest", description = "voxelflow.ingest.v1 over HTTP")
public class DatasetsResource {
  @Inject
  DatasetService datasets;

  @Inject
  IngestService ingest;

  static Response ok(MessageOrBuilder m) {
    return Response.ok(ProtoJson.print(m), MediaType.APPLICATION_JSON).build();
  }

  @GET
  @Path("datasets")
  @Blocking
  @Operation(summary = "List datasets (paged)")
  public Response list(@QueryParam("page_size") @DefaultValue("0") int pageSize,
      @QueryParam("page_token") @DefaultValue("") String pageToken) {
    DatasetService.Page<io.voxelflow.api.ingest.v1.Dataset> page = datasets.list(pageSize, pageToken);
    return ok(ListDatasetsResponse.newBuilder().addAllDatasets(page.items()).setNextPageToken(page.nextPageToken()));
  }

  /**
   * Custom methods in Google's HTTP style, {@code POST /v1/{collection}:{verb}}: one route
   * dispatching on the segment (JAX-RS does not match a literal ':' after a path segment).
   */
  @POST
  @Path("{collectionAndVerb}")
  @Consumes(MediaType.WILDCARD)
  @Blocking
  @Operation(summary = "Custom methods: datasets:import (JSON ImportDatasetRequest, returns an Operation), "
      + "images:upload and archives:upload (body = the file's bytes; query filename; header X-Voxelflow-Sha256)",
      description = "datasets:import body example: {\"dataset_id\": \"ds1\", \"source_archive\": \"archives/<sha256>\", \"request_id\": \"<uuid>\"}. "
          + "Uploads answer 413 when larger than the server's limit and 400 for a malformed image or a checksum mismatch.")
  public Response customMethod(@PathParam("collectionAndVerb") String collectionAndVerb,
      @QueryParam("filename") String filename,
      @HeaderParam("X-Voxelflow-Sha256") @DefaultValue("") String sha256,
      @HeaderParam("Content-Length") @DefaultValue("0") long length, InputStream body) {
    switch (collectionAndVerb) {
      case "datasets:import" -> {
        try {
          return importDataset(new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      case "images:upload" -> {
        return uploadImage(filename, sha256, length, body);
      }
      case "archives:upload" -> {
        return uploadArchive(filename == null ? "dataset.zip" : filename, sha256, length, body);
      }
      default -> throw new jakarta.ws.rs.NotFoundException();
    }
  }

  Response importDataset(String body) {
    ImportDatasetRequest.Builder b = ImportDatasetRequest.newBuilder();
    try {
      ProtoJson.merge(body, b);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new InvalidArgumentException("BAD_JSON", "the body is not an ImportDatasetRequest: " + e.getMessage());
    }
    return ok(datasets.importDataset(b.build()));
  }

  @GET
  @Path("datasets/{dataset}")
  @Blocking
  @Operation(summary = "Get a dataset")
  public Response get(@PathParam("dataset") String id) {
    return ok(datasets.get("datasets/" + id));
  }

  @DELETE
  @Path("datasets/{dataset}")
  @Blocking
  @Operation(summary = "Delete a dataset (returns a long-running operation)")
  public Response delete(@PathParam("dataset") String id) {
    return ok(datasets.delete("datasets/" + id));
  }

  @GET
  @Path("datasets/{dataset}/subjects")
  @Blocking
  @Operation(summary = "List a dataset's subjects")
  public Response subjects(@PathParam("dataset") String id) {
    return ok(ListSubjectsResponse.newBuilder().addAllSubjects(datasets.subjects("datasets/" + id)));
  }

  @GET
  @Path("datasets/{dataset}/subjects/{subject}")
  @Blocking
  @Operation(summary = "Get a subject")
  public Response subject(@PathParam("dataset") String id, @PathParam("subject") String sub) {
    return ok(datasets.subject("datasets/" + id + "/subjects/" + sub));
  }

  @GET
  @Path("datasets/{dataset}/subjects/{subject}/images")
  @Blocking
  @Operation(summary = "List images of a subject ('-' for all subjects), filtered by session, task, datatype, suffix")
  public Response images(@PathParam("dataset") String id, @PathParam("subject") String sub,
      @QueryParam("session") @DefaultValue("") String session, @QueryParam("task") @DefaultValue("") String task,
      @QueryParam("datatype") @DefaultValue("") String datatype, @QueryParam("suffix") @DefaultValue("") String suffix) {
    var req = ListImagesRequest.newBuilder().setParent("datasets/" + id + "/subjects/" + sub)
        .setSession(session).setTask(task).setDatatype(datatype).setSuffix(suffix).build();
    return ok(ListImagesResponse.newBuilder().addAllImages(datasets.images(req)));
  }

  @GET
  @Path("datasets/{dataset}/subjects/{subject}/images/{image}")
  @Blocking
  @Operation(summary = "Get an image of a dataset")
  public Response image(@PathParam("dataset") String id, @PathParam("subject") String sub, @PathParam("image") String image) {
    return ok(datasets.image("datasets/" + id + "/subjects/" + sub + "/images/" + image));
  }

  @GET
  @Path("datasets/{dataset}/subjects/{subject}/images/{image}/header")
  @Blocking
  @Operation(summary = "Read an image's stored (de-identified) NIfTI header")
  public Response header(@PathParam("dataset") String id, @PathParam("subject") String sub, @PathParam("image") String image) {
    return ok(datasets.header("datasets/" + id + "/subjects/" + sub + "/images/" + image));
  }

  Response uploadImage(String filename, String sha256, long length, InputStream body) {
    if (filename == null || filename.isBlank()) {
      throw new InvalidArgumentException("MISSING_FILENAME", "query parameter filename is required, e.g. ?filename=sub-01_bold.nii.gz");
    }
    UploadMetadata meta = UploadMetadata.newBuilder().setFilename(filename).setTotalSizeBytes(length)
        .setExpectedSha256(sha256).build();
    try (IngestService.Upload u = ingest.beginUpload(meta)) {
      pump(body, u);
      return ok(u.finish());
    }
  }

  Response uploadArchive(String filename, String sha256, long length, InputStream body) {
    UploadMetadata meta = UploadMetadata.newBuilder().setFilename(filename).setTotalSizeBytes(length)
        .setExpectedSha256(sha256).build();
    try (IngestService.Upload u = datasets.beginArchiveUpload(meta)) {
      pump(body, u);
      return ok(datasets.finishArchiveUpload(u));
    }
  }

  @GET
  @Path("images/{sha256}")
  @Blocking
  @Operation(summary = "Get an uploaded image, images/{sha256}")
  public Response uploadedImage(@PathParam("sha256") String sha) {
    return ok(ingest.getImage("images/" + sha));
  }

  private static void pump(InputStream body, IngestService.Upload u) {
    byte[] buf = new byte[1 << 20];
    try {
      int r;
      while ((r = body.read(buf)) > 0) {
        u.append(buf, 0, r);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading the request body failed: " + e.getMessage(), e);
    }
  }
}
