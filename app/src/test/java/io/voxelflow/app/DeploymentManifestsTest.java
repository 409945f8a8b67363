package io.voxelflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The kustomize base renders offline with {@code kubectl kustomize} and follows the deployment
 * rules (non-root, read-only root filesystem, no capabilities, requests and limits, gRPC probes on
 * the served port), and Prometheus scrapes the path and port the application serves metrics on.
 * No cluster runs here: these are checks of the rendered documents, not of a live deployment.
 */
class DeploymentManifestsTest {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final YAMLMapper YAML = new YAMLMapper();
  static List<JsonNode> docs;

  @BeforeAll
  static void render() throws Exception {
    Process p = new ProcessBuilder("kubectl", "kustomize", ROOT.resolve("k8s/base").toString())
        .redirectErrorStream(false).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), "kubectl kustomize failed: " + err);
    docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(out)) {
      while (it.hasNext()) {
        docs.add(it.next());
      }
    }
  }

  static JsonNode kind(String kind) {
    return docs.stream().filter(d -> d.path("kind").asText().equals(kind)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " rendered"));
  }

  @Test
  void base_renders_a_deployment_service_and_service_account() {
    assertNotNull(kind("Deployment"));
    assertNotNull(kind("Service"));
    assertNotNull(kind("ServiceAccount"));
    for (JsonNode d : docs) {
      assertEquals("voxelflow", d.at("/metadata/labels/app.kubernetes.io~1part-of").asText(), d.toString());
    }
  }

  @Test
  void containers_run_locked_down_with_resources_and_grpc_probes() {
    JsonNode dep = kind("Deployment");
    JsonNode pod = dep.at("/spec/template/spec");
    assertTrue(pod.at("/securityContext/runAsNonRoot").asBoolean());
    assertEquals("voxelflow", pod.path("serviceAccountName").asText());
    for (JsonNode c : pod.path("containers")) {
      JsonNode sc = c.path("securityContext");
      assertTrue(sc.path("readOnlyRootFilesystem").asBoolean(), "read-only root fs");
      assertFalse(sc.path("allowPrivilegeEscalation").asBoolean(true));
      assertEquals("ALL", sc.at("/capabilities/drop/0").asText());
      for (String r : new String[] {"requests", "limits"}) {
        assertTrue(c.at("/resources/" + r).has("cpu") && c.at("/resources/" + r).has("memory"), r);
      }
      int port = c.at("/ports/0/containerPort").asInt();
      assertEquals(port, c.at("/livenessProbe/grpc/port").asInt());
      assertEquals(port, c.at("/startupProbe/grpc/port").asInt());
      assertEquals("/q/health/ready", c.at("/readinessProbe/httpGet/path").asText());
      assertTrue(c.path("image").asText().startsWith("ghcr.io/voxelflow/voxelflow:"), c.path("image").asText());
    }
    JsonNode svc = kind("Service");
    List<String> containerPorts = new ArrayList<>();
    dep.at("/spec/template/spec/containers/0/ports").forEach(p -> containerPorts.add(p.path("name").asText()));
    List<String> servicePorts = new ArrayList<>();
    svc.at("/spec/ports").forEach(p -> servicePorts.add(p.path("targetPort").asText()));
    assertEquals(containerPorts, servicePorts, "every container port is exposed by the Service");
    assertTrue(containerPorts.contains("flight"), "Arrow Flight is exposed");
    assertEquals(dep.at("/spec/template/spec/containers/0/ports/0/name").asText(),
        svc.at("/spec/ports/0/targetPort").asText());
    assertEquals(dep.at("/spec/selector/matchLabels"), svc.at("/spec/selector"));
  }

  @Test
  void prometheus_scrapes_the_served_metrics_path_and_port() throws IOException {
    JsonNode prom = YAML.readTree(Files.readString(ROOT.resolve("observability/prometheus/prometheus.yml")));
    JsonNode pod = kind("Deployment").at("/spec/template/metadata/annotations");
    List<String> paths = new ArrayList<>();
    for (JsonNode job : prom.path("scrape_configs")) {
      paths.add(job.path("metrics_path").asText());
    }
    assertFalse(paths.isEmpty());
    for (String p : paths) {
      assertEquals(pod.path("prometheus.io/path").asText(), p);
    }
    assertEquals("/q/metrics", pod.path("prometheus.io/path").asText());
    assertEquals(kind("Deployment").at("/spec/template/spec/containers/0/ports/0/containerPort").asText(),
        pod.path("prometheus.io/port").asText());
  }
}
