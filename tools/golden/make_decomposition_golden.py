#!/usr/bin/python3
"""Generate golden inputs/outputs for Voxelflow's decomposition numerics (PCA, IncrementalPca, CanICA).

How to run (from anywhere; no arguments):

    PYTHONPATH=/tmp/nilearn-0.10.4 /usr/bin/python3 tools/golden/make_decomposition_golden.py

Requirements: Debian 12 system Python (numpy 1.24, scipy 1.10, scikit-learn 1.2.1, nibabel, pandas)
and nilearn 0.10.4 on PYTHONPATH. Input: the "tiny" synthetic dataset of
/work/shared/reference/tiny/data (3 subjects, 16x16x12 voxels of 4 mm, 48 volumes, TR 2 s, 3 planted
networks), the same data /work/shared/reference/run_reference.py ran nilearn on.

Output (overwritten) in services/decomposition/src/test/resources/tiny/:

  masked_sub-0{1,2,3}.npy     float32 48 x 816: NiftiMasker(mask_img=compute_epi_mask(sub-01),
                              smoothing_fwhm=6, standardize='zscore_sample', detrend=True,
                              low_pass=0.1, high_pass=0.01, t_r=2).fit_transform(sub) -- the inputs
                              of the reference pca_sub01_* / pca_group_* goldens (checked below).
  ipca_group_{components,explained_variance,explained_variance_ratio}.npy
                              float64: sklearn IncrementalPCA(n_components=3) with one partial_fit
                              per subject (float64 copies of masked_sub-0*).
  canica_input_sub-0{1,2,3}.npy
                              float32 48 x 816: what CanICA(n_components=3, random_state=0) masks
                              and cleans for each subject (canica.masker_.transform(img): its
                              MultiNiftiMasker with the computed multi-EPI mask, smoothing 6 mm,
                              detrend, standardize='zscore', population std).
  canica_reduced_sub-01.npy   float32 3 x 816: nilearn's per-subject reduction of sub-01
                              (_mask_and_reduce_single: randomized SVD of data.T, rows S * U^T).
  canica_group_pca.npy        float32 3 x 816: _MultiPCA._raw_fit's components (CCA-normalised rows,
                              randomized_svd(data.T, 3, transpose=True, n_iter=3, random_state=0)).
  canica_components.npy       float32 3 x 816: nilearn's CanICA components_ (thresholded, signed).
  canica_lstsq_sub-01.npy     float64 48 x 3: scipy.linalg.lstsq(components_.T, input_sub01.T)[0].T,
                              the least squares nilearn's transform (NiftiMapsMasker) solves.
  truth_maps.npy              float64 3 x 928: planted maps on the true mask (C order of i,j,k).
  truemask_to_canica_column.npy
                              int32 928: for each true-mask voxel its column in the CanICA mask, or
                              -1 outside it (run_reference.py scores maps on the true mask with zeros
                              outside the estimated mask).
"""

import os
import warnings

import nibabel as nib
import numpy as np
from scipy import linalg
from sklearn.decomposition import PCA, IncrementalPCA
from sklearn.utils.extmath import randomized_svd

from nilearn.decomposition import CanICA
from nilearn.decomposition._base import _mask_and_reduce_single
from nilearn.maskers import NiftiMasker
from nilearn.masking import compute_epi_mask

warnings.simplefilter("ignore")
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DATA = "/work/shared/reference/tiny/data"
REF = os.path.join(ROOT, "services/decomposition/src/test/resources/reference")
OUT = os.path.join(ROOT, "services/decomposition/src/test/resources/tiny")
SUBJECTS = ["sub-01", "sub-02", "sub-03"]
K = 3


def load(sub):
    img = nib.load(os.path.join(DATA, f"{sub}_bold.nii.gz"))
    return nib.Nifti1Image(img.get_fdata(dtype=np.float32), img.affine, img.header)


def save(name, arr):
    np.save(os.path.join(OUT, name), np.ascontiguousarray(arr))


def match_maps(true_maps, est_maps):
    """run_reference.py's recovery score: Hungarian-matched |corr| (mean, min)."""
    from scipy.optimize import linear_sum_assignment
    t = true_maps - true_maps.mean(1, keepdims=True)
    e = est_maps - est_maps.mean(1, keepdims=True)
    t /= np.linalg.norm(t, axis=1, keepdims=True) + 1e-12
    e /= np.linalg.norm(e, axis=1, keepdims=True) + 1e-12
    c = np.abs(t @ e.T)
    rows, cols = linear_sum_assignment(-c)
    return float(c[rows, cols].mean()), float(c[rows, cols].min())


def main():
    os.makedirs(OUT, exist_ok=True)
    imgs = [load(s) for s in SUBJECTS]

    # ---- PCA inputs (run_reference.py's NiftiMasker) and a check of the reference goldens
    masker = NiftiMasker(mask_img=compute_epi_mask(imgs[0]), smoothing_fwhm=6,
                         standardize="zscore_sample", detrend=True, low_pass=0.1,
                         high_pass=0.01, t_r=2.0)
    masked = [masker.fit_transform(img) for img in imgs]
    for sub, x in zip(SUBJECTS, masked):
        save(f"masked_{sub}.npy", x.astype(np.float32))
    for name, x in (("pca_sub01", masked[0]), ("pca_group", np.vstack(masked))):
        full = PCA(n_components=K, svd_solver="full").fit(x)
        evr = np.load(os.path.join(REF, f"{name}_fullsvd_explained_variance_ratio.npy"))
        assert np.abs(full.explained_variance_ratio_ - evr).max() < 1e-6, name
        print(f"{name}: reproduces reference fullsvd EVR {full.explained_variance_ratio_}")

    ipca = IncrementalPCA(n_components=K)
    for x in masked:
        ipca.partial_fit(x.astype(np.float64))
    save("ipca_group_components.npy", ipca.components_)
    save("ipca_group_explained_variance.npy", ipca.explained_variance_)
    save("ipca_group_explained_variance_ratio.npy", ipca.explained_variance_ratio_)

    # ---- CanICA
    canica = CanICA(n_components=K, random_state=0).fit(imgs)
    ref = np.asarray(nib.load(os.path.join(REF, "canica_components.nii.gz")).dataobj)
    assert np.array_equal(ref, np.asarray(canica.components_img_.dataobj)), "CanICA differs from reference"
    inputs = [canica.masker_.transform(img) for img in imgs]
    for sub, x in zip(SUBJECTS, inputs):
        save(f"canica_input_{sub}.npy", x.astype(np.float32))
    reduced = [_mask_and_reduce_single(canica.masker_, img, None, n_samples=K, random_state=0)
               for img in imgs]
    save("canica_reduced_sub-01.npy", reduced[0].astype(np.float32))
    data = np.vstack(reduced)
    data /= np.sqrt(np.sum(data ** 2, axis=1))[:, None]
    u, _, _ = randomized_svd(data.T, n_components=K, transpose=True, random_state=0, n_iter=3)
    save("canica_group_pca.npy", u.T.astype(np.float32))
    save("canica_components.npy", canica.components_.astype(np.float32))
    save("canica_lstsq_sub-01.npy",
         linalg.lstsq(canica.components_.T.astype(np.float64), inputs[0].T.astype(np.float64))[0].T)

    # ---- planted truth on the true mask, and where the CanICA mask's columns sit in it
    true_mask = np.asarray(nib.load(os.path.join(DATA, "truth", "mask.nii.gz")).dataobj) > 0
    maps = np.asarray(nib.load(os.path.join(DATA, "truth", "maps.nii.gz")).dataobj, dtype=np.float64)
    truth = maps[true_mask].T
    save("truth_maps.npy", truth)
    cmask = np.asarray(canica.mask_img_.dataobj) > 0
    column = np.full(cmask.shape, -1, dtype=np.int32)
    column[cmask] = np.arange(int(cmask.sum()), dtype=np.int32)
    save("truemask_to_canica_column.npy", column[true_mask].astype(np.int32))
    est = np.asarray(canica.components_img_.dataobj, dtype=np.float64)[true_mask].T
    print("nilearn CanICA recovery (mean, min):", match_maps(truth, est))


if __name__ == "__main__":
    main()
