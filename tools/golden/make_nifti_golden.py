#!/usr/bin/python3
"""Generate the NIfTI golden corpus for Voxelflow's NIfTI reader tests.

How to run (from anywhere; no arguments needed):

    /usr/bin/python3 tools/golden/make_nifti_golden.py

Requirements: Debian's system Python with Debian's python3-nibabel and
python3-numpy (``apt-get install python3-nibabel``; the corpus was made with
nibabel 5.0.0 / numpy 1.24.2 from Debian 12). No nilearn, no pip packages:
the script must run with /usr/bin/python3, not a pyenv/venv python.

What it does, in common/src/test/resources/nifti/:
  1. Makes sure the real (non-synthetic) files are present, copying them from
     /work/shared/nifti/ or from Debian's nibabel test data
     (<nibabel>/tests/data/) when missing.
  2. Deletes and (re)writes every synthetic ``syn_*`` file. Headers are
     encoded with nibabel's header classes; the data block is written by
     hand so the exact on-disk fields (scl_slope/inter, qform/sform codes,
     pixdim, vox_offset, junk in unused fields) are under our control.
     All randomness uses fixed per-file seeds and gzip uses mtime=0, so the
     bytes (and sha256) are reproducible.
  3. Loads every file back with nibabel and writes golden.json: an object
     keyed by file name (the .hdr name for .hdr/.img pairs) with what
     ``nifti-info FILE --stats`` must print:
       shape         list of ints (img.shape)
       datatype      numpy dtype name of the on-disk data, no byte order
       byte_order    "little" | "big"
       nifti_version 1 | 2
       affine        4x4 img.affine (sform if sform_code>0, else qform if
                     qform_code>0, else nibabel's pixdim fallback)
       voxel_sizes   header.get_zooms() (all dims, raw stored units)
       tr_seconds    pixdim[4] in seconds (sec: x1, msec: /1000,
                     usec: /1e6, from xyzt_units & 0x38); null when the image
                     has fewer than 4 dims or the time unit is not one of
                     sec/msec/usec (unknown, Hz, ppm, rad/s)
       scl_slope, scl_inter  the scaling nibabel applies (the on-disk
                     header's get_slope_inter(); None -> 1.0 / 0.0)
       stats         {sum, min, max} over the finite values of
                     img.get_fdata() (float64, after scaling; sum is the
                     exactly rounded math.fsum), nan_count = number of NaNs
       sha256        of the file bytes (for pairs: of the .hdr;
                     sha256_img holds the .img's)
       extra         which feature the file covers
     Compare floats with a tolerance: nibabel computes in float64 from the
     float32 header fields.

nibabel load-time behaviour the Java reader must copy (see golden values):
  * negative pixdim[1..3] are replaced by their absolute value and 0 by 1
    (affects voxel_sizes and the fallback affine);
  * pixdim[0] (qfac) other than -1/+1 is treated as +1;
  * scl_slope of 0 or non-finite means "no scaling" (inter is ignored);
  * after nib.load the image's header has scl_slope/inter reset to NaN
    (the scaling lives in img.dataobj), so the golden reads them from the
    on-disk header instead.
"""

import gzip
import hashlib
import json
import math
import os
import shutil
import struct
import sys
import warnings
import zlib

import nibabel as nib
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
OUT = os.path.join(REPO, 'common', 'src', 'test', 'resources', 'nifti')
SHARED = '/work/shared/nifti'
NIB_DATA = os.path.join(os.path.dirname(nib.__file__), 'tests', 'data')

# Real files: name -> (source dir, feature note)
REAL = {
    'example4d.nii.gz': (SHARED, 'real: gzip NIfTI-1 4-D int16, sform_code=qform_code=1; xyzt_units says sec but pixdim[4]=2000 (TR 2000 s as stored)'),
    'example_nifti2.nii.gz': (SHARED, 'real: gzip NIfTI-2 4-D int16; xyzt_units sec with pixdim[4]=2000 (TR 2000 s as stored)'),
    'functional.nii': (SHARED, 'real: NIfTI-1 4-D int16 little-endian, sform=qform=2, real scl_slope/scl_inter (~0.0754/3100.76)'),
    'anatomical.nii': (NIB_DATA, 'real (nibabel tests/data): big-endian int16 3-D, qfac=-1, TR absent (3-D)'),
    'resampled_anat_moved.nii': (NIB_DATA, 'real (nibabel tests/data): big-endian float32 3-D with 153 NaN voxels'),
    'reoriented_anat_moved.nii': (NIB_DATA, 'real (nibabel tests/data): big-endian float32 3-D, qfac=+1, non-integer origin'),
    'standard.nii.gz': (NIB_DATA, 'real (nibabel tests/data): uint8 3-D, sform only (qform_code 0), xyzt_units 0, pixdim[0]=1'),
    'row_major.dconn.nii': (NIB_DATA, 'real (nibabel tests/data): CIFTI-2 dconn = NIfTI-2 single file, 6-D (1,1,1,1,10,10), '
                            'intent 3001, CIFTI XML extension (vox_offset past it), no sform/no qform (pixdim fallback)'),
}

SHAPE3 = (7, 8, 9)
SHAPE4 = (7, 8, 9, 3)

NIFTI_T_UNITS = {8: 1.0, 16: 1000.0, 24: 1e6}  # code -> divisor to seconds


def seed_for(name):
    return zlib.crc32(name.encode('ascii'))


def int_data(dtype, shape, name):
    """Uniform over the full dtype range, with min and max guaranteed."""
    rng = np.random.default_rng(seed_for(name))
    info = np.iinfo(dtype)
    d = rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)
    flat = d.reshape(-1, order='F')
    flat[0] = info.min
    flat[-1] = info.max
    return np.asfortranarray(flat.reshape(shape, order='F'))


def small_int_data(dtype, shape, name, lo=0, hi=100):
    rng = np.random.default_rng(seed_for(name))
    return rng.integers(lo, hi, size=shape, dtype=dtype, endpoint=True)


def float_data(dtype, shape, name, loc=100.0, scale=50.0):
    rng = np.random.default_rng(seed_for(name))
    return (rng.normal(loc, scale, size=shape)).astype(dtype)


def ext_block(ecode, content, endian):
    """One NIfTI extension: esize, ecode, content padded so esize % 16 == 0."""
    raw = content
    esize = 8 + len(raw)
    esize += (-esize) % 16
    raw = raw + b'\0' * (esize - 8 - len(raw))
    return struct.pack(endian + 'ii', esize, ecode) + raw


def write_nifti(name, data, version=1, endian='<', setup=None, extensions=(),
                vox_offset=None, gz_members=None, gap=b'\0'):
    """Write a NIfTI-1/2 single file (.nii/.nii.gz) or pair (.hdr + .img).

    data: ndarray in the on-disk dtype (native order; converted to `endian`).
    setup(hdr): mutate header fields after dtype/shape are set.
    gz_members: for .nii.gz, list of split offsets -> multi-member gzip.
    """
    pair = name.endswith('.hdr')
    if version == 1:
        cls = nib.nifti1.Nifti1PairHeader if pair else nib.nifti1.Nifti1Header
    else:
        cls = nib.nifti2.Nifti2PairHeader if pair else nib.nifti2.Nifti2Header
    hdr = cls(endianness=endian)
    hdr.set_data_dtype(data.dtype)
    hdr.set_data_shape(data.shape)
    hdr.set_xyzt_units('mm', 'sec')
    if setup:
        setup(hdr)
    hdr_bytes_len = 348 if version == 1 else 540
    ext = b''.join(ext_block(c, t, endian) for c, t in extensions)
    body = data.astype(data.dtype.newbyteorder(endian)).tobytes(order='F')
    if pair:
        hdr['vox_offset'] = 0
        with open(os.path.join(OUT, name), 'wb') as f:
            f.write(hdr.binaryblock)
            if ext:  # extensions are allowed after a pair header too
                f.write(struct.pack('4B', 1, 0, 0, 0) + ext)
        with open(os.path.join(OUT, name[:-4] + '.img'), 'wb') as f:
            f.write(body)
        return
    min_off = hdr_bytes_len + 4 + len(ext)
    off = min_off if vox_offset is None else vox_offset
    assert off >= min_off
    hdr['vox_offset'] = off
    blob = (hdr.binaryblock + struct.pack('4B', 1 if ext else 0, 0, 0, 0) + ext
            + gap * (off - min_off) + body)
    path = os.path.join(OUT, name)
    if name.endswith('.gz'):
        cuts = [0] + list(gz_members or []) + [len(blob)]
        gzb = b''.join(gzip.compress(blob[a:b], compresslevel=9, mtime=0)
                       for a, b in zip(cuts[:-1], cuts[1:]))
        with open(path, 'wb') as f:
            f.write(gzb)
    else:
        with open(path, 'wb') as f:
            f.write(blob)


# ---------------------------------------------------------------- synthetic

def qrot_setup(qfac, quat_bcd, qoffset, zooms, qcode=1, junk_sform=True):
    def setup(h):
        h['pixdim'][0] = qfac
        h['pixdim'][1:4] = zooms
        h['qform_code'] = qcode
        h['quatern_b'], h['quatern_c'], h['quatern_d'] = quat_bcd
        h['qoffset_x'], h['qoffset_y'], h['qoffset_z'] = qoffset
        h['sform_code'] = 0
        if junk_sform:  # must be ignored because sform_code == 0
            h['srow_x'] = [9, 8, 7, 6]
            h['srow_y'] = [5, 4, 3, 2]
            h['srow_z'] = [1, 2, 3, 4]
    return setup


def sform_setup(zooms=(2.0, 2.5, 3.0), tr=None, t_unit='sec', code=1,
                offset=(-20.0, -30.0, -40.0)):
    def setup(h):
        h['pixdim'][1:4] = zooms
        if tr is not None:
            h['pixdim'][4] = tr
        aff = np.diag(list(zooms) + [1.0])
        aff[:3, 3] = offset
        h.set_sform(aff, code=code)
        h['qform_code'] = 0
        h.set_xyzt_units('mm', t_unit)
    return setup


def set_raw(**fields):
    def setup(h):
        for k, v in fields.items():
            h[k] = v
    return setup


def chain(*fs):
    def setup(h):
        for f in fs:
            f(h)
    return setup


def axis_angle_bcd(axis, deg):
    axis = np.asarray(axis, float)
    axis /= np.linalg.norm(axis)
    s = math.sin(math.radians(deg) / 2)
    return tuple(float(x) for x in s * axis)


SYN = {}  # name -> (extra, companion-files)


def syn(name, extra, data, **kw):
    write_nifti(name, data, **kw)
    SYN[name] = extra
    # round-trip check: nibabel must read back exactly the raw values written
    img = load_image(os.path.join(OUT, name))
    raw = np.asanyarray(img.dataobj.get_unscaled())
    assert raw.shape == data.shape and raw.dtype.name == data.dtype.name, name
    assert np.array_equal(raw, data, equal_nan=data.dtype.kind == 'f'), name


def make_synthetic():
    std = sform_setup(tr=2.0)
    # ---- every NIfTI datatype nibabel supports for real data, 7x8x9 (x3)
    for dt, four in [('int8', False), ('uint8', True), ('int16', True),
                     ('uint16', False), ('int32', True), ('uint32', False),
                     ('int64', False), ('uint64', True), ('float32', True),
                     ('float64', False)]:
        shape = SHAPE4 if four else SHAPE3
        name = f'syn_dt_{dt}.nii'
        if dt.startswith('float'):
            d = float_data(dt, shape, name)
        else:
            d = int_data(np.dtype(dt), shape, name)
        syn(name, f'datatype {dt}, shape {shape}, little-endian, full value range incl. dtype min/max',
            d, setup=std)
    # ---- big-endian variants
    n = 'syn_be_int16_4d.nii'
    syn(n, 'big-endian int16 4-D', int_data(np.dtype('int16'), SHAPE4, n), endian='>', setup=std)
    n = 'syn_be_uint16.nii'
    syn(n, 'big-endian uint16 (values > 32767)', int_data(np.dtype('uint16'), SHAPE3, n), endian='>', setup=std)
    n = 'syn_be_int32.nii'
    syn(n, 'big-endian int32', int_data(np.dtype('int32'), SHAPE3, n), endian='>', setup=std)
    n = 'syn_be_uint64.nii'
    syn(n, 'big-endian uint64 (values >= 2^63)', int_data(np.dtype('uint64'), SHAPE3, n), endian='>', setup=std)
    n = 'syn_be_float64.nii'
    flat = float_data('float64', SHAPE3, n).reshape(-1, order='F')
    flat[:3] = [1.5e300, 5e-324, -2.5e-310]  # huge + subnormals, first voxels in file order
    syn(n, 'big-endian float64 incl. 1.5e300 and subnormals', flat.reshape(SHAPE3, order='F'),
        endian='>', setup=std)
    n = 'syn_be_float32_qform_rot.nii'
    syn(n, 'big-endian float32, qform-only rotation (qfac=-1) - swapped quaternion floats',
        float_data('float32', SHAPE3, n), endian='>',
        setup=qrot_setup(-1, axis_angle_bcd((1, 2, 3), 30), (-12.5, 30.25, 7.75), (2.0, 2.5, 3.0)))
    # ---- NIfTI-2
    n = 'syn_nifti2_float32_4d.nii'
    syn(n, 'NIfTI-2 single file, float32 4-D, little-endian', float_data('float32', SHAPE4, n),
        version=2, setup=std)
    n = 'syn_nifti2_be_int16.nii'
    syn(n, 'NIfTI-2 single file, big-endian int16, scl 2.5/-10',
        int_data(np.dtype('int16'), SHAPE3, n), version=2, endian='>',
        setup=chain(std, set_raw(scl_slope=2.5, scl_inter=-10)))
    n = 'syn_nifti2_qform_rot.nii.gz'
    syn(n, 'NIfTI-2 gzip, qform-only rotation (qfac=-1), float64 quaternion fields',
        small_int_data(np.int16, SHAPE3, n), version=2,
        setup=qrot_setup(-1, axis_angle_bcd((0, 1, 1), 45), (10.0, -20.5, 5.25), (1.5, 1.5, 2.0)))
    n = 'syn_nifti2_pair.hdr'
    syn(n, 'NIfTI-2 .hdr/.img pair (magic ni2), uint8 4-D', small_int_data(np.uint8, (5, 6, 7, 2), n),
        version=2, setup=std)
    # ---- NIfTI-1 pairs
    n = 'syn_pair_int16.hdr'
    syn(n, 'NIfTI-1 .hdr/.img pair (magic ni1, vox_offset 0), int16 4-D', int_data(np.dtype('int16'), SHAPE4, n),
        setup=std)
    n = 'syn_pair_be_float32.hdr'
    syn(n, 'NIfTI-1 .hdr/.img pair (ni1), big-endian float32, scl 2.5/-10',
        float_data('float32', SHAPE3, n), endian='>',
        setup=chain(std, set_raw(scl_slope=2.5, scl_inter=-10)))
    # ---- scaling
    n = 'syn_scaled_int16.nii'
    syn(n, 'scl_slope=2.5 scl_inter=-10 on int16', int_data(np.dtype('int16'), SHAPE3, n),
        setup=chain(std, set_raw(scl_slope=2.5, scl_inter=-10)))
    n = 'syn_scaled_uint8_4d.nii'
    syn(n, 'scl_slope=0.5 scl_inter=100 on uint8 4-D', int_data(np.dtype('uint8'), SHAPE4, n),
        setup=chain(std, set_raw(scl_slope=0.5, scl_inter=100)))
    n = 'syn_scaled_float32.nii'
    syn(n, 'scl_slope=2.5 scl_inter=-10 on float32 (scaling applies to floats too)',
        float_data('float32', SHAPE3, n), setup=chain(std, set_raw(scl_slope=2.5, scl_inter=-10)))
    n = 'syn_scaled_uint64.nii'
    syn(n, 'scl_slope=2.5 scl_inter=-10 on uint64 incl. 2^64-1 (float64 rounding)',
        int_data(np.dtype('uint64'), SHAPE3, n), setup=chain(std, set_raw(scl_slope=2.5, scl_inter=-10)))
    n = 'syn_slope0.nii'
    syn(n, 'scl_slope=0 scl_inter=5: slope 0 means no scaling, inter ignored',
        small_int_data(np.int16, SHAPE3, n), setup=chain(std, set_raw(scl_slope=0, scl_inter=5)))
    n = 'syn_slope_inf.nii'
    syn(n, 'scl_slope=+inf scl_inter=3: non-finite slope means no scaling',
        small_int_data(np.int16, SHAPE3, n), setup=chain(std, set_raw(scl_slope=np.inf, scl_inter=3)))
    # ---- orientation
    n = 'syn_qform_rot.nii'
    syn(n, 'qform only (sform_code 0, junk srow), 30deg rotation about (1,2,3), qfac=-1, qform_code 1',
        small_int_data(np.int16, SHAPE3, n),
        setup=qrot_setup(-1, axis_angle_bcd((1, 2, 3), 30), (-12.5, 30.25, 7.75), (2.0, 2.5, 3.0)))
    n = 'syn_qform_qfac_pos.nii'
    syn(n, 'qform only, 120deg rotation about (-1,1,0.5), qfac=+1, qform_code 2',
        small_int_data(np.int16, SHAPE3, n),
        setup=qrot_setup(1, axis_angle_bcd((-1, 1, 0.5), 120), (3.0, -4.0, 5.0), (1.0, 2.0, 3.0), qcode=2))
    n = 'syn_qform_qfac0.nii'
    syn(n, 'qform only with pixdim[0]=0 (invalid qfac, treated as +1)',
        small_int_data(np.int16, SHAPE3, n),
        setup=qrot_setup(0, axis_angle_bcd((0, 0, 1), 90), (1.0, 2.0, 3.0), (2.0, 2.0, 2.0)))
    n = 'syn_qform_180.nii'
    syn(n, 'qform only, 180deg about z: b=c=0, d=1, a computed as 0',
        small_int_data(np.int16, SHAPE3, n),
        setup=qrot_setup(-1, (0.0, 0.0, 1.0), (0.0, 0.0, 0.0), (1.0, 1.0, 1.0)))
    n = 'syn_sform_over_qform.nii'

    def both(h):
        qrot_setup(-1, axis_angle_bcd((1, 0, 0), 20), (1.0, 2.0, 3.0), (2.0, 2.5, 3.0), junk_sform=False)(h)
        aff = np.array([[-1.9, 0.2, 0.1, 90.0], [0.3, 2.4, -0.2, -126.0],
                        [0.05, 0.1, 2.9, -72.0], [0, 0, 0, 1]])  # oblique + shear
        h.set_sform(aff, code=4)
    syn(n, 'sform_code 4 (sheared oblique) and qform_code 1 disagree: sform wins',
        small_int_data(np.int16, SHAPE3, n), setup=both)
    n = 'syn_no_xform.nii'
    syn(n, 'sform_code 0 and qform_code 0 (junk quatern/srow): pixdim fallback affine',
        small_int_data(np.uint8, SHAPE3, n),
        setup=chain(set_raw(quatern_b=0.5, quatern_c=0.5, quatern_d=0.5, qoffset_x=11, srow_x=[1, 2, 3, 4]),
                    set_raw(qform_code=0, sform_code=0),
                    lambda h: h['pixdim'].__setitem__(slice(1, 4), [2.5, 3.0, 4.0])))
    n = 'syn_pixdim_fix_noxform.nii'
    syn(n, 'no xform, pixdim (-2, 0, 4): nibabel takes abs and 0->1 (zooms and fallback affine)',
        small_int_data(np.uint8, SHAPE3, n),
        setup=chain(set_raw(qform_code=0, sform_code=0),
                    lambda h: h['pixdim'].__setitem__(slice(0, 4), [1, -2.0, 0.0, 4.0])))
    # ---- time units / TR
    small4 = (3, 4, 5, 2)
    for n, unit, tr, extra in [
            ('syn_tr_sec.nii', 'sec', 2.5, 'xyzt_units sec, pixdim[4]=2.5 -> TR 2.5 s'),
            ('syn_tr_msec.nii', 'msec', 2000.0, 'xyzt_units msec, pixdim[4]=2000 -> TR 2.0 s'),
            ('syn_tr_usec.nii', 'usec', 1500000.0, 'xyzt_units usec, pixdim[4]=1.5e6 -> TR 1.5 s'),
            ('syn_tr_hz.nii', 'hz', 3.0, 'xyzt_units time=Hz (not a time unit) -> TR null'),
            ('syn_tr_unknown.nii', 'unknown', 2.0, 'xyzt_units time unknown (0) -> TR null'),
            ('syn_tr_implausible.nii', 'msec', 0.001, 'msec with pixdim[4]=0.001 -> 1e-6 s, stored as is')]:
        syn(n, extra, small_int_data(np.uint8, small4, n), setup=sform_setup(tr=tr, t_unit=unit))
    n = 'syn_tr_4d_single_volume.nii'
    syn(n, '4-D with one volume (dim[4]=1), msec, pixdim[4]=800 -> TR 0.8 s',
        small_int_data(np.uint8, (3, 4, 5, 1), n), setup=sform_setup(tr=800.0, t_unit='msec'))
    n = 'syn_3d_time_units_junk_dims.nii'
    syn(n, '3-D (dim[0]=3) but pixdim[4]=3 sec and junk dim[4]=5: TR null, shape 3-D',
        small_int_data(np.uint8, SHAPE3, n),
        setup=chain(sform_setup(tr=3.0), lambda h: h['dim'].__setitem__(4, 5)))
    n = 'syn_5d.nii'
    syn(n, '5-D (3,4,5,2,2): dim[0]=5, TR from pixdim[4] msec',
        small_int_data(np.int16, (3, 4, 5, 2, 2), n),
        setup=chain(sform_setup(tr=1200.0, t_unit='msec'), lambda h: h['pixdim'].__setitem__(5, 7.0)))
    # ---- NaN / Inf
    n = 'syn_nan_float32.nii'
    d = float_data('float32', SHAPE3, n)
    rng = np.random.default_rng(seed_for(n) + 1)
    d[rng.random(SHAPE3) < 0.1] = np.nan
    syn(n, 'float32 with ~10% NaN', d, setup=std)
    n = 'syn_nan_inf_float32_4d.nii'
    d = float_data('float32', (5, 6, 7, 2), n)
    rng = np.random.default_rng(seed_for(n) + 1)
    r = rng.random(d.shape)
    d[r < 0.05] = np.nan
    d[(r >= 0.05) & (r < 0.08)] = np.inf
    d[(r >= 0.08) & (r < 0.1)] = -np.inf
    syn(n, 'float32 4-D with NaN, +Inf, -Inf (Inf excluded from sum/min/max, not counted as NaN)', d, setup=std)
    # ---- gzip / offsets / extensions
    n = 'syn_gz_int16_4d.nii.gz'
    syn(n, 'plain single-member gzip, int16 4-D', int_data(np.dtype('int16'), SHAPE4, n), setup=std)
    n = 'syn_multimember.nii.gz'
    syn(n, 'two gzip members: .nii bytes split at offset 201 (inside the header)',
        int_data(np.dtype('int16'), SHAPE4, n), setup=std, gz_members=[201])
    n = 'syn_multimember3.nii.gz'
    syn(n, 'three gzip members: split at 352 (header end) and 3001 (mid-data), big-endian',
        int_data(np.dtype('int16'), SHAPE3, n), endian='>', setup=std, gz_members=[352, 3001])
    n = 'syn_ext_offset.nii'
    syn(n, 'NIfTI-1 with one comment extension (ecode 6, esize 48), vox_offset 400',
        small_int_data(np.int16, SHAPE3, n), setup=std,
        extensions=[(6, b'Voxelflow golden corpus extension')])
    n = 'syn_vox_offset_gap.nii'
    syn(n, 'extension flag 0 but vox_offset 512 with 0xAB junk in the gap (must seek to vox_offset)',
        small_int_data(np.int16, SHAPE3, n), setup=std, vox_offset=512, gap=b'\xab')
    n = 'syn_be_ext.nii'
    syn(n, 'big-endian NIfTI-1 with two extensions (esize/ecode big-endian)',
        small_int_data(np.int16, SHAPE3, n), endian='>', setup=std,
        extensions=[(6, b'first'), (4, b'<afni>x</afni>' * 3)])


# ---------------------------------------------------------------- golden

def sniff_version(path):
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        head = f.read(4)
    le, = struct.unpack('<i', head)
    be, = struct.unpack('>i', head)
    if 348 in (le, be):
        return 1
    if 540 in (le, be):
        return 2
    raise ValueError(f'{path}: not NIfTI (sizeof_hdr {le}/{be})')


def sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def load_image(path):
    """Load as plain NIfTI-1/2 image or pair (never as CIFTI-2 etc.)."""
    pair = path.endswith('.hdr')
    cls = {(1, False): nib.Nifti1Image, (1, True): nib.Nifti1Pair,
           (2, False): nib.Nifti2Image, (2, True): nib.Nifti2Pair}[(sniff_version(path), pair)]
    return cls.from_filename(path)


def describe(name, extra):
    path = os.path.join(OUT, name)
    pair = name.endswith('.hdr')
    ver = sniff_version(path)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        img = load_image(path)
        data = img.get_fdata()
    hdr = img.header
    # img.header has scl_* reset to NaN after load; read the on-disk header
    hcls = type(hdr)
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        disk_hdr = hcls.from_fileobj(f)
    slope, inter = disk_hdr.get_slope_inter()
    slope = 1.0 if slope is None else float(slope)
    inter = 0.0 if inter is None else float(inter)
    assert (slope, inter) == (float(img.dataobj.slope), float(img.dataobj.inter)), name
    shape = [int(s) for s in img.shape]
    tr = None
    if len(shape) >= 4:
        t_code = int(hdr['xyzt_units']) & 0x38
        if t_code in NIFTI_T_UNITS:
            tr = float(hdr['pixdim'][4]) / NIFTI_T_UNITS[t_code]
    finite = data[np.isfinite(data)]
    stats = {
        'sum': math.fsum(finite.ravel().tolist()) if finite.size else 0.0,
        'min': float(finite.min()) if finite.size else None,
        'max': float(finite.max()) if finite.size else None,
        'nan_count': int(np.isnan(data).sum()),
    }
    rec = {
        'shape': shape,
        'datatype': hdr.get_data_dtype().name,
        'byte_order': {'<': 'little', '>': 'big'}[hdr.endianness],
        'nifti_version': ver,
        'affine': [[float(x) for x in row] for row in img.affine],
        'voxel_sizes': [float(z) for z in hdr.get_zooms()],
        'tr_seconds': tr,
        'scl_slope': slope,
        'scl_inter': inter,
        'stats': stats,
        'sha256': sha256(path),
        'extra': extra,
    }
    if pair:
        rec['sha256_img'] = sha256(path[:-4] + '.img')
    notes = sorted({str(x.message) for x in w if 'unclosed' not in str(x.message)})
    return rec, notes


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, (src, _) in REAL.items():
        dst = os.path.join(OUT, name)
        if not os.path.exists(dst):
            shutil.copyfile(os.path.join(src, name), dst)
    for f in os.listdir(OUT):
        if f.startswith('syn_'):
            os.remove(os.path.join(OUT, f))
    make_synthetic()
    golden = {}
    for name, (_, extra) in REAL.items():
        golden[name], notes = describe(name, extra)
        for m in notes:
            print(f'{name}: nibabel: {m}', file=sys.stderr)
    for name, extra in SYN.items():
        golden[name], notes = describe(name, extra)
        for m in notes:
            print(f'{name}: nibabel: {m}', file=sys.stderr)
    with open(os.path.join(OUT, 'golden.json'), 'w') as f:
        json.dump(golden, f, indent=1, sort_keys=True, allow_nan=False)
        f.write('\n')
    print(f'wrote {len(golden)} entries to {os.path.join(OUT, "golden.json")}')


if __name__ == '__main__':
    main()
