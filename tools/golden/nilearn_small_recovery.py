"""nilearn 0.10.4's CanICA and DictLearning recovery on a `./voxelflow simulate --size small` set.

Usage: PYTHONPATH=/path/to/nilearn-0.10.4 /usr/bin/python3 nilearn_small_recovery.py DATASET_DIR
(DATASET_DIR from `./voxelflow simulate --out DIR --size small --seed 1234`). Prints, per method,
the mean and minimum matched |r| with the planted maps (Hungarian matching on the truth mask, as
/work/shared/reference/run_reference.py's match_maps). Measured 2026-11-22 with seed 1234:
canica 0.902 / 0.878, dictlearning 0.831 / 0.688 — the figures GroupDecompositionTest compares to.
"""
import glob
import sys
import warnings

import nibabel as nib
import numpy as np
from scipy.optimize import linear_sum_assignment

warnings.filterwarnings("ignore")
from nilearn.decomposition import CanICA, DictLearning  # noqa: E402

root = sys.argv[1]
imgs = sorted(glob.glob(root + "/sub-*/func/*_bold.nii.gz"))
truth = root + "/derivatives/truth"
mask = np.asarray(nib.load(truth + "/mask.nii.gz").dataobj) > 0
maps = np.asarray(nib.load(truth + "/maps.nii.gz").dataobj, dtype=float)[mask].T


def unit(a):
    a = a - a.mean(axis=1, keepdims=True)
    return a / (np.linalg.norm(a, axis=1, keepdims=True) + 1e-12)


for name, cls in (("canica", CanICA), ("dictlearning", DictLearning)):
    est = cls(n_components=maps.shape[0], random_state=0).fit(imgs)
    comp = np.asarray(est.components_img_.dataobj, dtype=float)[mask].T
    c = np.abs(unit(maps) @ unit(comp).T)
    r, k = linear_sum_assignment(-c)
    print(f"{name}: mean {c[r, k].mean():.3f} min {c[r, k].min():.3f}")
