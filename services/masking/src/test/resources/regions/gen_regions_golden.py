#!/usr/bin/python3
"""Golden data for io.voxelflow.masking.regions (NiftiLabelsMasker / NiftiMapsMasker / resample_img).

Runs the real nilearn 0.10.4 code (its source tree, e.g. `git archive 0.10.4 nilearn` of
github.com/nilearn/nilearn) on numpy 1.24.2 / scipy 1.10.1 / nibabel 5.0.0, the versions of the shared
reference set. scikit-learn and joblib are not needed: the few names nilearn imports from them are
stubbed below (BaseEstimator._get_param_names, as_float_array and gen_even_slices re-implemented with
scikit-learn 1.2.1's semantics; joblib.Memory without caching). With these stubs,
NiftiLabelsMasker(atlas_labels, standardize='zscore_sample', detrend=True, low_pass=0.1,
high_pass=0.01, t_r=2.0).fit_transform(sub-0N) reproduces the shared roi_timeseries.npy bit for bit.

Usage:
    /usr/bin/python3 gen_regions_golden.py --nilearn-src /path/to/nilearn-0.10.4 \
        [--reference /path/to/reference/tiny]   # also (re)copies the reference files used

Writes next to this script (see README.md): synthetic NIfTI inputs (syn_*.nii.gz) and .npy answers.
Volumes in .npy files keep numpy's (X, Y, Z[, K]) shape in C order.
"""
import argparse
import importlib.abc
import importlib.machinery
import inspect
import os
import shutil
import sys
import types
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


# ------------------------------------------------------------------ stubs for sklearn / joblib
def install_stubs():
    stubbed = ("sklearn", "pandas", "lxml", "requests", "matplotlib", "threadpoolctl")

    class _Meta(type):
        def __getattr__(cls, name):
            if name.startswith("__"):
                raise AttributeError(name)
            return _Meta(name, (_Dummy,), {})

    class _Dummy(metaclass=_Meta):
        def __init__(self, *a, **k):
            pass

        def __call__(self, *a, **k):
            return _Dummy()

    class _StubModule(types.ModuleType):
        def __getattr__(self, name):
            if name.startswith("__"):
                raise AttributeError(name)
            return _Meta(name, (_Dummy,), {})

    class _Finder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
        def find_spec(self, fullname, path, target=None):
            if fullname.split(".")[0] in stubbed:
                return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
            return None

        def create_module(self, spec):
            m = _StubModule(spec.name)
            m.__path__ = []
            return m

        def exec_module(self, module):
            pass

    sys.meta_path.insert(0, _Finder())

    joblib = types.ModuleType("joblib")

    class Memory:
        def __init__(self, location=None, verbose=0, **kwargs):
            self.location = location
            self.verbose = verbose

        def cache(self, func=None, **kwargs):
            return (lambda f: f) if func is None else func

    class Parallel:
        def __init__(self, *a, **k):
            pass

        def __call__(self, it):
            return [f(*a, **k) for f, a, k in it]

    joblib.Memory = Memory
    joblib.Parallel = Parallel
    joblib.delayed = lambda f: (lambda *a, **k: (f, a, k))
    joblib.cpu_count = lambda: 1
    sys.modules["joblib"] = joblib

    import sklearn.base
    import sklearn.utils

    class BaseEstimator:
        @classmethod
        def _get_param_names(cls):
            init = getattr(cls.__init__, "deprecated_original", cls.__init__)
            if init is object.__init__:
                return []
            sig = inspect.signature(init)
            return sorted(p.name for p in sig.parameters.values()
                          if p.name != "self" and p.kind != p.VAR_KEYWORD)

        def get_params(self, deep=True):
            return {k: getattr(self, k) for k in self._get_param_names()}

    class TransformerMixin:
        pass

    def as_float_array(X, *, copy=True, force_all_finite=True):
        X = np.asarray(X)
        if X.dtype in (np.float32, np.float64):
            return X.copy("F" if X.flags["F_CONTIGUOUS"] else "C") if copy else X
        if X.dtype.kind in "uib" and X.dtype.itemsize <= 4:
            return X.astype(np.float32)
        return X.astype(np.float64)

    def gen_even_slices(n, n_packs, *, n_samples=None):
        start = 0
        for pack_num in range(n_packs):
            this_n = n // n_packs
            if pack_num < n % n_packs:
                this_n += 1
            if this_n > 0:
                end = start + this_n
                if n_samples is not None:
                    end = min(n_samples, end)
                yield slice(start, end, None)
                start = end

    sklearn.base.BaseEstimator = BaseEstimator
    sklearn.base.TransformerMixin = TransformerMixin
    sklearn.utils.as_float_array = as_float_array
    sklearn.utils.gen_even_slices = gen_even_slices


# ------------------------------------------------------------------ helpers
def out(name):
    return os.path.join(HERE, name)


def save(name, arr):
    np.save(out(name), np.ascontiguousarray(arr))


def diag_affine(sizes, offset):
    a = np.eye(4)
    a[0, 0], a[1, 1], a[2, 2] = sizes
    a[:3, 3] = offset
    return a


def rotation_affine(angle_deg, sizes, offset):
    t = np.deg2rad(angle_deg)
    r = np.array([[np.cos(t), -np.sin(t), 0], [np.sin(t), np.cos(t), 0], [0, 0, 1]])
    a = np.eye(4)
    a[:3, :3] = r @ np.diag(sizes)
    a[:3, 3] = offset
    return a


def blocky_labels(rng, shape, values, block=2):
    """Random labels constant on block×block×block cubes (so nearest resampling is meaningful)."""
    coarse = rng.choice(values, size=tuple(-(-s // block) for s in shape))
    full = np.repeat(np.repeat(np.repeat(coarse, block, 0), block, 1), block, 2)
    return full[: shape[0], : shape[1], : shape[2]].astype(np.int16)


def smooth_maps(rng, shape, k, negative=True):
    """K float32 maps: Gaussian blobs (+ a weak negative lobe), zero far from the blobs."""
    ii, jj, kk = np.meshgrid(*[np.arange(s) for s in shape], indexing="ij")
    maps = np.zeros(shape + (k,), dtype=np.float64)
    for m in range(k):
        c = rng.uniform(1, np.array(shape) - 2)
        r2 = (ii - c[0]) ** 2 + (jj - c[1]) ** 2 + (kk - c[2]) ** 2
        v = np.exp(-r2 / (2 * 1.6 ** 2))
        if negative:
            v -= 0.15 * np.exp(-r2 / (2 * 3.0 ** 2))
        v[r2 > 16] = 0
        maps[..., m] = v
    return maps.astype(np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nilearn-src", default=os.environ.get("NILEARN_SRC"),
                    help="directory containing the nilearn 0.10.4 package")
    ap.add_argument("--reference", default=None,
                    help="the shared reference 'tiny' directory: copy the files used from it")
    args = ap.parse_args()
    if args.nilearn_src:
        sys.path.insert(0, args.nilearn_src)
    install_stubs()
    warnings.simplefilter("ignore")
    import nibabel as nib
    import scipy
    import nilearn
    from nilearn import signal
    from nilearn.image import resample_img
    from nilearn.maskers import NiftiLabelsMasker, NiftiMapsMasker
    from nilearn.regions.signal_extraction import img_to_signals_labels, img_to_signals_maps

    assert np.__version__ == "1.24.2" and scipy.__version__ == "1.10.1", (np.__version__, scipy.__version__)
    assert nib.__version__ == "5.0.0", nib.__version__
    src = inspect.getsource(nilearn.regions.signal_extraction)
    assert "keep_masked_labels=True" in src  # 0.10.x signature

    clean = dict(standardize="zscore_sample", detrend=True, low_pass=0.1, high_pass=0.01, t_r=2.0)

    # ------------------------------------------------------------ the shared reference set
    if args.reference:
        for f, to in [("data/atlas_labels.nii.gz", "atlas_labels.nii.gz"),
                      ("data/truth/maps.nii.gz", "truth_maps.nii.gz"),
                      ("data/truth/mask.nii.gz", "truth_mask.nii.gz"),
                      ("nilearn/roi_timeseries.npy", "roi_timeseries.npy")] + [
                (f"data/sub-0{s}_bold.nii.gz", f"sub-0{s}_bold.nii.gz") for s in (1, 2, 3)]:
            shutil.copyfile(os.path.join(args.reference, f), out(to))

    def load_f32(path):  # what run_reference.py did
        img = nib.load(path)
        return nib.Nifti1Image(img.get_fdata(dtype=np.float32), img.affine, img.header)

    roi = np.load(out("roi_timeseries.npy"))
    raw, clean64 = [], []
    for s in range(3):
        img = load_f32(out(f"sub-0{s + 1}_bold.nii.gz"))
        got = NiftiLabelsMasker(out("atlas_labels.nii.gz"), **clean).fit_transform(img)
        assert np.array_equal(got, roi[s]), f"stubbed nilearn does not reproduce roi_timeseries[{s}]"
        sig, _ = img_to_signals_labels(img, out("atlas_labels.nii.gz"))
        raw.append(sig)
        # nilearn cleans float32 signals in float32 arithmetic; the same clean in float64:
        clean64.append(signal.clean(sig.astype(np.float64), **clean))
    save("ref_roi_raw.npy", np.stack(raw))            # (S, T, R) float32, before cleaning
    save("ref_roi_clean_f64.npy", np.stack(clean64))  # (S, T, R) float64

    sub1 = load_f32(out("sub-01_bold.nii.gz"))
    maps_img = nib.load(out("truth_maps.nii.gz"))
    save("ref_maps_sub-01_clean.npy", NiftiMapsMasker(maps_img, **clean).fit_transform(sub1))
    save("ref_maps_sub-01_raw.npy", NiftiMapsMasker(maps_img).fit_transform(sub1))
    save("ref_maps_sub-01_mask_raw.npy",
         NiftiMapsMasker(maps_img, mask_img=out("truth_mask.nii.gz")).fit_transform(sub1))
    # The same least squares in float64 (nilearn's runs in float32: LAPACK sgelsd).
    maps = np.asanyarray(maps_img.dataobj).astype(np.float64)
    data = sub1.get_fdata(dtype=np.float64)
    save("ref_maps_sub-01_raw_f64.npy",
         np.linalg.lstsq(maps.reshape(-1, maps.shape[-1]), data.reshape(-1, data.shape[-1]),
                         rcond=None)[0].T)

    # ------------------------------------------------------------ synthetic 7×8×9 data
    rng = np.random.default_rng(20240607)
    shape = (7, 8, 9)
    n_t = 40
    data_affine = diag_affine((2.0, 2.5, 3.0), (-7.0, -10.0, -12.0))
    bold = (100 + 10 * rng.standard_normal(shape + (n_t,))).astype(np.float32)
    drift = np.linspace(0, 5, n_t, dtype=np.float32)
    bold += drift
    bold[3, 4, 5, 7] = np.nan   # non-finite inputs are read as 0 (ensure_finite)
    bold[1, 2, 3, 11] = np.inf
    nib.save(nib.Nifti1Image(bold, data_affine), out("syn_bold.nii.gz"))
    bold_img = nib.load(out("syn_bold.nii.gz"))

    labels = blocky_labels(rng, shape, [0, 0, 1, 2, 3, 5, 8, -2], block=2)
    labels[5:7, 6:8, 7:9] = 0
    labels[6, 7, 8] = 12          # a one-voxel region, outside the mask below
    nib.save(nib.Nifti1Image(labels, data_affine), out("syn_labels.nii.gz"))
    ii, jj, kk = np.meshgrid(*[np.arange(s) for s in shape], indexing="ij")
    mask = (((ii - 3) / 3.5) ** 2 + ((jj - 3.5) / 4.2) ** 2 + ((kk - 4) / 4.6) ** 2 <= 1).astype(np.uint8)
    assert mask[6, 7, 8] == 0
    nib.save(nib.Nifti1Image(mask, data_affine), out("syn_mask.nii.gz"))

    for strategy in ["mean", "median", "sum", "minimum", "maximum", "standard_deviation", "variance"]:
        sig, lab = img_to_signals_labels(bold_img, out("syn_labels.nii.gz"), strategy=strategy)
        save(f"syn_labels_raw_{strategy}.npy", sig)
    save("syn_labels_ids.npy", np.array(lab, dtype=np.int32))
    sig, lab = img_to_signals_labels(bold_img, out("syn_labels.nii.gz"), mask_img=out("syn_mask.nii.gz"))
    save("syn_labels_mask_keep.npy", sig)
    sig, lab = img_to_signals_labels(bold_img, out("syn_labels.nii.gz"), mask_img=out("syn_mask.nii.gz"),
                                     keep_masked_labels=False)
    save("syn_labels_mask_drop.npy", sig)
    save("syn_labels_mask_drop_ids.npy", np.array(lab, dtype=np.int32))
    save("syn_labels_masker_clean.npy",
         NiftiLabelsMasker(out("syn_labels.nii.gz"), mask_img=out("syn_mask.nii.gz"), **clean)
         .fit_transform(out("syn_bold.nii.gz")))

    # ------------------------------------------------------------ atlases on other grids
    grids = {
        # diagonal A (scipy's zoom/shift path)
        "zoom": ((5, 6, 5), diag_affine((3.0, 3.5, 4.5), (-8.0, -11.0, -13.0))),
        # rotated grid (scipy's general affine path)
        "oblique": ((7, 7, 6), rotation_affine(20.0, (2.5, 2.5, 3.5), (-6.0, -12.0, -11.0))),
        # same voxel size, integer voxel shift, atlas inside the data grid (nilearn's crop/pad path)
        "shift": ((5, 6, 6), diag_affine((2.0, 2.5, 3.0), (-5.0, -7.5, -9.0))),
        # voxels twice as large, same origin: every other data voxel falls half-way (ties)
        "ties": ((4, 4, 5), diag_affine((4.0, 5.0, 6.0), (-7.0, -10.0, -12.0))),
    }
    for name, (gshape, gaff) in grids.items():
        lab = blocky_labels(rng, gshape, [0, 1, 2, 3, 4, 6, 7], block=1 if name == "ties" else 2)
        nib.save(nib.Nifti1Image(lab, gaff), out(f"syn_labels_{name}.nii.gz"))
        res = resample_img(out(f"syn_labels_{name}.nii.gz"), target_affine=data_affine,
                           target_shape=shape, interpolation="nearest")
        save(f"resampled_labels_{name}.npy", np.asanyarray(res.dataobj))
        m = NiftiLabelsMasker(out(f"syn_labels_{name}.nii.gz"))
        save(f"syn_labels_masker_{name}.npy", m.fit_transform(out("syn_bold.nii.gz")))
        save(f"syn_labels_masker_{name}_ids.npy", np.array(m.labels_, dtype=np.int32))

        mp = smooth_maps(rng, gshape, 3)
        nib.save(nib.Nifti1Image(mp, gaff), out(f"syn_maps_{name}.nii.gz"))
        for interp in ["continuous", "linear", "nearest"]:
            res = resample_img(out(f"syn_maps_{name}.nii.gz"), target_affine=data_affine,
                               target_shape=shape, interpolation=interp)
            save(f"resampled_maps_{name}_{interp}.npy", np.asanyarray(res.dataobj))
        save(f"syn_maps_masker_{name}.npy",
             NiftiMapsMasker(out(f"syn_maps_{name}.nii.gz")).fit_transform(out("syn_bold.nii.gz")))

    # ------------------------------------------------------------ maps on the data grid
    mp = smooth_maps(rng, shape, 4)
    mp[..., 3] = 0
    mp[6, 7, 8, 3] = 0.5          # a map living outside the mask only (empty once masked)
    nib.save(nib.Nifti1Image(mp, data_affine), out("syn_maps.nii.gz"))
    save("syn_maps_raw.npy", img_to_signals_maps(bold_img, out("syn_maps.nii.gz"))[0])
    sig, lab = img_to_signals_maps(bold_img, out("syn_maps.nii.gz"), mask_img=out("syn_mask.nii.gz"))
    save("syn_maps_mask_keep.npy", sig)
    sig, lab = img_to_signals_maps(bold_img, out("syn_maps.nii.gz"), mask_img=out("syn_mask.nii.gz"),
                                   keep_masked_maps=False)
    save("syn_maps_mask_drop.npy", sig)
    save("syn_maps_mask_drop_ids.npy", np.array(lab, dtype=np.int32))
    save("syn_maps_masker_clean.npy",
         NiftiMapsMasker(out("syn_maps.nii.gz"), mask_img=out("syn_mask.nii.gz"), **clean)
         .fit_transform(out("syn_bold.nii.gz")))
    # disjoint positive supports plus a negative lobe shared by all maps: with allow_overlap=False
    # nilearn zeroes the values below float32 eps *in the maps it then uses* (in place), so the
    # negative lobe is dropped; with allow_overlap=True it is kept.
    disjoint = np.zeros(shape + (3,), dtype=np.float32)
    for m in range(3):
        disjoint[..., m] = np.where(labels == m + 1, 1 + 0.1 * rng.random(shape), 0)
        disjoint[..., m][labels == 5] = -0.2 * (m + 1)
    nib.save(nib.Nifti1Image(disjoint, data_affine), out("syn_maps_disjoint.nii.gz"))
    for allow in (True, False):
        save(f"syn_maps_disjoint_overlap_{str(allow).lower()}.npy",
             NiftiMapsMasker(out("syn_maps_disjoint.nii.gz"), allow_overlap=allow)
             .fit_transform(out("syn_bold.nii.gz")))
    print("done")


if __name__ == "__main__":
    main()
