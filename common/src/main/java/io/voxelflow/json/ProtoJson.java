package io.voxelflow.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.util.List;

/**
 * Protobuf messages as JSON, the proto3 JSON mapping with proto field names ({@code snake_case}),
 * for the gateway's HTTP responses and the CLI's output. {@code Any} fields (operation metadata
 * and responses) resolve through a registry of every Voxelflow API type and the well-known types.
 */
public final class ProtoJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFormat.TypeRegistry REGISTRY = registry();
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer()
      .usingTypeRegistry(REGISTRY)
      .preservingProtoFieldNames();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().usingTypeRegistry(REGISTRY);

  private ProtoJson() {}

  private static JsonFormat.TypeRegistry registry() {
    JsonFormat.TypeRegistry.Builder b = JsonFormat.TypeRegistry.newBuilder();
    List<FileDescriptor> files = List.of(
        io.voxelflow.api.operations.v1.OperationsProto.getDescriptor(),
        io.voxelflow.api.ingest.v1.IngestProto.getDescriptor(),
        io.voxelflow.api.types.v1.ArtifactProto.getDescriptor(),
        io.voxelflow.api.types.v1.ProvenanceProto.getDescriptor(),
        io.voxelflow.api.masking.v1alpha1.MaskingProto.getDescriptor(),
        io.voxelflow.api.decomposition.v1alpha1.DecompositionProto.getDescriptor(),
        io.voxelflow.api.connectivity.v1alpha1.ConnectivityProto.getDescriptor(),
        io.voxelflow.api.training.v1alpha1.TrainingProto.getDescriptor(),
        io.voxelflow.api.reporting.v1alpha1.ReportingProto.getDescriptor(),
        com.google.protobuf.WrappersProto.getDescriptor(),
        com.google.protobuf.EmptyProto.getDescriptor(),
        com.google.protobuf.StructProto.getDescriptor(),
        com.google.rpc.ErrorDetailsProto.getDescriptor());
    for (FileDescriptor f : files) {
      b.add(f.getMessageTypes());
    }
    return b.build();
  }

  /** The message as a JSON string. */
  public static String print(MessageOrBuilder m) {
    try {
      return PRINTER.print(m);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot render " + m.getClass().getSimpleName() + " as JSON: " + e.getMessage(), e);
    }
  }

  /** The message as a Jackson tree. */
  public static JsonNode toTree(MessageOrBuilder m) {
    try {
      return MAPPER.readTree(print(m));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses JSON into {@code builder} (unknown fields are an error). */
  public static void merge(String json, com.google.protobuf.Message.Builder builder) throws InvalidProtocolBufferException {
    PARSER.merge(json, builder);
  }
}
