package io.voxelflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.voxelflow.app.cli.Cli;
import io.voxelflow.app.cli.CliIo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's conventions: the result alone on stdout as JSON, one line on stderr for bad
 * input, exit codes 0 / 2 / 1.
 */
@QuarkusTest
class CliTest {
  @TempDir
  Path dir;

  record Run(int code, String out, String err) {
    JsonNode json() throws Exception {
      return new ObjectMapper().readTree(out);
    }
  }

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = new Cli(new CliIo(new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8)), VoxelflowMain.commands()).run(args);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static String fixture(String name) throws URISyntaxException {
    return Path.of(CliTest.class.getResource("/nifti/" + name).toURI()).toString();
  }

  @Test
  void nifti_info_prints_one_json_object() throws Exception {
    Run r = run("nifti-info", fixture("example4d.nii.gz"), "--stats");
    assertEquals(0, r.code(), r.err());
    JsonNode j = r.json();
    assertEquals("[128,96,24,2]", j.get("shape").toString());
    assertEquals("int16", j.get("datatype").asText());
    assertEquals(2000.0, j.get("tr_seconds").asDouble());
    assertTrue(j.get("stats").has("nan_count"));
  }

  @Test
  void a_broken_file_exits_2_with_one_line_naming_the_problem() throws Exception {
    Path bad = dir.resolve("bad.nii");
    Files.writeString(bad, "not an image".repeat(40));
    Run r = run("nifti-info", bad.toString());
    assertEquals(2, r.code());
    assertEquals("", r.out());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains("sizeof_hdr"), r.err());
  }

  @Test
  void usage_errors_exit_2() {
    assertEquals(2, run("nifti-info").code());
    assertEquals(2, run("nifti-info", "a.nii", "--bogus").code());
    assertEquals(2, run("no-such-command").code());
    Run missing = run("nifti-info", dir.resolve("missing.nii").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("no such file"), missing.err());
  }

  @Test
  void help_lists_every_command() {
    Run r = run("help");
    assertEquals(0, r.code());
    for (var c : VoxelflowMain.commands()) {
      assertTrue(r.out().contains(c.synopsis()), c.name());
    }
  }

  @Test
  void operations_list_talks_to_the_embedded_server_over_grpc() throws Exception {
    Run r = run("operations", "list", "--page-size", "5");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.json().isObject());
    assertEquals(2, run("operations", "get", "operations/unknown").code());
    assertEquals(2, run("operations", "list", "--server", "not a server").code());
  }
}
