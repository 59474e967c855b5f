"""simdkern for numpy: scipy / scikit-learn compatible calls on simdkern's SIMD kernels.

The C library is loaded with ctypes (which releases the GIL for every call). Arrays are passed
without copying when their rows are contiguous (any row stride: it becomes the leading
dimension); other layouts are copied once.

    import simdkern
    D = simdkern.cdist(XA, XB, metric="euclidean")      # scipy.spatial.distance.cdist
    i, d = simdkern.pairwise_distances_argmin_min(X, C)  # sklearn.metrics
    simdkern.isa(); simdkern.set_isa("avx2"); simdkern.set_num_threads(2)
"""
import ctypes
import glob
import os

import numpy as np

__all__ = [
    "cdist", "euclidean_distances", "cosine_similarity", "pairwise_distances_argmin",
    "pairwise_distances_argmin_min", "rbf_kernel", "silhouette_score", "silhouette_samples",
    "topk", "dot", "argmin", "argmax", "zscore", "median", "nanmedian", "quantile", "nanquantile",
    "percentile", "nanpercentile", "median_abs_deviation", "median_mad", "ar1", "matmul", "isa", "set_isa", "set_num_threads",
    "SimdkernError",
]

_ISAS = ["scalar", "sse42", "avx2", "avx512", "neon"]
_METRIC = {"sqeuclidean": 0, "euclidean": 1, "dot": 2, "cosine_similarity": 3, "cosine": 4}


def _load():
    here = os.path.dirname(os.path.abspath(__file__))
    env = os.environ.get("SIMDKERN_LIBRARY")
    for path in ([env] if env else []) + sorted(glob.glob(os.path.join(here, "*simdkern_native*"))):
        return ctypes.CDLL(path)
    raise ImportError("simdkern: native library not found next to the package "
                      "(install with `pip install .`, or set SIMDKERN_LIBRARY)")


_lib = _load()
_S, _I, _D = ctypes.c_size_t, ctypes.c_int, ctypes.c_double
_P = ctypes.c_void_p
_lib.sk_status_str.restype = ctypes.c_char_p
_lib.sk_status_str.argtypes = [_I]
_lib.sk_isa_name.restype = ctypes.c_char_p
_lib.sk_isa_name.argtypes = [_I]
_lib.sk_isa_active.restype = _I
_lib.sk_isa_use.argtypes = [_I]
_lib.sk_set_num_threads.argtypes = [_S]
for _t in ("f32", "f64"):
    for _name, _args in {
        "sk_cdist_%s": [_I, _S, _S, _S, _P, _S, _P, _S, _P, _S],
        "sk_cdist_self_%s": [_I, _S, _S, _P, _S, _P, _S],
        "sk_cdist_argmin_%s": [_I, _S, _S, _S, _P, _S, _P, _S, _P, _P],
        "sk_topk_%s": [_P, _S, _S, _I, _P, _P],
        "sk_silhouette_%s": [_S, _S, _P, _S, _P, _S, _P, _P],
        "sk_rbf_kernel_%s": [_S, _S, _S, _P, _S, _P, _S, _D, _P, _S],
        "sk_dot_%s": [_P, _P, _S, _P],
        "sk_argmin_%s": [_P, _S, _S, _I, _P],
        "sk_argmax_%s": [_P, _S, _S, _I, _P],
        "sk_col_argmin_%s": [_S, _S, _P, _S, _I, _P],
        "sk_col_argmax_%s": [_S, _S, _P, _S, _I, _P],
        "sk_mean_var_%s": [_P, _S, _S, _S, _I, _P, _P],
        "sk_col_mean_var_%s": [_S, _S, _P, _S, _S, _I, _P, _P],
        "sk_col_zscore_%s": [_S, _S, _P, _S, _P, _P, _D, _P, _S],
        "sk_median_%s": [_P, _S, _S, _I, _P],
        "sk_median_mad_%s": [_P, _S, _S, _I, _P, _P],
        "sk_quantile_%s": [_P, _S, _S, _P, _S, _I, _I, _P],
        "sk_col_median_%s": [_S, _S, _P, _S, _I, _P],
        "sk_col_median_mad_%s": [_S, _S, _P, _S, _I, _P, _P],
        "sk_col_quantile_%s": [_S, _S, _P, _S, _P, _S, _I, _I, _P],
        "sk_ar1_%s": [_P, _S, _S, _P, _P],
        "sk_gemm_%s": [_I, _I, _S, _S, _S, None, _P, _S, _P, _S, None, _P, _S],
        "sk_col_ar1_%s": [_S, _S, _P, _S, _P, _P],
        "sk_col_fill_nonfinite_%s": [_S, _S, _P, _S, _P, _P, _S],
        "sk_lag_matrix_%s": [_S, _S, _P, _S, _S, _P, _S],
        "sk_norm_pvalue_%s": [_P, _S, _P],
        "sk_dft_power_%s": [_P, _S, _S, _S, _P],
    }.items():
        _f = getattr(_lib, _name % _t)
        _scalar = ctypes.c_float if _t == "f32" else _D  # GEMM's alpha/beta follow the type
        _f.argtypes, _f.restype = [_scalar if a is None else a for a in _args], _I


class SimdkernError(RuntimeError):
    """A kernel reported an error that is not a bad argument (out of memory, unsupported ISA)."""


def _check(status):
    if status == 0:
        return
    msg = "simdkern: " + _lib.sk_status_str(status).decode()
    if status == -1:
        raise ValueError(msg)
    if status == -2:
        raise MemoryError(msg)
    if status == -4:
        raise OverflowError(msg)
    raise SimdkernError(msg)


def _ptr(a):
    """Address of a's first element (None when empty). A writable C-contiguous array exports its
    buffer to ctypes in ~0.4 us; a.ctypes.data (~1.2 us, any array) covers the rest."""
    if not a.size:
        return None
    try:
        return ctypes.addressof(ctypes.c_char.from_buffer(a))
    except (TypeError, ValueError, BufferError):
        return a.ctypes.data


def _rows(a, dtype, name):
    """2-D array of `dtype` whose rows are contiguous, and its leading dimension (elements)."""
    a = np.asarray(a)
    if a.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array, got shape {a.shape}")
    if a.dtype != dtype:
        a = a.astype(dtype)
    item = a.dtype.itemsize
    if a.shape[1] > 1 and a.strides[1] != item or a.strides[0] <= 0 or a.strides[0] % item \
            or a.strides[0] // item < max(1, a.shape[1]):
        a = np.ascontiguousarray(a)
    ld = a.strides[0] // item if a.shape[0] > 1 else max(1, a.shape[1])
    return a, max(ld, a.shape[1], 1)


def _float_dtype(*arrays):
    """scikit-learn's rule: float32 when every input is float32, else float64."""
    return np.float32 if all(np.asarray(a).dtype == np.float32 for a in arrays) else np.float64


def _sfx(dtype):
    return "f32" if dtype == np.float32 else "f64"


def _pair_matrix(metric, X, Y, dtype):
    X, ldx = _rows(X, dtype, "X")
    Y, ldy = _rows(Y, dtype, "Y")
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"X and Y have {X.shape[1]} and {Y.shape[1]} columns")
    out = np.empty((X.shape[0], Y.shape[0]), dtype=dtype)
    fn = getattr(_lib, "sk_cdist_" + _sfx(dtype))
    _check(fn(_METRIC[metric], X.shape[0], Y.shape[0], X.shape[1], _ptr(X), ldx, _ptr(Y), ldy,
              _ptr(out), max(1, Y.shape[0])))
    return out


def cdist(XA, XB, metric="euclidean"):
    """scipy.spatial.distance.cdist for 'euclidean', 'sqeuclidean' and 'cosine' (float64 out)."""
    if metric not in ("euclidean", "sqeuclidean", "cosine"):
        raise ValueError(f"simdkern.cdist: unsupported metric {metric!r}")
    return _pair_matrix(metric, XA, XB, np.float64)


def euclidean_distances(X, Y=None, squared=False):
    """sklearn.metrics.pairwise.euclidean_distances, in the exact difference form."""
    Y = X if Y is None else Y
    return _pair_matrix("sqeuclidean" if squared else "euclidean", X, Y, _float_dtype(X, Y))


def cosine_similarity(X, Y=None):
    """sklearn.metrics.pairwise.cosine_similarity (zero rows give NaN here, 0 in scikit-learn)."""
    Y = X if Y is None else Y
    return _pair_matrix("cosine_similarity", X, Y, _float_dtype(X, Y))


def rbf_kernel(X, Y=None, gamma=None):
    """sklearn.metrics.pairwise.rbf_kernel: exp(-gamma |x - y|^2), gamma = 1 / n_features."""
    Y = X if Y is None else Y
    dtype = _float_dtype(X, Y)
    X, ldx = _rows(X, dtype, "X")
    Y, ldy = _rows(Y, dtype, "Y")
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"X and Y have {X.shape[1]} and {Y.shape[1]} columns")
    gamma = 1.0 / X.shape[1] if gamma is None else float(gamma)
    out = np.empty((X.shape[0], Y.shape[0]), dtype=dtype)
    _check(getattr(_lib, "sk_rbf_kernel_" + _sfx(dtype))(
        X.shape[0], Y.shape[0], X.shape[1], _ptr(X), ldx, _ptr(Y), ldy, gamma, _ptr(out),
        max(1, Y.shape[0])))
    return out


def _nearest(X, Y, metric, want_dist):
    metrics = {"euclidean": 1, "sqeuclidean": 0, "cosine": 4}
    if metric not in metrics:
        raise ValueError(f"simdkern: unsupported metric {metric!r}")
    dtype = _float_dtype(X, Y)
    X, ldx = _rows(X, dtype, "X")
    Y, ldy = _rows(Y, dtype, "Y")
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"X and Y have {X.shape[1]} and {Y.shape[1]} columns")
    if Y.shape[0] == 0:
        raise ValueError("Y has no rows")
    idx = np.empty(X.shape[0], dtype=np.uintp)
    dist = np.empty(X.shape[0], dtype=dtype) if want_dist else None
    _check(getattr(_lib, "sk_cdist_argmin_" + _sfx(dtype))(
        metrics[metric], X.shape[0], Y.shape[0], X.shape[1], _ptr(X), ldx, _ptr(Y), ldy,
        _ptr(idx), _ptr(dist) if want_dist else None))
    if X.shape[0] and np.any(idx == np.iinfo(np.uintp).max):
        raise ValueError("simdkern: a row of X has NaN distances to every row of Y")
    return idx.view(np.intp), dist  # indices < 2**63: the same bits, no copy


def pairwise_distances_argmin_min(X, Y, metric="euclidean"):
    """sklearn.metrics.pairwise_distances_argmin_min: (index of nearest Y row, its distance)."""
    return _nearest(X, Y, metric, True)


def pairwise_distances_argmin(X, Y, metric="euclidean"):
    """sklearn.metrics.pairwise_distances_argmin (the distances are not computed)."""
    return _nearest(X, Y, metric, False)[0]


def _silhouette(X, labels):
    dtype = np.float32 if np.asarray(X).dtype == np.float32 else np.float64
    X, ldx = _rows(X, dtype, "X")
    labels = np.asarray(labels)
    if labels.shape != (X.shape[0],):
        raise ValueError(f"labels must have shape ({X.shape[0]},), got {labels.shape}")
    uniq, codes = np.unique(labels, return_inverse=True)
    codes = np.ascontiguousarray(codes, dtype=np.uintp)
    score = ctypes.c_double()
    samples = np.empty(X.shape[0], dtype=dtype)
    _check(getattr(_lib, "sk_silhouette_" + _sfx(dtype))(
        X.shape[0], X.shape[1], _ptr(X), ldx, _ptr(codes), max(1, len(uniq)),
        ctypes.addressof(score), _ptr(samples)))
    return score.value, samples


def silhouette_score(X, labels, metric="euclidean"):
    """sklearn.metrics.silhouette_score (euclidean)."""
    if metric != "euclidean":
        raise ValueError(f"simdkern: unsupported metric {metric!r}")
    return _silhouette(X, labels)[0]


def silhouette_samples(X, labels, metric="euclidean"):
    """sklearn.metrics.silhouette_samples (euclidean)."""
    if metric != "euclidean":
        raise ValueError(f"simdkern: unsupported metric {metric!r}")
    return _silhouette(X, labels)[1]


def topk(a, k, largest=True):
    """(indices, values) of the k best entries of 1-D a, best first; ties to the lower index,
    NaN after every number."""
    a = np.asarray(a)
    dtype = np.float32 if a.dtype == np.float32 else np.float64
    a = np.ascontiguousarray(a, dtype=dtype)
    if a.ndim != 1:
        raise ValueError(f"topk needs a 1-D array, got shape {a.shape}")
    if not 0 <= k <= a.size:
        raise ValueError(f"k must be in [0, {a.size}], got {k}")
    idx = np.empty(k, dtype=np.uintp)
    val = np.empty(k, dtype=dtype)
    _check(getattr(_lib, "sk_topk_" + _sfx(dtype))(_ptr(a), a.size, k, 1 if largest else 0,
                                                    _ptr(idx), _ptr(val)))
    return idx.view(np.intp), val  # indices < 2**63: the same bits, no copy


def dot(a, b):
    """Dot product of two 1-D vectors, accumulated in float64 (also for float32 input)."""
    dtype = _float_dtype(a, b)
    a = np.ascontiguousarray(a, dtype=dtype)
    b = np.ascontiguousarray(b, dtype=dtype)
    if a.ndim != 1 or a.shape != b.shape:
        raise ValueError(f"dot needs two 1-D arrays of one length, got {a.shape} and {b.shape}")
    out = ctypes.c_double()
    _check(getattr(_lib, "sk_dot_" + _sfx(dtype))(_ptr(a), _ptr(b), a.size, ctypes.addressof(out)))
    return out.value


def _argbest(name, a, axis):
    a = np.asarray(a)
    dtype = np.float32 if a.dtype == np.float32 else np.float64
    a = a.astype(dtype, copy=False)
    if axis is None:
        a, axis = np.ascontiguousarray(a).reshape(-1), 0
    if a.ndim != 1 and not (a.ndim == 2 and axis in (0, 1, -1, -2)):
        raise ValueError("simdkern.%s: 1-D arrays, or 2-D with axis 0 or 1" % name)
    if a.shape[axis if a.ndim == 2 else 0] == 0:
        raise ValueError(f"attempt to get {name} of an empty sequence")  # numpy's message
    fn = getattr(_lib, "sk_%s_%s" % (name, _sfx(dtype)))
    idx = ctypes.c_size_t()
    item = a.dtype.itemsize
    if a.ndim == 1:
        if a.strides[0] <= 0 or a.strides[0] % item:
            a = np.ascontiguousarray(a)
        _check(fn(_ptr(a), a.size, a.strides[0] // item, 0, ctypes.addressof(idx)))
        return int(idx.value)
    axis %= 2
    lanes = a.shape[1 - axis]
    out = np.empty(lanes, dtype=np.intp)
    m = a if axis == 0 else a.T  # reduce down the rows of m
    if lanes and m.shape[1] > 0 and (m.shape[1] == 1 or m.strides[1] == item) \
            and m.strides[0] > 0 and m.strides[0] % item == 0 and m.strides[0] // item >= m.shape[1]:
        # rows of m are contiguous: the column kernel reads the matrix once, in row order
        col = getattr(_lib, "sk_col_%s_%s" % (name, _sfx(dtype)))
        res = np.empty(lanes, dtype=np.uintp)
        ld = m.strides[0] // item if m.shape[0] > 1 else m.shape[1]
        _check(col(m.shape[0], m.shape[1], _ptr(m), ld, 0, res.ctypes.data))
        return res.view(np.intp)
    if a.strides[0] <= 0 or a.strides[1] <= 0 or a.strides[0] % item or a.strides[1] % item:
        a = np.ascontiguousarray(a)
    for k in range(lanes):  # each lane read with its stride, no copy
        start = a[:, k] if axis == 0 else a[k, :]
        _check(fn(start.ctypes.data, a.shape[axis], start.strides[0] // item, 0, ctypes.addressof(idx)))
        out[k] = idx.value
    return out


def argmin(a, axis=None):
    """numpy.argmin: first index of the minimum; a NaN, if any, is the answer."""
    return _argbest("argmin", a, axis)


def argmax(a, axis=None):
    """numpy.argmax: first index of the maximum; a NaN, if any, is the answer."""
    return _argbest("argmax", a, axis)


def zscore(a, axis=0, ddof=0):
    """scipy.stats.zscore for 1-D or 2-D input (nan_policy='propagate'), f64 out for f64 input."""
    a = np.asarray(a)
    dtype = np.float32 if a.dtype == np.float32 else np.float64
    if a.ndim == 1:
        return zscore(a[:, None], 0, ddof)[:, 0]
    if a.ndim != 2 or axis not in (0, 1, -1, -2):
        raise ValueError("simdkern.zscore: 1-D, or 2-D with axis 0 or 1")
    if axis % 2 == 1:
        return zscore(a.T, 0, ddof).T
    x, ldx = _rows(a, dtype, "a")
    rows, cols = x.shape
    mean = np.empty(cols)
    var = np.empty(cols)
    sfx = _sfx(dtype)
    _check(getattr(_lib, "sk_col_mean_var_" + sfx)(rows, cols, _ptr(x), ldx, int(ddof), 0,
                                                    _ptr(mean), _ptr(var)))
    std = np.sqrt(var)
    out = np.empty((rows, cols), dtype=dtype)
    _check(getattr(_lib, "sk_col_zscore_" + sfx)(rows, cols, _ptr(x), ldx, _ptr(mean), _ptr(std),
                                                  0.0, _ptr(out), max(1, cols)))
    return out


_QMETHOD = {"linear": 0, "lower": 1, "higher": 2, "nearest": 3, "midpoint": 4}
_INPUT_PRECISION = 0x100


def _vec(a):
    """1-D float view (no copy for any positive element stride) and its stride."""
    item = a.dtype.itemsize
    if a.strides[0] <= 0 or a.strides[0] % item:
        a = np.ascontiguousarray(a)
    return a, (a.strides[0] // item if a.size > 1 else 1)


def _reduce_prep(a, axis):
    """(float array, axis): float32 stays, everything else becomes float64 (numpy's rule);
    axis None flattens; 2-D with axis 0/1 is supported."""
    a = np.asarray(a)
    dtype = np.float32 if a.dtype == np.float32 else np.float64
    a = a.astype(dtype, copy=False)
    if axis is None:
        return (a.reshape(-1) if a.ndim == 1 or a.flags.c_contiguous else a.ravel()), None
    if a.ndim == 1 and axis in (0, -1):
        return a, None
    if a.ndim != 2 or axis not in (0, 1, -1, -2):
        raise ValueError("simdkern: axis=None, 1-D, or 2-D with axis 0 or 1")
    return a, axis % 2


def _order_stat(kind, a, axis, nan, q=None, method="linear"):
    """median ('median'), quantiles ('quantile') or (median, mad) ('mad') along an axis."""
    a, axis = _reduce_prep(a, axis)
    dtype, sfx = a.dtype, _sfx(a.dtype)
    m = 0
    if kind == "quantile":
        if method not in _QMETHOD:
            raise ValueError(f"simdkern: unsupported method {method!r}; one of {list(_QMETHOD)}")
        weak = type(q) in (int, float)
        qa = np.ascontiguousarray(np.asarray(q, dtype=np.float64).reshape(-1))
        if not np.all((qa >= 0) & (qa <= 1)):
            raise ValueError("Quantiles must be in the range [0, 1]")
        m = _QMETHOD[method] | (_INPUT_PRECISION if weak and dtype == np.float32 else 0)
        nq = qa.size
    else:
        nq = 1
    if axis is None or a.ndim == 1:
        v, stride = _vec(a)
        out = np.empty(nq) if kind != "mad" else np.empty(2)
        if kind == "median":
            _check(getattr(_lib, "sk_median_" + sfx)(_ptr(v), v.size, stride, nan, _ptr(out)))
        elif kind == "mad":
            _check(getattr(_lib, "sk_median_mad_" + sfx)(_ptr(v), v.size, stride, nan,
                                                          out.ctypes.data, out.ctypes.data + 8))
        else:
            _check(getattr(_lib, "sk_quantile_" + sfx)(_ptr(v), v.size, stride, _ptr(qa), nq, m,
                                                        nan, _ptr(out)))
    else:
        if axis == 1:  # one call per row: rows are 1-D strided inputs
            res = [_order_stat(kind, a[i], None, nan, q, method) for i in range(a.shape[0])]
            if kind == "mad":
                return np.array([r[0] for r in res]), np.array([r[1] for r in res])
            res = np.array(res)
            return res.T if (kind == "quantile" and np.ndim(q) > 0) else res
        x, ldx = _rows(a, dtype, "a")
        rows, cols = x.shape
        out = np.empty((nq, cols)) if kind != "mad" else np.empty((2, cols))
        if kind == "median":
            _check(getattr(_lib, "sk_col_median_" + sfx)(rows, cols, _ptr(x), ldx, nan, _ptr(out)))
        elif kind == "mad":
            _check(getattr(_lib, "sk_col_median_mad_" + sfx)(rows, cols, _ptr(x), ldx, nan,
                                                              _ptr(out), out[1].ctypes.data))
        else:
            _check(getattr(_lib, "sk_col_quantile_" + sfx)(rows, cols, _ptr(x), ldx, _ptr(qa), nq,
                                                            m, nan, _ptr(out)))
    if kind == "mad":
        return out[0].astype(dtype), out[1].astype(dtype)
    if kind == "quantile":
        shape = np.shape(q) + out.shape[1:] if axis is not None and a.ndim == 2 else np.shape(q)
        # numpy: float32 data gives float32 for a Python scalar q, float64 for an array q
        # (the discrete methods take elements: always the input's dtype)
        rdt = dtype if (weak or dtype == np.float64 or method in ("lower", "higher", "nearest")) \
            else np.float64
        if nan and (axis is None or a.ndim == 1) and np.isnan(out).all() and np.isnan(a).all():
            rdt = dtype  # numpy's nanquantile of no numbers: NaN in the input's dtype
        res = out.reshape(shape).astype(rdt)
        return res[()] if res.ndim == 0 else res
    res = out[0].astype(dtype)
    return res[()] if res.ndim == 0 else res


def _median_1d(a, nan):
    """The common case without the general path's bookkeeping (~5 us of a 1e4 median): a
    contiguous, non-empty 1-D float64/float32 array. None when a is anything else."""
    if type(a) is not np.ndarray or a.ndim != 1 or not a.size or not a.flags.c_contiguous:
        return None
    dt = a.dtype
    if dt != np.float64 and dt != np.float32:
        return None
    out = ctypes.c_double()
    fn = _lib.sk_median_f64 if dt == np.float64 else _lib.sk_median_f32
    _check(fn(_ptr(a), a.size, 1, nan, ctypes.addressof(out)))
    return dt.type(out.value)


def median(a, axis=None):
    """numpy.median (NaN if any value is NaN), 1-D or 2-D, by selection without sorting a copy."""
    r = _median_1d(a, 0) if axis is None else None
    return _order_stat("median", a, axis, 0) if r is None else r


def nanmedian(a, axis=None):
    """numpy.nanmedian: NaN values ignored."""
    r = _median_1d(a, 1) if axis is None else None
    return _order_stat("median", a, axis, 1) if r is None else r


def quantile(a, q, axis=None, method="linear"):
    """numpy.quantile, bit for bit, for methods linear, lower, higher, nearest, midpoint."""
    return _order_stat("quantile", a, axis, 0, q, method)


def nanquantile(a, q, axis=None, method="linear"):
    """numpy.nanquantile."""
    return _order_stat("quantile", a, axis, 1, q, method)


def _percentile(a, q, axis, method, nan):
    weak = type(q) in (int, float)  # a Python scalar q stays one (numpy's float32 result rule)
    q = np.true_divide(q, 100)
    return _order_stat("quantile", a, axis, nan, float(q) if weak else q, method)


def percentile(a, q, axis=None, method="linear"):
    """numpy.percentile (q in [0, 100])."""
    return _percentile(a, q, axis, method, 0)


def nanpercentile(a, q, axis=None, method="linear"):
    """numpy.nanpercentile."""
    return _percentile(a, q, axis, method, 1)


def median_abs_deviation(x, axis=0, scale=1.0, nan_policy="propagate"):
    """scipy.stats.median_abs_deviation with the default center (the median)."""
    return median_mad(x, axis, scale, nan_policy)[1]


def median_mad(x, axis=0, scale=1.0, nan_policy="propagate"):
    """(median, median_abs_deviation) in one call: the median the MAD is centred on comes for
    free, so robust z-scores need two selections per column, not three. The median is
    numpy.median's (numpy.nanmedian's with nan_policy='omit'); the MAD is scipy's."""
    if nan_policy not in ("propagate", "omit", "raise"):
        raise ValueError(f"nan_policy must be 'propagate', 'omit' or 'raise', got {nan_policy!r}")
    if isinstance(scale, str):
        if scale.lower() != "normal":
            raise ValueError(f"{scale} is not a valid scale value.")
        scale = 0.6744897501960817  # scipy's normal quantile at 0.75
    xa = np.asarray(x)
    if nan_policy == "raise" and np.isnan(xa).any():
        raise ValueError("The input contains nan values")
    med, mad = _order_stat("mad", xa, axis, 1 if nan_policy == "omit" else 0)
    return med, mad / scale


def ar1(x, axis=0, return_mean=False):
    """AR(1) coefficient phi along an axis: non-finite values dropped, the kept sequence centred
    by its mean mu, phi = sum(xc[t] xc[t-1]) / sum(xc[t-1]^2); fewer than 3 kept values or a zero
    denominator give 0. float64 results; (phi, mu) with return_mean=True."""
    a = np.asarray(x)
    dtype = np.float32 if a.dtype == np.float32 else np.float64
    a = a.astype(dtype, copy=False)
    sfx, item = _sfx(dtype), a.dtype.itemsize
    if a.ndim == 1 or axis is None:
        v = a.reshape(-1) if a.ndim == 1 else np.ascontiguousarray(a).reshape(-1)
        if v.strides[0] <= 0 or v.strides[0] % item:  # a reversed view is copied, not reversed
            v = np.ascontiguousarray(v)
        phi, mu = ctypes.c_double(), ctypes.c_double()
        _check(getattr(_lib, "sk_ar1_" + sfx)(_ptr(v), v.size, max(1, v.strides[0] // item),
                                               ctypes.addressof(phi), ctypes.addressof(mu)))
        return (phi.value, mu.value) if return_mean else phi.value
    if a.ndim != 2 or axis not in (0, 1, -1, -2):
        raise ValueError("simdkern.ar1: 1-D, or 2-D with axis 0 or 1")
    m = a if axis % 2 == 0 else a.T  # series run down the columns of m
    m, ld = _rows(m, dtype, "x")
    phi, mu = np.empty(m.shape[1]), np.empty(m.shape[1])
    _check(getattr(_lib, "sk_col_ar1_" + sfx)(m.shape[0], m.shape[1], _ptr(m), ld, _ptr(phi), _ptr(mu)))
    return (phi, mu) if return_mean else phi


def _cols(x):
    """(2-D float array with contiguous rows, leading dimension, 1-D input?, dtype): float32
    stays float32, everything else becomes float64; a 1-D input is one column."""
    a = np.asarray(x)
    dtype = np.float32 if a.dtype == np.float32 else np.float64
    if a.ndim not in (1, 2):
        raise ValueError(f"simdkern: 1-D or 2-D input, got shape {a.shape}")
    one = a.ndim == 1
    m, ld = _rows(a[:, None] if one else a, dtype, "x")
    return m, ld, one, dtype


def fill_nonfinite(x, fill):
    """x with its non-finite entries (NaN, +-Inf) replaced by fill (a scalar, or one value per
    column of a 2-D x): numpy.where(numpy.isfinite(x), x, fill) in one pass, float32 kept."""
    m, ld, one, dtype = _cols(x)
    rows, cols = m.shape
    f = np.ascontiguousarray(np.broadcast_to(np.asarray(fill, dtype=np.float64), (cols,)))
    out = np.empty((rows, cols), dtype=dtype)
    _check(getattr(_lib, "sk_col_fill_nonfinite_" + _sfx(dtype))(rows, cols, _ptr(m), ld, _ptr(f),
                                                                  _ptr(out), max(1, cols)))
    return out[:, 0] if one else out


def lag_matrix(x, max_lag):
    """Lagged copies of each column: out[r, j * (max_lag + 1) + l] = x[r - l, j], NaN for r < l
    (a 1-D x gives shape (n, max_lag + 1)). The lagged-feature layout of
    pandas.concat([df.shift(l) for l in range(max_lag + 1)]) with each column's lags adjacent;
    float32 kept. Runs on sk_set_num_threads threads."""
    if int(max_lag) < 0:
        raise ValueError("simdkern.lag_matrix: max_lag must be >= 0")
    m, ld, one, dtype = _cols(x)
    rows, cols = m.shape
    w = cols * (int(max_lag) + 1)
    out = np.empty((rows, w), dtype=dtype)
    _check(getattr(_lib, "sk_lag_matrix_" + _sfx(dtype))(rows, cols, _ptr(m), ld, int(max_lag),
                                                          _ptr(out), max(1, w)))
    return out


def norm_pvalue(z):
    """Two-sided normal p-values 2 * scipy.stats.norm.sf(|z|) (erfc(|z| / sqrt(2)) through
    SLEEF, a few ulp in float64); float32 kept, any shape."""
    a = np.asarray(z)
    dtype = np.float32 if a.dtype == np.float32 else np.float64
    v = np.ascontiguousarray(a, dtype=dtype)
    out = np.empty_like(v)
    _check(getattr(_lib, "sk_norm_pvalue_" + _sfx(dtype))(_ptr(v), v.size, _ptr(out)))
    return out


def dft_power(x, nbins=None):
    """|numpy.fft.fft(x)[:nbins]|^2 of a 1-D signal by direct sums in float64 (O(n * nbins):
    for few bins or odd lengths; bins >= n repeat periodically); nbins defaults to n; float32
    kept."""
    a = np.asarray(x)
    if a.ndim != 1:
        raise ValueError("simdkern.dft_power: a 1-D signal")
    dtype = np.float32 if a.dtype == np.float32 else np.float64
    v, stride = _vec(a.astype(dtype, copy=False))
    nb = v.size if nbins is None else int(nbins)
    if nb < 0:
        raise ValueError("simdkern.dft_power: nbins must be >= 0")
    out = np.empty(nb, dtype=dtype)
    _check(getattr(_lib, "sk_dft_power_" + _sfx(dtype))(_ptr(v), v.size, stride, nb, _ptr(out)))
    return out


def _gemm_operand(x, dtype):
    """(trans flag, row-major array, leading dimension) without copying C- or F-ordered data."""
    item = np.dtype(dtype).itemsize
    if x.ndim == 2 and x.shape[1] > 1 and x.strides[1] != item and x.strides[0] == item \
            and x.strides[1] > 0 and x.strides[1] % item == 0 and x.strides[1] // item >= x.shape[0]:
        return 1, x.T, x.strides[1] // item  # a transposed view: read it with SK_TRANS
    r, ld = _rows(x, dtype, "operand")
    return 0, r, ld


def matmul(a, b):
    """numpy.matmul for 1-D/2-D float arrays (sgemm when both are float32, else dgemm); C- or
    Fortran-ordered and strided-row operands are read in place (transposes become SK_TRANS)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.ndim not in (1, 2) or b.ndim not in (1, 2):
        raise ValueError("simdkern.matmul: 1-D or 2-D operands")
    dtype = _float_dtype(a, b)
    a2 = a.reshape(1, -1) if a.ndim == 1 else a
    b2 = b.reshape(-1, 1) if b.ndim == 1 else b
    if a2.shape[1] != b2.shape[0]:
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape} do not align")
    m, k, n = a2.shape[0], a2.shape[1], b2.shape[1]
    ta, A, lda = _gemm_operand(a2.astype(dtype, copy=False), dtype)
    tb, B, ldb = _gemm_operand(b2.astype(dtype, copy=False), dtype)
    c = np.empty((m, n), dtype=dtype)
    _check(getattr(_lib, "sk_gemm_" + _sfx(dtype))(ta, tb, m, n, k, 1.0, _ptr(A), lda, _ptr(B), ldb,
                                                    0.0, _ptr(c), max(1, n)))
    if a.ndim == 1 and b.ndim == 1:
        return c[0, 0]
    return c[0] if a.ndim == 1 else (c[:, 0] if b.ndim == 1 else c)


def isa():
    """Name of the kernel table in use ('scalar', 'sse42', 'avx2', 'avx512' or 'neon')."""
    return _lib.sk_isa_name(_lib.sk_isa_active()).decode()


def set_isa(name):
    """Switch kernel tables; ValueError for an unknown name, SimdkernError if this CPU lacks it."""
    if name not in _ISAS:
        raise ValueError(f"unknown ISA {name!r}; one of {_ISAS}")
    _check(_lib.sk_isa_use(_ISAS.index(name)))


def set_num_threads(n):
    """Threads for matrix-sized kernels and long 1-D selections (0 = all cores); results are the
    same bits for any count."""
    _check(_lib.sk_set_num_threads(int(n)))
