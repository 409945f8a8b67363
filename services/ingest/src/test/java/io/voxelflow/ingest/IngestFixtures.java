package io.voxelflow.ingest;

import io.voxelflow.api.ingest.v1.UploadMetadata;
import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiExtension;
import io.voxelflow.nifti.NiftiHeader;
import io.voxelflow.nifti.NiftiWriter;
import io.voxelflow.testing.TestStorage;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Images and services for ingest tests: real files, a real S3 server. */
final class IngestFixtures {
  private IngestFixtures() {}

  static final int NX = 5;
  static final int NY = 6;
  static final int NZ = 7;
  static final int NT = 4;

  /** The value written at voxel (i, j, k) of volume t. */
  static double value(int i, int j, int k, int t) {
    return i + 10 * j + 100 * k + 1000 * t;
  }

  /**
   * A 5×6×7×4 int16 image carrying identifying text in every text field and two extensions,
   * with scaling (slope 0.5, inter 10), in the given byte order.
   */
  static Path identifyingImage(Path dir, String name, ByteOrder order) {
    NiftiHeader h = NiftiHeader.of(NiftiDatatype.INT16, NX, NY, NZ, NT).setByteOrder(order)
        .setAffine(new double[][] {{-3, 0, 0, 90}, {0, 3, 0, -126}, {0, 0, 3, -72}, {0, 0, 0, 1}}, 1)
        .setPixdim(4, 2.0)
        .setScaling(0.5, 10)
        .setDescrip("Doe^John 1970-01-01 MRN123")
        .setAuxFile("john_doe.txt")
        .setIntentName("JDOE")
        .setDbName("hospital-db")
        .setDataTypeString("pii");
    List<NiftiExtension> ext = List.of(
        new NiftiExtension(6, "PatientName=Doe^John".getBytes(StandardCharsets.UTF_8)),
        new NiftiExtension(2, new byte[40]));
    Path p = dir.resolve(name);
    try (NiftiWriter w = NiftiWriter.create(p, h, ext, 6)) {
      double[] vol = new double[NX * NY * NZ];
      for (int t = 0; t < NT; t++) {
        for (int k = 0; k < NZ; k++) {
          for (int j = 0; j < NY; j++) {
            for (int i = 0; i < NX; i++) {
              vol[i + NX * (j + NY * k)] = value(i, j, k, t);
            }
          }
        }
        w.writeVolume(vol);
      }
    }
    return p;
  }

  static IngestService ingest(long maxUploadBytes) {
    IngestService s = new IngestService();
    s.storage = TestStorage.fresh();
    s.maxUploadBytes = maxUploadBytes;
    return s;
  }

  static UploadMetadata metadata(Path file) {
    try {
      return UploadMetadata.newBuilder().setFilename(file.getFileName().toString())
          .setTotalSizeBytes(java.nio.file.Files.size(file)).build();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
