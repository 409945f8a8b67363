package io.voxelflow.app.cli;

import io.voxelflow.nifti.NiftiImage;
import io.voxelflow.nifti.NiftiInfo;
import java.nio.file.Path;
import java.util.Set;

/** {@code nifti-info FILE [--stats]}: the header summary nibabel users know, as JSON. */
public final class NiftiInfoCommand implements Command {
  @Override
  public String name() {
    return "nifti-info";
  }

  @Override
  public String synopsis() {
    return "nifti-info FILE [--stats]\n"
        + "      shape, datatype, byte_order, nifti_version, affine, voxel_sizes, tr_seconds,\n"
        + "      scl_slope, scl_inter of a .nii/.nii.gz/.hdr image; --stats adds sum/min/max/nan_count";
  }

  @Override
  public Set<String> flags() {
    return Set.of("stats");
  }

  @Override
  public int run(Args args, CliIo io) {
    Path file = Path.of(args.expectPositional(1, "one NIfTI file").get(0));
    try (NiftiImage img = NiftiImage.open(file)) {
      io.printJson(NiftiInfo.describe(img, args.flag("stats")));
    }
    return 0;
  }
}
