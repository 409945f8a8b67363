#!/usr/bin/python3
"""Generate golden data for Voxelflow's pure-Java port of nilearn.signal.clean.

How to run (from anywhere; no arguments needed):

    /usr/bin/python3 tools/golden/make_signal_golden.py

Requirements: Debian 12's system Python with python3-numpy (1.24) and
python3-scipy (1.10). nilearn itself is NOT needed: the functions below mirror
nilearn 0.10.4's ``nilearn/signal.py`` line by line (only numpy/scipy calls,
same order of operations), restricted to the options Voxelflow exposes:

  * ``standardize_signal``   -> ``standardize_signal`` (0.10.4 name, public)
  * ``_detrend``             -> ``_detrend`` (type="linear"; no batching is
                                needed: nilearn does not batch < 500 columns
                                and batching does not change the arithmetic)
  * ``_check_wn``            -> ``_check_wn``
  * ``butterworth``          -> ``butterworth`` (order=5, padtype="odd",
                                padlen=None, i.e. scipy's 3*max(len(a),len(b)))
  * ``clean``                -> ``clean`` (runs=None, filter="butterworth",
                                extrapolate=True, standardize_confounds=True)
  * ``_handle_scrubbed_volumes``, ``_interpolate_volumes``,
    ``_censor_signals``      -> same names
  * ``_convert_bool2index`` / ``_check_sample_mask_index``
                             -> ``_sanitize_sample_mask`` (single run)

Two 0.10.4 behaviours are reproduced on purpose because the Java port copies
them (see Signal.java):

  * ``_interpolate_volumes`` assigns ``volumes[~sample_mask]`` where
    ``sample_mask`` is an *integer index* array (booleans are converted with
    np.where first), so ``~k == -k-1`` selects row ``T-1-k``: the rows that
    receive spline values are the mirror images of the kept frames, not the
    censored frames. Case ``clean_scrub_edges_t48`` covers a censored frame
    whose mirror is also censored (it keeps its raw value).
  * confounds are standardized with ``standardize=True`` ("zscore",
    population std, ddof=0) and, when a Butterworth filter ran (or
    detrend and psc), the final standardization sees ``signals + mean`` where
    the mean is taken right after interpolation (before detrending), so
    standardize=False with filtering returns the filtered signal plus its
    original mean.

Output (overwritten each run) in
services/masking/src/test/resources/signal/, all little-endian float64 .npy:

  signals_t48.npy, signals_t150.npy      inputs, time x features (T x 7)
  confounds_t48.npy, confounds_t150.npy  inputs, T x 3
  butter_band.b/.a, butter_low.b/.a, butter_high.b/.a
      scipy.signal.butter(5, Wn, btype) with Wn as a fraction of Nyquist:
      [0.04, 0.4] 'band', 0.4 'low', 0.04 'high'
  butterworth_{band,low,high}_t48.npy
      nilearn.signal.butterworth(signals_t48, sampling_rate=0.5, ...)
  clean_<case>.npy   expected nilearn.signal.clean output; the parameters of
                     each case are in CASES below (and in the Java test).

Not a golden, on purpose: a cutoff at or above Nyquist. nilearn's _check_wn
moves it to nyq*(1-10*eps) and designs the filter anyway; the band-pass
transform then loses most digits to cancellation, so scipy's b, a depend on
last-ulp rounding (for low_pass=0.3, high_pass=0.01, t_r=2 scipy 1.10 returns
an unstable denominator, max |pole| = 1.0004) and an independent
implementation differs by O(0.3) in z-units. Voxelflow drops such a low_pass
by default (Signal.CutoffPolicy).

t_r = 2.0 s throughout (sampling rate 0.5 Hz, Nyquist 0.25 Hz), so
high_pass 0.01 Hz -> Wn 0.04 and low_pass 0.1 Hz -> Wn 0.4.
"""

import os
import warnings

import numpy as np
from scipy import linalg
from scipy import signal as sp_signal
from scipy.interpolate import CubicSpline

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.normpath(
    os.path.join(HERE, "..", "..", "services", "masking", "src", "test",
                 "resources", "signal"))

EPS = np.finfo(np.float64).eps


# --------------------------------------------------------------------------
# Mirror of nilearn 0.10.4 nilearn/signal.py
# --------------------------------------------------------------------------

def standardize_signal(signals, detrend=False, standardize="zscore"):
    if standardize not in [True, False, "psc", "zscore", "zscore_sample"]:
        raise ValueError(f"{standardize} is no valid standardize strategy.")
    signals = _detrend(signals, inplace=False) if detrend else signals.copy()
    if standardize:
        if signals.shape[0] == 1:
            warnings.warn("Standardization of 3D signal has been requested "
                          "but would lead to zero values. Skipping.")
            return signals
        elif standardize == "zscore_sample":
            if not detrend:
                signals = signals - signals.mean(axis=0)
            std = signals.std(axis=0, ddof=1)
            std[std < EPS] = 1.0
            signals /= std
        elif (standardize == "zscore") or (standardize is True):
            if not detrend:
                signals = signals - signals.mean(axis=0)
            std = signals.std(axis=0)
            std[std < EPS] = 1.0
            signals /= std
        elif standardize == "psc":
            mean_signals = signals.mean(axis=0)
            invalid_ix = np.absolute(mean_signals) < EPS
            signals = (signals - mean_signals) / np.absolute(mean_signals)
            signals *= 100
            if np.any(invalid_ix):
                warnings.warn("psc standardization strategy is meaningless "
                              "for features that have a mean of 0. "
                              "These time series are set to 0.")
                signals[:, invalid_ix] = 0
    return signals


def _detrend(signals, inplace=False, type="linear"):
    # sklearn's as_float_array(signals, copy=not inplace)
    signals = np.array(signals, dtype=np.float64, copy=not inplace)
    if signals.shape[0] == 1:
        warnings.warn("Detrending of 3D signal has been requested but "
                      "would lead to zero values. Skipping.")
        return signals
    signals -= np.mean(signals, axis=0)
    if type == "linear":
        regressor = np.arange(signals.shape[0], dtype=signals.dtype)
        regressor -= regressor.mean()
        std = np.sqrt((regressor ** 2).sum())
        if not std < EPS:
            regressor /= std
        regressor = regressor[:, np.newaxis]
        signals -= np.dot(regressor[:, 0], signals) * regressor
    return signals


def _check_wn(btype, freq, nyq):
    if freq >= nyq:
        freq = nyq - (nyq * 10 * np.finfo(1.0).eps)
        warnings.warn(f"The frequency specified for the {btype} pass filter "
                      f"is too high ... lowered to {freq}")
    elif freq < 0.0:
        freq = nyq * np.finfo(1.0).eps
        warnings.warn(f"The frequency specified for the {btype} pass filter "
                      f"is too low ... set to eps: {freq}")
    return freq


def butterworth(signals, sampling_rate, low_pass=None, high_pass=None,
                order=5, padtype="odd", padlen=None, copy=False):
    if low_pass is None and high_pass is None:
        return signals.copy() if copy else signals
    if (low_pass is not None and high_pass is not None
            and high_pass >= low_pass):
        raise ValueError("High pass cutoff frequency is greater than or "
                         "equal to low pass filter frequency.")
    nyq = sampling_rate * 0.5
    critical_freq = []
    if high_pass is not None:
        btype = "high"
        critical_freq.append(_check_wn(btype, high_pass, nyq))
    if low_pass is not None:
        btype = "low"
        critical_freq.append(_check_wn(btype, low_pass, nyq))
    if len(critical_freq) == 2:
        btype = "band"
        if critical_freq[0] == critical_freq[1]:
            warnings.warn("Signals are returned unfiltered because band-pass "
                          "critical frequencies are equal.")
            return signals.copy() if copy else signals
    else:
        critical_freq = critical_freq[0]
    b, a = sp_signal.butter(order, critical_freq, btype=btype, output="ba",
                            fs=sampling_rate)
    if signals.ndim == 1:
        output = sp_signal.filtfilt(b, a, signals, padtype=padtype,
                                    padlen=padlen)
        if copy:
            signals = output
        else:
            signals[...] = output
    elif copy:
        signals = sp_signal.filtfilt(b, a, signals, axis=0, padtype=padtype,
                                     padlen=padlen)
    else:
        for timeseries in signals.T:
            timeseries[:] = sp_signal.filtfilt(b, a, timeseries,
                                               padtype=padtype, padlen=padlen)
    return signals


def _censor_signals(signals, confounds, sample_mask):
    signals = signals[sample_mask, :]
    if confounds is not None:
        confounds = confounds[sample_mask, :]
    return signals, confounds


def _interpolate_volumes(volumes, sample_mask, t_r, extrapolate):
    frame_times = np.arange(volumes.shape[0]) * t_r
    remained_vol = frame_times[sample_mask]
    remained_x = volumes[sample_mask, :]
    cubic_spline_fitter = CubicSpline(remained_vol, remained_x,
                                      extrapolate=extrapolate)
    volumes_interpolated = cubic_spline_fitter(frame_times)
    # NB: sample_mask is an integer index array here, so ~sample_mask is
    # -sample_mask-1 (nilearn 0.10.4 behaviour, copied on purpose).
    volumes[~sample_mask, :] = volumes_interpolated[~sample_mask, :]
    return volumes


def _handle_scrubbed_volumes(signals, confounds, sample_mask, filter_type,
                             t_r, extrapolate):
    if sample_mask is None:
        return signals, confounds, sample_mask
    if filter_type == "butterworth":
        signals = _interpolate_volumes(signals, sample_mask, t_r, extrapolate)
        signals = signals[~np.isnan(signals).all(axis=1), :]
        if confounds is not None:
            confounds = _interpolate_volumes(confounds, sample_mask, t_r,
                                             extrapolate)
            confounds = confounds[~np.isnan(confounds).all(axis=1), :]
        if sample_mask is not None and not extrapolate:
            sample_mask -= sample_mask[0]
    else:
        signals, confounds = _censor_signals(signals, confounds, sample_mask)
    return signals, confounds, sample_mask


def _sanitize_sample_mask(n_time, sample_mask):
    if sample_mask is None:
        return None
    sample_mask = np.asarray(sample_mask)
    if all(type(i) is bool or type(i) is np.bool_ for i in sample_mask):
        sample_mask = np.where(sample_mask)[0]
    if len(sample_mask) > n_time:
        raise IndexError("sample_mask has more timepoints than the run")
    if (sample_mask > n_time).any():
        raise IndexError("sample_mask contains invalid index")
    return sample_mask


def _check_filter_parameters(low_pass, high_pass, t_r):
    if all(item is None for item in [low_pass, high_pass]):
        return False
    if t_r is None:
        raise ValueError("Repetition time (t_r) must be specified for "
                         "butterworth filtering.")
    return "butterworth"


def clean(signals, detrend=True, standardize="zscore", sample_mask=None,
          confounds=None, standardize_confounds=True, low_pass=None,
          high_pass=None, t_r=2.5, ensure_finite=False, extrapolate=True):
    filter_type = _check_filter_parameters(low_pass, high_pass, t_r)
    # _sanitize_inputs
    n_time = len(signals)
    if confounds is not None:
        confounds = np.asarray(confounds, dtype=np.float64)
        if confounds.ndim == 1:
            confounds = np.atleast_2d(confounds).T
        confounds = np.hstack([confounds])
        if confounds.shape[0] != n_time:
            raise ValueError("Confound signal has an incorrect length")
    sample_mask = _sanitize_sample_mask(n_time, sample_mask)
    signals = signals.copy()
    if ensure_finite:
        mask = np.logical_not(np.isfinite(signals))
        if mask.any():
            signals[mask] = 0

    signals, confounds, sample_mask = _handle_scrubbed_volumes(
        signals, confounds, sample_mask, filter_type, t_r, extrapolate)
    mean_signals = signals.mean(axis=0)
    if detrend:
        signals = standardize_signal(signals, standardize=False,
                                     detrend=detrend)
        if confounds is not None:
            confounds = standardize_signal(confounds, standardize=False,
                                           detrend=detrend)
    if filter_type == "butterworth":
        signals = butterworth(signals, sampling_rate=1.0 / t_r,
                              low_pass=low_pass, high_pass=high_pass)
        if confounds is not None:
            confounds = butterworth(confounds, sampling_rate=1.0 / t_r,
                                    low_pass=low_pass, high_pass=high_pass)
        if sample_mask is not None:
            signals, confounds = _censor_signals(signals, confounds,
                                                 sample_mask)
    if confounds is not None:
        confounds = standardize_signal(confounds,
                                       standardize=standardize_confounds,
                                       detrend=False)
        if not standardize_confounds:
            confound_max = np.max(np.abs(confounds), axis=0)
            confound_max[confound_max == 0] = 1
            confounds /= confound_max
        Q, R, _ = linalg.qr(confounds, mode="economic", pivoting=True)
        Q = Q[:, np.abs(np.diag(R)) > np.finfo(np.float64).eps * 100.0]
        signals -= Q.dot(Q.T).dot(signals)
    if (detrend and standardize == "psc") or (filter_type == "butterworth"):
        signals = standardize_signal(signals + mean_signals,
                                     standardize=standardize, detrend=False)
    else:
        signals = standardize_signal(signals, standardize=standardize,
                                     detrend=False)
    return signals


# --------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------

T_R = 2.0


def make_signals(n_time, seed):
    """T x 7: offsets + linear/quadratic trends + sinusoids + noise.

    Column 6 is constant (250.0) to exercise the std < eps / psc paths.
    """
    rng = np.random.default_rng(seed)
    t = np.arange(n_time) * T_R  # seconds
    freqs = [0.004, 0.02, 0.05, 0.08, 0.15, 0.22]  # Hz
    cols = []
    for j, f in enumerate(freqs):
        offset = 100.0 + 40.0 * j
        trend = (0.3 - 0.1 * j) * t + 0.002 * (j - 2) * (t - t.mean()) ** 2 / 10
        sinus = (5.0 + j) * np.sin(2 * np.pi * f * t + 0.7 * j)
        noise = rng.normal(scale=2.0, size=n_time)
        cols.append(offset + trend + sinus + noise)
    cols.append(np.full(n_time, 250.0))
    return np.stack(cols, axis=1)


def make_confounds(n_time, seed):
    """T x 3: a slow drift, a motion-like random walk, a 0.03 Hz wave."""
    rng = np.random.default_rng(seed)
    t = np.arange(n_time) * T_R
    drift = 0.01 * t + 3.0
    walk = np.cumsum(rng.normal(scale=0.3, size=n_time))
    wave = 2.0 * np.cos(2 * np.pi * 0.03 * t) + rng.normal(scale=0.1,
                                                             size=n_time)
    return np.stack([drift, walk, wave], axis=1)


BAND = dict(low_pass=0.1, high_pass=0.01)
SCRUB_MID = [i for i in range(48) if i not in (5, 6, 20)]
SCRUB_EDGES = [i for i in range(48) if i not in (0, 1, 20, 46, 47)]

# name -> (signals key, clean kwargs); confounds given as a key string.
CASES = {
    "detrend_only_t48": ("t48", dict(detrend=True, standardize=False)),
    "bandpass_t48": ("t48", dict(detrend=False, standardize=False, **BAND)),
    "lowpass_t48": ("t48", dict(detrend=False, standardize=False,
                                low_pass=0.1)),
    "highpass_t48": ("t48", dict(detrend=False, standardize=False,
                                 high_pass=0.01)),
    "reference_t48": ("t48", dict(detrend=True, standardize="zscore_sample",
                                  **BAND)),
    "reference_t150": ("t150", dict(detrend=True,
                                    standardize="zscore_sample", **BAND)),
    "confounds_t48": ("t48", dict(detrend=True, standardize="zscore_sample",
                                  confounds="t48", **BAND)),
    "confounds_t150": ("t150", dict(detrend=True,
                                    standardize="zscore_sample",
                                    confounds="t150", **BAND)),
    "confounds_nofilter_t48": ("t48", dict(detrend=True,
                                           standardize="zscore_sample",
                                           confounds="t48")),
    "psc_t48": ("t48", dict(detrend=True, standardize="psc")),
    "psc_nodetrend_t48": ("t48", dict(detrend=False, standardize="psc")),
    "psc_bandpass_t48": ("t48", dict(detrend=True, standardize="psc",
                                     **BAND)),
    "zscore_nodetrend_t48": ("t48", dict(detrend=False,
                                         standardize="zscore_sample")),
    "scrub_band_t48": ("t48", dict(detrend=True, standardize="zscore_sample",
                                   sample_mask=SCRUB_MID, **BAND)),
    "scrub_band_confounds_t48": ("t48", dict(detrend=True,
                                             standardize="zscore_sample",
                                             sample_mask=SCRUB_MID,
                                             confounds="t48", **BAND)),
    "scrub_edges_t48": ("t48", dict(detrend=True, standardize="zscore_sample",
                                    sample_mask=SCRUB_EDGES, **BAND)),
    "scrub_nofilter_t48": ("t48", dict(detrend=True,
                                       standardize="zscore_sample",
                                       sample_mask=SCRUB_MID,
                                       confounds="t48")),
    # Expected Java output for low_pass=0.3 (>= Nyquist 0.25 Hz), high_pass=0.01 under the
    # default DROP_OR_REJECT policy: the low-pass is dropped. (nilearn's own clamping to
    # nyq*(1-10 eps) is not a golden: see the header.)
    "highpass_detrend_zscore_t48": ("t48", dict(detrend=True,
                                                standardize="zscore_sample",
                                                high_pass=0.01)),
}


def save(name, arr):
    arr = np.ascontiguousarray(arr, dtype="<f8")
    np.save(os.path.join(OUT, name + ".npy"), arr)


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".npy"):
            os.remove(os.path.join(OUT, f))
    signals = {"t48": make_signals(48, 20240521),
               "t150": make_signals(150, 20240522)}
    confounds = {"t48": make_confounds(48, 7),
                 "t150": make_confounds(150, 8)}
    for k, v in signals.items():
        save("signals_" + k, v)
    for k, v in confounds.items():
        save("confounds_" + k, v)

    for name, wn, btype in [("band", [0.04, 0.4], "band"),
                            ("low", 0.4, "low"), ("high", 0.04, "high")]:
        b, a = sp_signal.butter(5, wn, btype=btype, output="ba")
        save(f"butter_{name}.b", b)
        save(f"butter_{name}.a", a)

    for name, kw in [("band", BAND), ("low", dict(low_pass=0.1)),
                     ("high", dict(high_pass=0.01))]:
        out = butterworth(signals["t48"].copy(), sampling_rate=1.0 / T_R,
                          **kw)
        save(f"butterworth_{name}_t48", out)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, (sig_key, kw) in CASES.items():
            kw = dict(kw)
            if "confounds" in kw:
                kw["confounds"] = confounds[kw["confounds"]]
            if "sample_mask" in kw:
                kw["sample_mask"] = np.array(kw["sample_mask"])
            out = clean(signals[sig_key], t_r=T_R, **kw)
            save("clean_" + name, out)

    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files, {total} bytes to {OUT}")


if __name__ == "__main__":
    main()
