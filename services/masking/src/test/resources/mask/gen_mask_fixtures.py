#!/usr/bin/env python3
"""Oracle for the Java port of nilearn's EPI masking (io.voxelflow.masking.mask).

Writes small fixtures next to this script: synthetic "phantom" images that the Java tests
regenerate bit for bit (integer hash noise, one float32 division), nilearn 0.10.4's masks of them,
and scipy.ndimage's answers on a random 7x8x9 volume. The nilearn functions below are copied
verbatim (logic-wise) from nilearn 0.10.4 (masking.py: compute_epi_mask, _post_process_mask,
intersect_masks; image/image.py: _compute_mean, smooth_array; _utils/ndimage.py:
largest_connected_component), with scipy.ndimage doing the morphology, the labelling and the
Gaussian filter, exactly as in nilearn. Run with numpy + scipy (made with numpy 2.4.6,
scipy 1.17.1):   python3 gen_mask_fixtures.py [outdir]

Raw files are little-endian, NIfTI file order (i fastest): .u8 masks (0/1), .f32 float32,
.i32 int32. fixtures.properties holds thresholds and kernel weights as hex floats.
"""
import os
import sys

import numpy as np
from scipy.ndimage import binary_dilation, binary_erosion, gaussian_filter1d, label

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
M = 0xFFFFFFFF
PROPS = {}


# ---------------------------------------------------------------- phantom (mirrored in Java)
def hash32(x):
    x &= M
    x ^= x >> 16
    x = (x * 0x7FEB352D) & M
    x ^= x >> 15
    x = (x * 0x846CA68B) & M
    x ^= x >> 16
    return x


def phantom(shape, t_count, seed, shift=0, bg=700, rim=True, blob=True, zero_slab=0,
            non_finite=False, integer=False):
    """float32 array (X, Y, Z, T), Fortran order like nibabel's (int16 without the division by 7
    if `integer`). Mirrored by MaskFixtures.Phantom in the Java tests."""
    X, Y, Z = shape
    ci, cj, ck = X // 2 + shift, Y // 2, Z // 2
    data = np.zeros((X, Y, Z, t_count), dtype=np.int16 if integer else np.float32, order="F")
    for t in range(t_count):
        for k in range(Z):
            for j in range(Y):
                for i in range(X):
                    di, dj, dk = i - ci, j - cj, k - ck
                    q = di * di * 900 + dj * dj * 1296 + dk * dk * 1600
                    if q <= 32400:
                        base = 9000 + 60 * i - 40 * k
                    elif rim and q <= 42000:
                        base = 4200 + 30 * j + (q % 7) * 150
                    else:
                        base = bg + 10 * j
                    if di == -2 and dj == 0 and dk == 0:
                        base = bg                       # a one-voxel hole
                    if dj == 0 and dk == 1 and di >= 6:
                        base = 9000                     # a thin protrusion
                    bi, bj, bk = i - 2, j - (Y - 3), k - 2
                    if blob and bi * bi + bj * bj + bk * bk <= 9:
                        base = 8000                     # a separate blob
                    idx = ((t * Z + k) * Y + j) * X + i
                    noise = hash32(seed * 0x9E3779B1 + idx) % 2001 - 1000
                    v = base + noise if integer else np.float32(base + noise) / np.float32(7)
                    if i < zero_slab:
                        v = np.float32(0)
                    data[i, j, k, t] = v
    if non_finite:
        data[X - 1, 0, 0, 2] = np.nan                  # background voxel: NaN at one time point
        data[ci, cj, ck, 0] = np.inf                   # brain centre: +inf at one time point
    return data


# ---------------------------------------------------------------- nilearn 0.10.4, verbatim logic
def largest_connected_component(volume):
    labels, label_nb = label(volume)
    if not label_nb:
        raise ValueError("No non-zero values: no connected components")
    if label_nb == 1:
        return volume.astype(bool)
    label_count = np.bincount(labels.ravel().astype(int))
    label_count[0] = 0
    return labels == label_count.argmax()


def smooth_array(arr, fwhm):
    arr[np.logical_not(np.isfinite(arr))] = 0
    fwhm_over_sigma_ratio = np.sqrt(8 * np.log(2))
    sigma = fwhm / (fwhm_over_sigma_ratio * 1.0)
    for n in range(3):
        gaussian_filter1d(arr, sigma, output=arr, axis=n)
    return arr


def compute_mean(data, smooth):
    mean_data = data.mean(axis=-1) if data.ndim == 4 else data.copy()
    if smooth:
        nan_mask = np.isnan(mean_data)
        mean_data = smooth_array(mean_data, smooth)
        mean_data[nan_mask] = np.nan
    return mean_data


def post_process_mask(mask, opening=2, connected=True):
    if opening:
        opening = int(opening)
        mask = binary_erosion(mask, iterations=opening)
    mask_any = mask.any()
    if connected and mask_any:
        mask = largest_connected_component(mask)
    if opening:
        mask = binary_dilation(mask, iterations=2 * opening)
        mask = binary_erosion(mask, iterations=opening)
    return mask


def compute_epi_mask(data, lower_cutoff=0.2, upper_cutoff=0.85, connected=True, opening=2,
                     exclude_zeros=False, ensure_finite=True, smooth_override=None):
    smooth = (1 if opening else False) if smooth_override is None else smooth_override
    mean_epi = compute_mean(data, smooth)
    if ensure_finite:
        mean_epi[np.logical_not(np.isfinite(mean_epi))] = 0
    sorted_input = np.sort(np.ravel(mean_epi))
    if exclude_zeros:
        sorted_input = sorted_input[sorted_input != 0]
    lower_cutoff = int(np.floor(lower_cutoff * len(sorted_input)))
    upper_cutoff = min(int(np.floor(upper_cutoff * len(sorted_input))), len(sorted_input) - 1)
    delta = sorted_input[lower_cutoff + 1: upper_cutoff + 1] - sorted_input[lower_cutoff:upper_cutoff]
    ia = delta.argmax()
    threshold = 0.5 * (sorted_input[ia + lower_cutoff] + sorted_input[ia + lower_cutoff + 1])
    mask = mean_epi >= threshold
    mask = post_process_mask(mask, opening=opening, connected=connected)
    return mask, threshold, mean_epi


def intersect_masks(masks, threshold=0.5, connected=True):
    threshold = min(threshold, 1 - 1.0e-7)
    grp_mask = None
    for mask in masks:
        if grp_mask is None:
            grp_mask = mask.astype(int)
        else:
            grp_mask += mask
    grp_mask = grp_mask > (threshold * len(list(masks)))
    if np.any(grp_mask > 0) and connected:
        grp_mask = largest_connected_component(grp_mask)
    return grp_mask


# ---------------------------------------------------------------- writing
def save(name, arr, dtype):
    a = np.asarray(arr).astype(dtype)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(a.ravel(order="F").astype(a.dtype.newbyteorder("<")).tobytes())


def hexf(v):
    return float(v).hex()


def main():
    os.makedirs(OUT, exist_ok=True)
    shape, T = (17, 15, 10), 5
    subjects = [phantom(shape, T, seed=s, shift=[0, 1, -1][s], blob=(s != 2)) for s in range(3)]
    PROPS["kernel.weights"] = ",".join(hexf(w) for w in
                                        np.exp(-0.5 / (1 / np.sqrt(8 * np.log(2))) ** 2
                                               * np.arange(-2, 3) ** 2)
                                        / np.exp(-0.5 / (1 / np.sqrt(8 * np.log(2))) ** 2
                                                 * np.arange(-2, 3) ** 2).sum())
    s0 = subjects[0]
    save("phantom_s0_mean.f32", compute_mean(s0, False), "<f4")
    save("phantom_s0_mean_smoothed.f32", compute_mean(s0, 1), "<f4")
    cases = {
        "phantom_s0_epi": (s0, {}),
        "phantom_s1_epi": (subjects[1], {}),
        "phantom_s2_epi": (subjects[2], {}),
        "phantom_s0_epi_unconnected": (s0, dict(connected=False)),
        "phantom_s0_epi_opening0": (s0, dict(opening=0)),
        "phantom_s0_epi_opening1": (s0, dict(opening=1)),
        "phantom_s0_epi_opening3": (s0, dict(opening=3)),
        "phantom_s0_epi_cutoffs_0.1_0.6": (s0, dict(lower_cutoff=0.1, upper_cutoff=0.6)),
    }
    pad = phantom((24, 15, 10), 4, seed=7, shift=4, bg=4900, rim=False, blob=False,
                  zero_slab=8, non_finite=True)
    cases["phantom_pad_epi"] = (pad, {})
    cases["phantom_pad_epi_exclude_zeros"] = (pad, dict(exclude_zeros=True))
    # integer data: nibabel gives int16 (mean and smoothing in float64); with scl_slope 0.5 it
    # gives float64 (apply_read_scaling with Python-float slope)
    s0_int16 = phantom(shape, T, seed=0, integer=True)
    cases["phantom_s0_int16_epi"] = (s0_int16, {})
    cases["phantom_s0_int16_scaled_epi"] = (s0_int16 * np.float64(0.5), {})
    three_d = np.asfortranarray(subjects[1][..., 3])
    cases["phantom_s1_vol3_epi"] = (three_d, {})
    masks = {}
    for name, (data, kw) in cases.items():
        mask, thr, _ = compute_epi_mask(data, **kw)
        masks[name] = mask
        save(name + ".u8", mask, "u1")
        PROPS[name + ".threshold"] = hexf(thr)
        PROPS[name + ".count"] = str(int(mask.sum()))
        # how discriminating the case is: voxels that change without smoothing / post-processing
        if kw.get("opening", 2):
            nosmooth, thr2, _ = compute_epi_mask(data, **kw, smooth_override=False)
            print(f"{name}: {mask.sum()} voxels, threshold {thr}; without smoothing: "
                  f"{(nosmooth != mask).sum()} voxels differ (threshold {thr2})")
        else:
            print(f"{name}: {mask.sum()} voxels, threshold {thr}")
    print("pad exclude_zeros differs by", (masks["phantom_pad_epi"] != masks["phantom_pad_epi_exclude_zeros"]).sum())
    print("unconnected differs by", (masks["phantom_s0_epi"] != masks["phantom_s0_epi_unconnected"]).sum())
    # compute_multi_epi_mask: per-subject compute_epi_mask (same connected/opening), then
    # intersect_masks(masks, connected=connected, threshold=threshold)
    for thr, conn, name in ((0.5, True, "t0.5"), (1.0, True, "t1.0"), (0.0, True, "t0.0"),
                            (0.5, False, "t0.5_unconnected"), (2.0 / 3.0, True, "t0.667")):
        per_subject = [compute_epi_mask(s, connected=conn)[0] for s in subjects]
        g = intersect_masks(per_subject, thr, conn)
        save(f"phantom_multi_{name}.u8", g, "u1")
        PROPS[f"phantom_multi_{name}.count"] = str(int(g.sum()))
        print(f"multi {name}: {g.sum()} voxels")

    # ---- scipy.ndimage on a random 7x8x9 volume
    rng = np.random.default_rng(20240611)
    vol = np.asfortranarray(rng.random((7, 8, 9)) < 0.62)
    save("morph_input.u8", vol, "u1")
    for it in (1, 2):
        save(f"morph_erosion{it}.u8", binary_erosion(vol, iterations=it), "u1")
    for it in (1, 3):
        save(f"morph_dilation{it}.u8", binary_dilation(vol, iterations=it), "u1")
    sparse = np.asfortranarray(rng.random((7, 8, 9)) < 0.3)
    save("morph_sparse.u8", sparse, "u1")
    labels, n = label(sparse)
    save("morph_sparse_labels.i32", labels, "<i4")
    save("morph_sparse_lcc.u8", largest_connected_component(sparse), "u1")
    PROPS["morph_sparse.labels"] = str(n)
    print("sparse labels", n, "lcc", largest_connected_component(sparse).sum())
    with open(os.path.join(OUT, "fixtures.properties"), "w") as f:
        f.write("# written by gen_mask_fixtures.py; floats in Java/Python hex notation\n")
        for k in sorted(PROPS):
            f.write(f"{k}={PROPS[k]}\n")


if __name__ == "__main__":
    main()
