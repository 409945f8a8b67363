package io.voxelflow.gateway;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.voxelflow.api.operations.v1.OperationMetadata;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Protobuf messages as JSON (proto3 JSON mapping, proto field names) for HTTP responses. */
final class ProtoJson {
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer()
      .usingTypeRegistry(JsonFormat.TypeRegistry.newBuilder().add(OperationMetadata.getDescriptor()).build())
      .preservingProtoFieldNames()
      .alwaysPrintFieldsWithNoPresence();

  private ProtoJson() {}

  static Response ok(MessageOrBuilder m) {
    try {
      return Response.ok(PRINTER.print(m), MediaType.APPLICATION_JSON).build();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot render " + m.getClass().getSimpleName() + " as JSON", e);
    }
  }
}
