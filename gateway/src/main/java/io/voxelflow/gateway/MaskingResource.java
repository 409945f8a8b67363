package io.voxelflow.gateway;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.smallrye.common.annotation.Blocking;
import io.voxelflow.api.masking.v1alpha1.ComputeEpiMaskRequest;
import io.voxelflow.api.masking.v1alpha1.ComputeMultiEpiMaskRequest;
import io.voxelflow.api.masking.v1alpha1.ExtractLabelsSignalsRequest;
import io.voxelflow.api.masking.v1alpha1.ExtractMapsSignalsRequest;
import io.voxelflow.api.masking.v1alpha1.ExtractSignalsRequest;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.json.ProtoJson;
import io.voxelflow.masking.service.MaskingService;
import io.voxelflow.masking.service.SignalExtractionService;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * HTTP/JSON for {@code voxelflow.masking.v1alpha1}: {@code POST /v1alpha1/masking:{method}} with
 * the request message as JSON (proto field names) returns the started long-running operation;
 * follow it at {@code /v1/operations/{id}}. Results are artifacts, read over Arrow Flight.
 */
@Path("/v1alpha1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "masking", description = "voxelflow.masking.v1alpha1 over HTTP")
public class MaskingResource {
  @Inject
  MaskingService masking;

  @Inject
  SignalExtractionService extraction;

  static <B extends Message.Builder> B parse(String json, B builder, String what) {
    try {
      ProtoJson.merge(json, builder);
      return builder;
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidArgumentException("BAD_JSON", "the body is not a " + what + ": " + e.getMessage());
    }
  }

  @POST
  @Path("{methodCall}")
  @Consumes(MediaType.APPLICATION_JSON)
  @Blocking
  @Operation(summary = "masking:computeEpiMask | masking:computeMultiEpiMask | masking:extractSignals | "
      + "masking:extractLabelsSignals | masking:extractMapsSignals (body: the request message; returns an Operation)")
  public Response call(@PathParam("methodCall") String methodCall, String body) {
    com.google.longrunning.Operation op = switch (methodCall) {
      case "masking:computeEpiMask" -> masking.computeEpiMask(
          parse(body, ComputeEpiMaskRequest.newBuilder(), "ComputeEpiMaskRequest").build());
      case "masking:computeMultiEpiMask" -> masking.computeMultiEpiMask(
          parse(body, ComputeMultiEpiMaskRequest.newBuilder(), "ComputeMultiEpiMaskRequest").build());
      case "masking:extractSignals" -> extraction.extract(
          parse(body, ExtractSignalsRequest.newBuilder(), "ExtractSignalsRequest").build());
      case "masking:extractLabelsSignals" -> extraction.extractLabels(
          parse(body, ExtractLabelsSignalsRequest.newBuilder(), "ExtractLabelsSignalsRequest").build());
      case "masking:extractMapsSignals" -> extraction.extractMaps(
          parse(body, ExtractMapsSignalsRequest.newBuilder(), "ExtractMapsSignalsRequest").build());
      default -> throw new jakarta.ws.rs.NotFoundException();
    };
    return Response.ok(ProtoJson.print(op), MediaType.APPLICATION_JSON).build();
  }
}
