package io.voxelflow.gateway;

import io.voxelflow.api.operations.v1.ListOperationsResponse;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.json.ProtoJson;
import io.voxelflow.operations.OperationManager;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * HTTP/JSON for long-running operations, mirroring {@code voxelflow.operations.v1.OperationsService}
 * (Google's HTTP mapping: {@code GET /v1/operations}, {@code GET /v1/operations/{id}},
 * {@code POST /v1/operations/{id}:cancel}).
 *
 * <p>Authentication: none yet. Every resource goes through JAX-RS, so a later
 * {@code ContainerRequestFilter} (or Quarkus OIDC) can guard all of them in one place.
 */
@Path("/v1/operations")
@Produces(MediaType.APPLICATION_JSON)
public class OperationsResource {
  @Inject
  OperationManager operations;

  private static Response ok(com.google.protobuf.MessageOrBuilder m) {
    return Response.ok(ProtoJson.print(m), MediaType.APPLICATION_JSON).build();
  }

  @GET
  public Response list(@QueryParam("page_size") @DefaultValue("0") int pageSize,
      @QueryParam("page_token") @DefaultValue("") String pageToken,
      @QueryParam("only_running") @DefaultValue("false") boolean onlyRunning) {
    OperationManager.Page page = operations.list(pageSize, pageToken, onlyRunning);
    return ok(ListOperationsResponse.newBuilder()
        .addAllOperations(page.operations())
        .setNextPageToken(page.nextPageToken()));
  }

  @GET
  @Path("{id:[^/:]+}")
  public Response get(@PathParam("id") String id) {
    return ok(operations.get("operations/" + id));
  }

  /** Custom methods in Google's HTTP style, {@code POST /v1/operations/{id}:cancel}. */
  @POST
  @Path("{idAndVerb}")
  public Response customMethod(@PathParam("idAndVerb") String idAndVerb) {
    int colon = idAndVerb.lastIndexOf(':');
    String verb = colon < 0 ? "" : idAndVerb.substring(colon + 1);
    if (!verb.equals("cancel")) {
      throw new InvalidArgumentException("UNKNOWN_METHOD", "unknown custom method ':" + verb
          + "' on operations; the only one is :cancel");
    }
    return ok(operations.cancel("operations/" + idAndVerb.substring(0, colon)));
  }
}
