#!/usr/bin/python3
"""Golden data for io.voxelflow.masking.extract (NiftiMasker: smooth -> mask -> signal.clean).

Run from this directory:   /usr/bin/python3 gen_extract_golden.py
Needs numpy, scipy and nibabel only (made with numpy 1.24.2, scipy 1.10.1, nibabel 5.0.0: the
versions nilearn 0.10.4 ran with for the shared reference). nilearn itself is not imported: the few
nilearn 0.10.4 functions involved are copied below line for line (same dtypes, same order of
operations), and part A checks that the copy reproduces nilearn's own output
`masked_sub-01.npy` before anything is written.

Inputs (copied from the shared reference set `tiny`, never regenerated here):
  sub-01_bold.nii.gz   16x16x12x48 float32 synthetic BOLD (seed 1234)
  epi_mask.nii.gz      nilearn.masking.compute_epi_mask(sub-01), 816 voxels
  masked_sub-01.npy    nilearn 0.10.4: NiftiMasker(mask_img=epi_mask, smoothing_fwhm=6,
                       standardize='zscore_sample', detrend=True, low_pass=0.1, high_pass=0.01,
                       t_r=2.0).fit_transform(sub-01)  -> (48, 816) float32

Outputs (all .npy, little-endian; "flat F" = a 3-D array flattened in NIfTI file order, i fastest):
  A. smoothed_masked_sub-01.npy   (48, 816) float32: smoothed and masked, before signal.clean
     smoothed_sub-01_vol{0,47}.npy  flat F float32: whole smoothed volumes 0 and 47
     clean64_sub-01.npy            (48, 816) float64: signal.clean of the float32 matrix above
                                    computed in float64 (what a double port should give)
  B. smooth_<case>_in.npy / _out.npy / _affine.npy on a 7x8x9 grid (flat F; 4-D cases are
     (T, X*Y*Z): one flat-F volume per row), see CASES
  C. extract7_bold.nii.gz (7x8x9x20 float32), extract7_mask.nii.gz (uint8) and
     extract7_expected.npy (20, V) float32 = NiftiMasker(mask, smoothing_fwhm=5, detrend=False,
     standardize=False).fit_transform (signal.clean is then the identity), voxel columns in
     numpy C order of (i, j, k).
"""
import numpy as np
import nibabel as nib
from scipy import signal as sp_signal
from scipy.ndimage import gaussian_filter1d


def flat_f(a):
    """3-D array -> 1-D in NIfTI file order (i fastest)."""
    return np.ascontiguousarray(a.ravel(order="F"))


# --------------------------------------------------------------------- nilearn 0.10.4, copied
def smooth_array(arr, affine, fwhm=None, ensure_finite=True, copy=True):
    """nilearn.image.image.smooth_array (0.10.4) without the 'fast' branch."""
    if isinstance(fwhm, (int, float)) and (fwhm == 0.0):
        fwhm = None
    if arr.dtype.kind == "i":
        if arr.dtype == np.int64:
            arr = arr.astype(np.float64)
        else:
            arr = arr.astype(np.float32)
    if copy:
        arr = arr.copy()
    if ensure_finite:
        arr[np.logical_not(np.isfinite(arr))] = 0
    if fwhm is not None:
        fwhm = np.asarray([fwhm]).ravel()
        fwhm = np.asarray([0.0 if elem is None else elem for elem in fwhm])
        affine = affine[:3, :3]
        fwhm_over_sigma_ratio = np.sqrt(8 * np.log(2))
        vox_size = np.sqrt(np.sum(affine**2, axis=0))
        sigma = fwhm / (fwhm_over_sigma_ratio * vox_size)
        for n, s in enumerate(sigma):
            if s > 0.0:
                gaussian_filter1d(arr, s, output=arr, axis=n)
    return arr


def _detrend(signals):
    """nilearn.signal._detrend(type='linear', inplace=False), float dtype kept."""
    signals = signals.copy()
    signals -= np.mean(signals, axis=0)
    regressor = np.arange(signals.shape[0], dtype=signals.dtype)
    regressor -= regressor.mean()
    std = np.sqrt((regressor**2).sum())
    if not std < np.finfo(np.float64).eps:
        regressor /= std
    regressor = regressor[:, np.newaxis]
    signals[:, :] -= np.dot(regressor[:, 0], signals[:, :]) * regressor  # < 500 columns: 1 batch
    return signals


def _butterworth_inplace(signals, sampling_rate, low_pass, high_pass, order=5):
    """nilearn.signal.butterworth(copy=False) for a valid band-pass: column by column filtfilt."""
    b, a = sp_signal.butter(order, [high_pass, low_pass], btype="band", output="ba",
                            fs=sampling_rate)
    for timeseries in signals.T:
        timeseries[:] = sp_signal.filtfilt(b, a, timeseries, padtype="odd", padlen=None)
    return signals


def clean_zscore_band(signals, t_r=2.0, low_pass=0.1, high_pass=0.01):
    """nilearn.signal.clean(signals, detrend=True, standardize='zscore_sample', low_pass,
    high_pass, t_r) with no confounds and no scrubbing; keeps a float32 input in float32 as
    nilearn does (_ensure_float leaves floats alone). The copy is C-ordered, as
    _sanitize_signals' signals.copy(): the layout matters in float32, because numpy sums a
    contiguous axis pairwise but a strided one row after row."""
    signals = signals.copy()
    mean_signals = signals.mean(axis=0)
    signals = _detrend(signals)
    signals = _butterworth_inplace(signals, 1.0 / t_r, low_pass, high_pass)
    signals = signals + mean_signals
    # standardize_signal(..., 'zscore_sample', detrend=False)
    signals = signals - signals.mean(axis=0)
    std = signals.std(axis=0, ddof=1)
    std[std < np.finfo(np.float64).eps] = 1.0
    signals /= std
    return signals


def nifti_masker_arrays(data, affine, mask, fwhm):
    """NiftiMasker: smooth_img (the image's own dtype) then apply_mask -> (T, V), C order."""
    sm = smooth_array(data, affine, fwhm=fwhm, ensure_finite=True, copy=True)
    return sm, sm[mask].T


# --------------------------------------------------------------------- A. reference subject
def part_a():
    img = nib.load("sub-01_bold.nii.gz")
    data = img.get_fdata(dtype=np.float32)            # as run_reference.py loads it
    mask = np.asarray(nib.load("epi_mask.nii.gz").dataobj).astype(bool)
    sm, x = nifti_masker_arrays(data, img.affine, mask, 6)
    assert x.dtype == np.float32 and x.shape == (48, 816), (x.dtype, x.shape)
    y32 = clean_zscore_band(x)
    y64 = clean_zscore_band(x.astype(np.float64))
    ref = np.load("masked_sub-01.npy")
    d32 = np.abs(y32.astype(np.float64) - ref).max()
    d64 = np.abs(y64 - ref).max()
    print(f"A: copy of nilearn (float32 clean) vs masked_sub-01.npy: max |diff| {d32:.3g}")
    print(f"A: float64 clean of the same smoothed matrix vs masked_sub-01.npy: max |diff| {d64:.3g}")
    assert d32 < 1e-5, "the copied pipeline does not reproduce nilearn's output"
    np.save("smoothed_masked_sub-01.npy", np.ascontiguousarray(x))
    np.save("clean64_sub-01.npy", np.ascontiguousarray(y64))
    for t in (0, 47):
        np.save(f"smoothed_sub-01_vol{t}.npy", flat_f(sm[..., t]))


# --------------------------------------------------------------------- B. 7x8x9 smoothing cases
SHAPE = (7, 8, 9)
# anisotropic, rotated and sheared: voxel sizes are the column norms
AFFINE = np.array([[2.0, 0.3, 0.0, -10.0],
                   [0.0, 2.9, 0.4, 5.0],
                   [0.5, 0.0, 1.5, 2.0],
                   [0.0, 0.0, 0.0, 1.0]])
CASES = {
    # name: (dtype, fwhm, n_volumes or None for 3-D, put non-finite values)
    "f32_fwhm6": (np.float32, 6.0, None, False),
    "f64_fwhm6": (np.float64, 6.0, None, False),
    "f32_fwhm25": (np.float32, 25.0, None, False),      # kernel radius > axis length
    "f64_peraxis": (np.float64, [3.0, 0.0, 5.0], None, False),  # axis 1 not smoothed
    "f32_nonfinite": (np.float32, 4.0, None, True),       # NaN/inf set to 0 first
    "f32_4d": (np.float32, 6.0, 3, False),                # 4-D: axes 0..2 only
}


def part_b():
    rng = np.random.default_rng(20240611)
    np.save("smooth_affine.npy", AFFINE)
    for name, (dtype, fwhm, nvol, nonfinite) in CASES.items():
        shape = SHAPE + ((nvol,) if nvol else ())
        arr = (1000.0 + 100.0 * rng.standard_normal(shape)).astype(dtype)
        if nonfinite:
            arr[1, 2, 3] = np.nan
            arr[6, 7, 8] = np.inf
            arr[0, 0, 0] = -np.inf
        out = smooth_array(arr, AFFINE, fwhm=fwhm, ensure_finite=True, copy=True)
        assert out.dtype == dtype
        if nvol:
            to_rows = lambda a: np.stack([flat_f(a[..., t]) for t in range(nvol)])
            np.save(f"smooth_{name}_in.npy", to_rows(arr))
            np.save(f"smooth_{name}_out.npy", to_rows(out))
        else:
            np.save(f"smooth_{name}_in.npy", flat_f(arr))
            np.save(f"smooth_{name}_out.npy", flat_f(out))
        print(f"B: {name}: fwhm {fwhm}, shape {shape}, {np.dtype(dtype).name}")


# --------------------------------------------------------------------- C. end to end on 7x8x9
def part_c():
    rng = np.random.default_rng(77)
    shape = SHAPE + (20,)
    data = (500.0 + 50.0 * rng.standard_normal(shape)).astype(np.float32)
    ii, jj, kk = np.meshgrid(*[np.arange(n) for n in SHAPE], indexing="ij")
    mask = ((ii - 3.2) ** 2 / 9 + (jj - 3.6) ** 2 / 12 + (kk - 4.1) ** 2 / 16) < 1.0
    mask[6, 0, 8] = True                               # a lone corner voxel
    hdr = nib.Nifti1Header()
    hdr.set_data_dtype(np.float32)
    nib.Nifti1Image(data, AFFINE, hdr).to_filename("extract7_bold.nii.gz")
    nib.Nifti1Image(mask.astype(np.uint8), AFFINE).to_filename("extract7_mask.nii.gz")
    img = nib.load("extract7_bold.nii.gz")
    loaded = np.asanyarray(img.dataobj)               # float32, as nilearn's get_data
    _, x = nifti_masker_arrays(loaded, img.affine, mask, 5)
    np.save("extract7_expected.npy", np.ascontiguousarray(x))
    print(f"C: extract7: {int(mask.sum())} voxels, {x.shape} {x.dtype}")


if __name__ == "__main__":
    part_a()
    part_b()
    part_c()
