package io.voxelflow.ingest.bids;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removes what can identify a person from a BIDS JSON sidecar: the keys in {@link
 * #IDENTIFYING_KEYS} and every key ending with {@value #IDENTIFYING_KEY_SUFFIX}, at any depth (in
 * nested objects, and objects inside arrays). Matching is case-sensitive, on the BIDS/DICOM key
 * names. Sex, age, weight and the like are kept: they are analysis covariates.
 */
public final class SidecarDeidentifier {

  /** Keys removed wherever they occur. */
  public static final List<String> IDENTIFYING_KEYS =
      List.of(
          // the person
          "PatientName",
          "PatientID",
          "PatientBirthDate",
          "PatientBirthName",
          "PatientMotherBirthName",
          "PatientAddress",
          "PatientTelephoneNumbers",
          "OtherPatientIDs",
          "OtherPatientNames",
          // when (a date, or a time of day that with the date identifies the visit)
          "AcquisitionDate",
          "AcquisitionDateTime",
          "AcquisitionTime",
          "StudyDate",
          "SeriesDate",
          "ContentDate",
          "InstanceCreationDate",
          "StudyTime",
          "SeriesTime",
          "ContentTime",
          "InstanceCreationTime",
          // study and instance identifiers
          "AccessionNumber",
          "StudyInstanceUID",
          "SeriesInstanceUID",
          "SOPInstanceUID",
          "FrameOfReferenceUID",
          "StudyID",
          // people and places
          "ReferringPhysicianName",
          "PerformingPhysicianName",
          "OperatorsName",
          "PhysiciansOfRecord",
          "InstitutionName",
          "InstitutionAddress",
          "InstitutionalDepartmentName",
          "StationName",
          "DeviceSerialNumber");

  /** Any key ending with this is removed too (e.g. {@code PatientBirthDate}, {@code MotherBirthDate}). */
  public static final String IDENTIFYING_KEY_SUFFIX = "BirthDate";

  private static final Set<String> KEYS = Set.copyOf(IDENTIFYING_KEYS);

  private SidecarDeidentifier() {}

  /** Whether a key is removed. */
  public static boolean isIdentifying(String key) {
    return KEYS.contains(key) || key.endsWith(IDENTIFYING_KEY_SUFFIX);
  }

  /**
   * Removes the identifying keys from {@code sidecar}, in place.
   *
   * @return the removed keys' paths, sorted: {@code PatientName} at the top level, {@code
   *     Outer.PatientName} in a nested object, {@code Outer[2].PatientName} in an array element
   */
  public static List<String> deidentify(ObjectNode sidecar) {
    List<String> removed = new ArrayList<>();
    clean(sidecar, "", removed);
    Collections.sort(removed);
    return removed;
  }

  private static void clean(ObjectNode node, String prefix, List<String> removed) {
    List<String> drop = new ArrayList<>();
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      if (isIdentifying(field.getKey())) {
        drop.add(field.getKey());
        removed.add(path);
      } else {
        descend(field.getValue(), path, removed);
      }
    }
    node.remove(drop);
  }

  private static void descend(JsonNode value, String path, List<String> removed) {
    if (value instanceof ObjectNode object) {
      clean(object, path, removed);
    } else if (value instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        descend(array.get(i), path + "[" + i + "]", removed);
      }
    }
  }
}
