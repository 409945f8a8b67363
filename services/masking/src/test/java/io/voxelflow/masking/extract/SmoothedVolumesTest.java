package io.voxelflow.masking.extract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.voxelflow.masking.regions.LabelsAtlas;
import io.voxelflow.masking.regions.LabelsMasker;
import io.voxelflow.masking.regions.RegionSignals;
import io.voxelflow.nifti.NiftiDatatype;
import io.voxelflow.nifti.NiftiHeader;
import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.nifti.NiftiWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Region signals of smoothed volumes equal region signals of an image smoothed beforehand. */
class SmoothedVolumesTest {
  @TempDir
  Path dir;

  static Path regions(String name) throws URISyntaxException {
    return Path.of(SmoothedVolumesTest.class.getResource("/regions/" + name).toURI());
  }

  @Test
  void smoothing_on_the_fly_equals_smoothing_the_image_first() throws Exception {
    Path smoothed = dir.resolve("smoothed.nii");
    try (NiftiImage img = NiftiImage.open(ExtractFixtures.path("sub-01_bold.nii.gz"))) {
      NiftiHeader h = img.header().copy().setDatatype(NiftiDatatype.FLOAT64);
      Smoothing s = Smoothing.of(16, 16, 12, h.affine(), 6.0);
      try (NiftiWriter w = NiftiWriter.create(smoothed, h)) {
        double[] vol = new double[img.voxelsPerVolume()];
        for (int t = 0; t < img.volumeCount(); t++) {
          img.readVolume(vol);
          s.smooth(vol);
          w.writeVolume(vol);
        }
      }
    }
    LabelsMasker masker = LabelsMasker.builder(LabelsAtlas.load(regions("atlas_labels.nii.gz"))).build();
    RegionSignals expected;
    try (NiftiImage img = NiftiImage.open(smoothed)) {
      expected = masker.transform(img);
    }
    RegionSignals got;
    try (NiftiImage img = NiftiImage.open(ExtractFixtures.path("sub-01_bold.nii.gz"))) {
      got = masker.transform(SmoothedVolumes.of(img, 6.0));
    }
    for (int t = 0; t < expected.signals().length; t++) {
      assertArrayEquals(expected.signals()[t], got.signals()[t], 1e-9, "volume " + t);
    }
  }
}
