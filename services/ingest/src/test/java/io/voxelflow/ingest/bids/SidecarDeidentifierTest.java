package io.voxelflow.ingest.bids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class SidecarDeidentifierTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static ObjectNode parse(String json) throws Exception {
    return (ObjectNode) JSON.readTree(json);
  }

  @Test
  void identifying_keys_are_removed_at_every_depth_and_reported_sorted() throws Exception {
    ObjectNode sidecar = parse("""
        {
          "RepetitionTime": 2.0,
          "PatientName": "Doe^Jane",
          "AcquisitionTime": "10:31:02.5",
          "InstitutionName": "General Hospital",
          "Private": {
            "PatientID": "123",
            "Inner": {"StudyInstanceUID": "1.2.3", "SliceThickness": 1.0}
          },
          "Series": [ {"SeriesDate": "20240101", "EchoTime": 0.03}, 5, "PatientName" ],
          "MotherBirthDate": "19500101"
        }
        """);
    List<String> removed = SidecarDeidentifier.deidentify(sidecar);
    assertEquals(
        List.of(
            "AcquisitionTime",
            "InstitutionName",
            "MotherBirthDate",
            "PatientName",
            "Private.Inner.StudyInstanceUID",
            "Private.PatientID",
            "Series[0].SeriesDate"),
        removed);
    assertEquals(
        parse("""
            {
              "RepetitionTime": 2.0,
              "Private": {"Inner": {"SliceThickness": 1.0}},
              "Series": [ {"EchoTime": 0.03}, 5, "PatientName" ]
            }
            """),
        sidecar);
  }

  @Test
  void covariates_and_acquisition_parameters_are_kept() throws Exception {
    ObjectNode sidecar = parse("""
        {"PatientSex": "F", "PatientAge": "034Y", "PatientWeight": 60, "DateOfLastCalibration": "20240101",
         "Manufacturer": "Siemens", "TaskName": "rest", "patientname": "lower case is not a DICOM key"}
        """);
    ObjectNode before = sidecar.deepCopy();
    assertEquals(List.of(), SidecarDeidentifier.deidentify(sidecar));
    assertEquals(before, sidecar);
  }

  @Test
  void every_listed_key_and_any_birth_date_is_identifying() {
    for (String key : SidecarDeidentifier.IDENTIFYING_KEYS) {
      assertTrue(SidecarDeidentifier.isIdentifying(key), key);
    }
    assertTrue(SidecarDeidentifier.isIdentifying("PatientBirthDate"));
    assertTrue(SidecarDeidentifier.isIdentifying("FatherBirthDate"));
    assertFalse(SidecarDeidentifier.isIdentifying("PatientSex"));
    assertFalse(SidecarDeidentifier.isIdentifying("PatientAge"));
    assertFalse(SidecarDeidentifier.isIdentifying("DateOfLastCalibration"));
    assertEquals(SidecarDeidentifier.IDENTIFYING_KEYS.size(), java.util.Set.copyOf(SidecarDeidentifier.IDENTIFYING_KEYS).size());
  }
}
