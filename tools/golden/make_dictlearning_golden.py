#!/usr/bin/python3
"""Generate golden data for Voxelflow's port of nilearn 0.10.4's DictLearning numerics.

How to run (no arguments; overwrites its outputs):

    PYTHONPATH=/path/to/nilearn-0.10.4 /usr/bin/python3 tools/golden/make_dictlearning_golden.py

Requirements: Debian 12's system Python with python3-numpy (1.24), python3-scipy (1.10),
python3-sklearn (1.2.1), python3-nibabel, and nilearn 0.10.4 importable. The input is the tiny
synthetic dataset of shared/reference (3 subjects, 16x16x12x48, 3 planted networks), found at
$VOXELFLOW_REFERENCE (default /work/shared/reference/tiny/data).

What it records, by running DictLearning(n_components=3, random_state=0).fit(subjects) with
light hooks around nilearn's / sklearn's functions (nothing in them is changed):

  masked_sub-0{1,2,3}.npy  float32 (48, 816)  each subject after DictLearning's own masker (EPI
                           mask of all subjects, 4 mm smoothing, detrend, z-score): what
                           _mask_and_reduce_single hands to _fast_svd
  reduced.npy              float32 (9, 816)   the stacked per-subject reductions (randomized SVD,
                           3 rows per subject, rows = S_i * V_i) as sklearn receives them (transposed):
                           CanICA's MultiPCA (do_cca) divides and re-multiplies its rows in place
                           first, which moves them by a few float32 ulps
  canica_components.npy    float32 (3, 816)   CanICA's components, before _init_dict rescales them
  dict_init.npy            float32 (3, 9)     the loadings passed to sklearn as dict_init
  components.npy           float32 (3, 816)   nilearn's final components_
  nilearn_n_steps.npy      int32 (1,)         mini-batch steps sklearn ran (1000, see below)

  float64 replays of sklearn's MiniBatchDictionaryLearning on the same inputs, with the voxel
  order it shuffles to written out so that a port with a different RNG can replay it exactly.
  sklearn 1.2.1's dict_learning_online drops nilearn's max_iter, so what nilearn actually runs is
  1000 mini-batch steps ("steps1000"); "epoch1" is the schedule nilearn asks for (n_epochs=1:
  ceil(816 / 20) = 41 steps):
  f64_order.npy                int32 (816,)    X_train = X[order] (== RandomState(0).shuffle)
  f64_{steps1000,epoch1}_dictionary.npy  float64 (3, 9)    the learnt dictionary
  f64_{steps1000,epoch1}_components.npy  float64 (3, 816)  after nilearn's post-processing

  Recovery against the planted truth, as run_reference.py's match_maps scores it:
  truth_maps.npy           float64 (3, 928)   true maps on the true mask's voxels
  truth_to_mask.npy        int32 (928,)       for each true-mask voxel its index in the 816-voxel
                           DictLearning mask, or -1 (scored as 0, like an unmasked image)
  nilearn_recovery.npy     float64 (2,)       nilearn's [mean, min] |r| after Hungarian matching

  sklearn.decomposition.sparse_encode(algorithm='lasso_cd') on a fixed small problem:
  lasso_x.npy (30, 9), lasso_dictionary.npy (4, 9) float64 inputs,
  lasso_code_a{0.2,1}.npy (30, 4) float64 codes for alpha = 0.2 and 1.
"""

import os
import sys
import warnings

import nibabel as nib
import numpy as np
from scipy.optimize import linear_sum_assignment

import sklearn.decomposition._dict_learning as skdl
from sklearn.decomposition import MiniBatchDictionaryLearning, sparse_encode

import nilearn
import nilearn.decomposition.dict_learning as nl_dl
from nilearn.decomposition import CanICA, DictLearning

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get("VOXELFLOW_REFERENCE", "/work/shared/reference/tiny/data")
OUT = os.path.join(HERE, "..", "..", "services", "decomposition", "src", "test", "resources",
                   "dictlearning")
K = 3


def save(name, arr):
    arr = np.ascontiguousarray(arr)  # C order (Voxelflow's Npy reads no Fortran order)
    np.save(os.path.join(OUT, name), arr)
    print(f"  {name:28s} {arr.dtype} {arr.shape}")


def load(path):
    img = nib.load(path)
    return nib.Nifti1Image(img.get_fdata(dtype=np.float32), img.affine, img.header)


def postprocess(code):
    """nilearn's _raw_fit post-processing of sklearn's code (n_voxels, K) -> (K, n_voxels)."""
    comp = code.T.copy()
    s = np.sqrt(np.sum(comp ** 2, axis=1))
    s[s == 0] = 1
    comp /= s[:, np.newaxis]
    for c in comp:
        if np.sum(c > 0) < np.sum(c < 0):
            c *= -1
    return comp


def match_maps(true_maps, est_maps):
    t = true_maps - true_maps.mean(1, keepdims=True)
    e = est_maps - est_maps.mean(1, keepdims=True)
    t /= np.linalg.norm(t, axis=1, keepdims=True) + 1e-12
    e /= np.linalg.norm(e, axis=1, keepdims=True) + 1e-12
    c = np.abs(t @ e.T)
    rows, cols = linear_sum_assignment(-c)
    return c[rows, cols]


def main():
    import sklearn
    print(f"nilearn {nilearn.__version__}, scikit-learn {sklearn.__version__}")
    os.makedirs(OUT, exist_ok=True)
    imgs = [load(os.path.join(DATA, f"sub-0{i}_bold.nii.gz")) for i in (1, 2, 3)]

    captured = {}
    orig_raw_fit = DictLearning._raw_fit
    orig_canica_raw_fit = CanICA._raw_fit
    orig_online = nl_dl.dict_learning_online
    orig_mbdl_fit = MiniBatchDictionaryLearning.fit

    def raw_fit(self, data):
        captured["reduced"] = np.array(data, copy=True)
        return orig_raw_fit(self, data)

    def canica_raw_fit(self, data):
        res = orig_canica_raw_fit(self, data)
        captured["canica"] = np.array(self.components_, copy=True)
        return res

    def online(X, *args, **kwargs):
        captured["X"] = np.array(X, copy=True)
        captured["dict_init"] = np.array(kwargs["dict_init"], copy=True)
        captured["kwargs"] = {k: v for k, v in kwargs.items() if k != "dict_init"}
        return orig_online(X, *args, **kwargs)

    def mbdl_fit(self, X, y=None):
        res = orig_mbdl_fit(self, X, y)
        captured["n_steps"] = self.n_steps_
        return res

    DictLearning._raw_fit = raw_fit
    CanICA._raw_fit = canica_raw_fit
    nl_dl.dict_learning_online = online
    MiniBatchDictionaryLearning.fit = mbdl_fit
    try:
        est = DictLearning(n_components=K, random_state=0).fit(imgs)
    finally:
        DictLearning._raw_fit = orig_raw_fit
        CanICA._raw_fit = orig_canica_raw_fit
        nl_dl.dict_learning_online = orig_online
        MiniBatchDictionaryLearning.fit = orig_mbdl_fit

    print("sklearn kwargs:", captured["kwargs"])
    print("sklearn n_steps:", captured["n_steps"])
    for i, img in enumerate(imgs, 1):
        save(f"masked_sub-0{i}.npy", est.masker_.transform(img).astype(np.float32))
    save("reduced.npy", captured["X"].T.astype(np.float32))
    save("canica_components.npy", captured["canica"].astype(np.float32))
    save("dict_init.npy", captured["dict_init"].astype(np.float32))
    save("components.npy", est.components_.astype(np.float32))
    save("nilearn_n_steps.npy", np.array([captured["n_steps"]], dtype=np.int32))
    # CanICA's MultiPCA rescales `data` in place (a few float32 ulps) before sklearn sees it
    print("reduction moved in place by", np.abs(captured["X"].T - captured["reduced"]).max())

    # float64 replays with the shuffle order written out. sklearn 1.2.1's dict_learning_online
    # does not forward max_iter to MiniBatchDictionaryLearning (it passes n_iter, which nilearn
    # leaves at "deprecated"), so the estimator takes its legacy branch: n_iter = 1000 mini-batch
    # steps, no early stopping, whatever n_epochs says. Replay that, and the schedule nilearn
    # meant (n_epochs passes over the voxels: ceil(n_voxels / batch_size) steps per epoch).
    X = captured["X"].astype(np.float64)
    n_voxels = X.shape[0]
    order = np.random.RandomState(0).permutation(n_voxels)
    shuffled = X.copy()
    np.random.RandomState(0).shuffle(shuffled)
    assert np.array_equal(shuffled, X[order]), "shuffle != permutation"
    save("f64_order.npy", order.astype(np.int32))
    kw = captured["kwargs"]
    assert captured["n_steps"] == 1000, captured["n_steps"]

    def replay(x, dict_init, n_iter):
        # sklearn updates a dict_init of X's dtype in place: hand it a copy
        dict_init = np.array(dict_init, copy=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            mb = MiniBatchDictionaryLearning(
                n_components=K, alpha=kw["alpha"], n_iter=n_iter, fit_algorithm="cd",
                batch_size=kw["batch_size"], shuffle=True, dict_init=dict_init,
                random_state=kw["random_state"], transform_algorithm="lasso_cd",
                transform_alpha=kw["alpha"]).fit(x)
        return mb, postprocess(mb.transform(x))

    _, same = replay(captured["X"], captured["dict_init"], 1000)
    print("float32 replay vs nilearn, max abs diff:", np.abs(same - est.components_).max())
    epoch_steps = (n_voxels - 1) // kw["batch_size"] + 1
    for tag, n_iter in (("steps1000", 1000), ("epoch1", epoch_steps)):
        mb, comp = replay(X, captured["dict_init"].astype(np.float64), n_iter)
        save(f"f64_{tag}_dictionary.npy", mb.components_)
        save(f"f64_{tag}_components.npy", comp)

    # planted truth on the true mask; the estimate is 0 where DictLearning's mask is not
    true_mask = np.asarray(nib.load(os.path.join(DATA, "truth", "mask.nii.gz")).dataobj) > 0
    maps = np.asarray(nib.load(os.path.join(DATA, "truth", "maps.nii.gz")).dataobj,
                      dtype=np.float64)
    epi = np.asarray(est.mask_img_.dataobj) > 0
    epi_index = np.full(epi.shape, -1, dtype=np.int64)
    epi_index[epi] = np.arange(epi.sum())
    save("truth_maps.npy", maps[true_mask].T.copy())
    save("truth_to_mask.npy", epi_index[true_mask].astype(np.int32))
    comp = np.asarray(est.components_img_.dataobj, dtype=np.float64)[true_mask].T
    scores = match_maps(maps[true_mask].T, comp)
    save("nilearn_recovery.npy", np.array([scores.mean(), scores.min()]))
    print("nilearn recovery mean/min:", scores.mean(), scores.min())

    # sparse_encode lasso_cd on a fixed problem
    rng = np.random.RandomState(42)
    d = rng.randn(4, 9)
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    x = rng.randn(30, 9)
    save("lasso_x.npy", x)
    save("lasso_dictionary.npy", d)
    for a in (0.2, 1.0):
        c = sparse_encode(x, d, algorithm="lasso_cd", alpha=a)
        save(f"lasso_code_a{a:g}.npy", c)
        print(f"  alpha {a}: {np.mean(c != 0):.2f} non-zero")


if __name__ == "__main__":
    sys.exit(main())
