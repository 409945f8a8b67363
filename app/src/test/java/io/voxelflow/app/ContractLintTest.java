package io.voxelflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The public contract in {@code proto/} passes {@code buf format}, {@code buf lint} (STANDARD plus
 * COMMENTS: every element documented) and {@code buf build}, offline, through scripts/buf-lint.sh.
 */
class ContractLintTest {
  @Test
  void protos_are_formatted_documented_and_lint_clean() throws Exception {
    Path root = Path.of("..").toAbsolutePath().normalize();
    Process p = new ProcessBuilder(root.resolve("scripts/buf-lint.sh").toString())
        .directory(root.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "buf-lint timed out");
    assertEquals(0, p.exitValue(), "buf-lint failed:\n" + out);
    assertTrue(out.contains("OK"), out);
  }
}
