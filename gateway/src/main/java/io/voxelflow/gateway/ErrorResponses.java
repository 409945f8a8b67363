package io.voxelflow.gateway;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.rpc.ErrorInfo;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.voxelflow.error.ErrorMapping;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Maps every error escaping a gateway resource to an HTTP status and a JSON body shaped like
 * Google's HTTP errors: {@code {"error": {"code": 404, "status": "NOT_FOUND", "message": …,
 * "reason": …}}}. The status code comes from {@link ErrorMapping}, the same table gRPC uses.
 */
@Provider
public class ErrorResponses implements ExceptionMapper<Throwable> {
  @Override
  public Response toResponse(Throwable t) {
    if (t instanceof WebApplicationException wae && !(t instanceof NotFoundException)) {
      int code = wae.getResponse().getStatus();
      return body(code, code >= 500 ? "INTERNAL" : "INVALID_ARGUMENT", t.getMessage(), "HTTP_" + code);
    }
    if (t instanceof NotFoundException) {
      return body(404, "NOT_FOUND", "no such HTTP resource", "HTTP_NOT_FOUND");
    }
    StatusRuntimeException sre = ErrorMapping.toStatusException(t);
    com.google.rpc.Status s = StatusProto.fromThrowable(sre);
    String reason = sre.getStatus().getCode().name();
    if (s != null) {
      for (com.google.protobuf.Any d : s.getDetailsList()) {
        if (d.is(ErrorInfo.class)) {
          try {
            reason = d.unpack(ErrorInfo.class).getReason();
          } catch (com.google.protobuf.InvalidProtocolBufferException ignored) {
            // keep the code's name
          }
        }
      }
    }
    return body(ErrorMapping.httpStatus(sre.getStatus().getCode()), sre.getStatus().getCode().name(),
        sre.getStatus().getDescription(), reason);
  }

  static Response body(int http, String status, String message, String reason) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    ObjectNode e = root.putObject("error");
    e.put("code", http);
    e.put("status", status);
    e.put("message", message == null ? status : message);
    e.put("reason", reason);
    e.put("domain", ErrorMapping.DOMAIN);
    return Response.status(http).type(MediaType.APPLICATION_JSON).entity(root).build();
  }
}
