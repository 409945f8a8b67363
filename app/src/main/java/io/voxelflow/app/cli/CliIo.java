package io.voxelflow.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintStream;

/** The streams a command writes to, and how results are printed. */
public record CliIo(PrintStream out, PrintStream err) {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Prints one JSON result on stdout. */
  public void printJson(JsonNode node) {
    try {
      out.println(JSON.writeValueAsString(node));
      out.flush();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static ObjectMapper json() {
    return JSON;
  }
}
