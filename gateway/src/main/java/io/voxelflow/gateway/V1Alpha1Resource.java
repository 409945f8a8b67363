package io.voxelflow.gateway;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.smallrye.common.annotation.Blocking;
import io.voxelflow.api.connectivity.v1alpha1.ComputeConnectomeRequest;
import io.voxelflow.api.connectivity.v1alpha1.GraphMetricsRequest;
import io.voxelflow.api.connectivity.v1alpha1.SeedCorrelationRequest;
import io.voxelflow.api.connectivity.v1alpha1.VoxelwiseConnectomeRequest;
import io.voxelflow.api.decomposition.v1alpha1.DecomposeRequest;
import io.voxelflow.api.masking.v1alpha1.ComputeEpiMaskRequest;
import io.voxelflow.api.masking.v1alpha1.ComputeMultiEpiMaskRequest;
import io.voxelflow.api.masking.v1alpha1.ExtractLabelsSignalsRequest;
import io.voxelflow.api.masking.v1alpha1.ExtractMapsSignalsRequest;
import io.voxelflow.api.masking.v1alpha1.ExtractSignalsRequest;
import io.voxelflow.connectivity.service.ConnectomeService;
import io.voxelflow.connectivity.service.GraphService;
import io.voxelflow.connectivity.service.SeedService;
import io.voxelflow.connectivity.service.VoxelwiseService;
import io.voxelflow.decomposition.service.DecompositionService;
import io.voxelflow.error.InvalidArgumentException;
import io.voxelflow.error.NotFoundException;
import io.voxelflow.json.ProtoJson;
import io.voxelflow.masking.service.MaskingService;
import io.voxelflow.masking.service.SignalExtractionService;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * HTTP/JSON for the {@code v1alpha1} services ({@code voxelflow.masking.v1alpha1},
 * {@code voxelflow.connectivity.v1alpha1}, {@code voxelflow.decomposition.v1alpha1}), Google's
 * HTTP mapping of their methods: {@code POST /v1alpha1/{service}:{method}} with the request
 * message as JSON (proto field names, or their lowerCamelCase JSON names) returns the started
 * long-running operation; follow it at {@code /v1/operations/{id}}. Results are artifacts, read
 * over Arrow Flight. Errors: {@link ErrorResponses}; an unknown method is 404 naming the known ones.
 *
 * <p>One route for every service: JAX-RS does not match a literal ':' after a path segment, and two
 * resources cannot both own {@code /v1alpha1/{x}}. It dispatches on {@code service:method} to
 * per-service tables of methods; a new method is one {@link #rpc} line in {@link #routes()}.
 */
@Path("/v1alpha1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "masking", description = "voxelflow.masking.v1alpha1 over HTTP")
@Tag(name = "connectivity", description = "voxelflow.connectivity.v1alpha1 over HTTP")
@Tag(name = "decomposition", description = "voxelflow.decomposition.v1alpha1 over HTTP")
public class V1Alpha1Resource {
  /** Every method, for the OpenAPI document (the 404 lists the table itself, {@link #known()}). */
  static final String METHODS = "masking:computeEpiMask | masking:computeMultiEpiMask | masking:extractSignals | "
      + "masking:extractLabelsSignals | masking:extractMapsSignals | connectivity:computeConnectome | "
      + "connectivity:seedCorrelation | connectivity:voxelwiseConnectome | connectivity:graphMetrics | "
      + "decomposition:decompose";

  @Inject
  MaskingService masking;

  @Inject
  SignalExtractionService extraction;

  @Inject
  ConnectomeService connectomes;

  @Inject
  SeedService seeds;

  @Inject
  VoxelwiseService voxelwise;

  @Inject
  GraphService graphs;

  @Inject
  DecompositionService decomposition;

  /** Service → method → start from a JSON body. */
  private Map<String, Map<String, Function<String, com.google.longrunning.Operation>>> services;

  @PostConstruct
  void routes() {
    services = new LinkedHashMap<>();
    service("masking",
        rpc("computeEpiMask", ComputeEpiMaskRequest.getDefaultInstance(), masking::computeEpiMask),
        rpc("computeMultiEpiMask", ComputeMultiEpiMaskRequest.getDefaultInstance(), masking::computeMultiEpiMask),
        rpc("extractSignals", ExtractSignalsRequest.getDefaultInstance(), extraction::extract),
        rpc("extractLabelsSignals", ExtractLabelsSignalsRequest.getDefaultInstance(), extraction::extractLabels),
        rpc("extractMapsSignals", ExtractMapsSignalsRequest.getDefaultInstance(), extraction::extractMaps));
    service("connectivity",
        rpc("computeConnectome", ComputeConnectomeRequest.getDefaultInstance(), connectomes::start),
        rpc("seedCorrelation", SeedCorrelationRequest.getDefaultInstance(), seeds::start),
        rpc("voxelwiseConnectome", VoxelwiseConnectomeRequest.getDefaultInstance(), voxelwise::start),
        rpc("graphMetrics", GraphMetricsRequest.getDefaultInstance(), graphs::start));
    service("decomposition",
        rpc("decompose", DecomposeRequest.getDefaultInstance(), decomposition::decompose));
  }

  /** One method: its name and how to start it from a JSON body. */
  record Rpc(String method, Function<String, com.google.longrunning.Operation> start) {}

  /** A method taking request messages like {@code prototype}, started by {@code start}. */
  static <Q extends Message> Rpc rpc(String method, Q prototype, Function<Q, com.google.longrunning.Operation> start) {
    return new Rpc(method, json -> start.apply(parse(json, prototype)));
  }

  private void service(String name, Rpc... rpcs) {
    Map<String, Function<String, com.google.longrunning.Operation>> methods = new LinkedHashMap<>();
    for (Rpc r : rpcs) {
      methods.put(r.method(), r.start());
    }
    services.put(name, methods);
  }

  /** The body as a request message (an empty body is not one: 400 BAD_JSON). */
  @SuppressWarnings("unchecked")
  static <Q extends Message> Q parse(String json, Q prototype) {
    Message.Builder builder = prototype.newBuilderForType();
    try {
      ProtoJson.merge(json == null ? "" : json, builder);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidArgumentException("BAD_JSON", "the body is not a "
          + prototype.getDescriptorForType().getName() + ": " + e.getMessage());
    }
    return (Q) builder.build();
  }

  /** Every {@code service:method}, in table order. */
  List<String> known() {
    List<String> all = new ArrayList<>();
    services.forEach((service, methods) -> methods.keySet().forEach(m -> all.add(service + ":" + m)));
    return all;
  }

  @POST
  @Path("{serviceAndMethod}")
  @Consumes(MediaType.APPLICATION_JSON)
  @Blocking
  @Operation(summary = METHODS + " (body: the request message as JSON; returns an Operation)",
      description = "POST /v1alpha1/{service}:{method} with the method's request message in proto3 JSON "
          + "(proto field names or lowerCamelCase). Returns the started google.longrunning.Operation; poll "
          + "GET /v1/operations/{id} until done, then read `response` (artifacts are read over Arrow Flight). "
          + "Examples: connectivity:computeConnectome {\"signals\": [\"artifacts/<key>\", \"artifacts/<key>\"], "
          + "\"kind\": \"KIND_CORRELATION\"}; decomposition:decompose {\"images\": [\"images/<sha256>\"], "
          + "\"method\": \"METHOD_CANICA\", \"n_components\": 10, \"seed\": 0}. 400 for a malformed body or request, "
          + "404 for an unknown method.")
  public Response call(@PathParam("serviceAndMethod") String serviceAndMethod, String body) {
    int colon = serviceAndMethod.indexOf(':');
    Function<String, com.google.longrunning.Operation> start = colon < 0 ? null
        : services.getOrDefault(serviceAndMethod.substring(0, colon), Map.of()).get(serviceAndMethod.substring(colon + 1));
    if (start == null) {
      throw new NotFoundException("UNKNOWN_METHOD", "no v1alpha1 method '" + serviceAndMethod
          + "' (POST /v1alpha1/{service}:{method}); the methods are " + String.join(", ", known()));
    }
    return Response.ok(ProtoJson.print(start.apply(body)), MediaType.APPLICATION_JSON).build();
  }
}
