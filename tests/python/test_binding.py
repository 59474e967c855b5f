"""The numpy binding against scipy / scikit-learn on the same arrays, on every ISA this CPU runs
(others are reported as skipped), with strided and non-contiguous inputs and bad arguments."""
import numpy as np
import pytest
import scipy.spatial.distance as ssd
import sklearn.metrics as skm
import sklearn.metrics.pairwise as skp

import simdkern

ISAS = ["scalar", "sse42", "avx2", "avx512", "neon"]


@pytest.fixture(params=ISAS)
def isa(request):
    try:
        simdkern.set_isa(request.param)
    except simdkern.SimdkernError:
        pytest.skip(f"{request.param} is not runnable on this CPU")
    yield request.param
    simdkern.set_isa("scalar")  # then back to the best below
    for name in reversed(ISAS):
        try:
            simdkern.set_isa(name)
            break
        except simdkern.SimdkernError:
            continue


def data(n, d, dtype, seed):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, d)) * 3 + 1).astype(dtype)


RTOL = {np.float64: 1e-12, np.float32: 2e-5}


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("metric", ["euclidean", "sqeuclidean", "cosine"])
def test_cdist_matches_scipy(isa, dtype, metric):
    x, y = data(37, 13, dtype, 1), data(29, 13, dtype, 2)
    got = simdkern.cdist(x, y, metric=metric)
    want = ssd.cdist(x, y, metric=metric)
    assert got.dtype == np.float64  # scipy's rule: doubles out
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sklearn_pairwise(isa, dtype):
    x, y = data(41, 9, dtype, 3), data(23, 9, dtype, 4)
    exact = ssd.cdist(x.astype(np.float64), y.astype(np.float64))
    d = simdkern.euclidean_distances(x, y)
    assert d.dtype == dtype  # scikit-learn's rule: float32 stays float32
    np.testing.assert_allclose(d, exact, rtol=RTOL[dtype] * 10)
    np.testing.assert_allclose(simdkern.euclidean_distances(x, y, squared=True), exact**2, rtol=RTOL[dtype] * 10)
    np.testing.assert_allclose(simdkern.cosine_similarity(x, y), skp.cosine_similarity(x, y),
                               rtol=RTOL[dtype] * 10, atol=RTOL[dtype] * 10)
    np.testing.assert_allclose(simdkern.rbf_kernel(x, y, gamma=0.05), skp.rbf_kernel(x, y, gamma=0.05),
                               rtol=RTOL[dtype] * 100)
    np.testing.assert_allclose(simdkern.rbf_kernel(x), skp.rbf_kernel(x), rtol=RTOL[dtype] * 100)
    assert np.all(np.diag(simdkern.euclidean_distances(x)) == 0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_argmin_matches_sklearn(isa, dtype):
    x, c = data(500, 6, dtype, 5), data(17, 6, dtype, 6)
    idx, dist = simdkern.pairwise_distances_argmin_min(x, c)
    exact = ssd.cdist(x.astype(np.float64), c.astype(np.float64))
    np.testing.assert_array_equal(idx, np.argmin(exact, axis=1))
    np.testing.assert_allclose(dist, exact.min(axis=1), rtol=RTOL[dtype] * 10)
    np.testing.assert_array_equal(simdkern.pairwise_distances_argmin(x, c), idx)
    # duplicated centre: the lower index wins
    c2 = np.vstack([c, c[3:4]])
    assert np.all(simdkern.pairwise_distances_argmin(c[3:4], c2) == 3)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_silhouette_matches_sklearn(isa, dtype):
    x = data(300, 5, dtype, 7)
    labels = np.random.default_rng(8).integers(0, 4, 300)
    x[labels == 1] += 4
    labels[17] = 9  # a singleton cluster, and label values need not be 0..k-1
    want = skm.silhouette_score(x.astype(np.float64), labels)
    assert simdkern.silhouette_score(x, labels) == pytest.approx(want, rel=RTOL[dtype] * 100)
    np.testing.assert_allclose(simdkern.silhouette_samples(x, labels),
                               skm.silhouette_samples(x.astype(np.float64), labels),
                               rtol=RTOL[dtype] * 100, atol=RTOL[dtype] * 100)


def test_topk_and_dot(isa):
    a = np.array([3.0, np.nan, 7.0, 7.0, -1.0, 2.0])
    idx, val = simdkern.topk(a, 3)
    assert list(idx) == [2, 3, 0] and list(val) == [7.0, 7.0, 3.0]
    idx, _ = simdkern.topk(a, 6, largest=False)
    assert list(idx) == [4, 5, 0, 2, 3, 1]
    x, y = data(1, 1000, np.float32, 9)[0], data(1, 1000, np.float32, 10)[0]
    assert simdkern.dot(x, y) == pytest.approx(float(np.dot(x.astype(np.float64), y.astype(np.float64))), rel=1e-12)


def test_strided_and_non_contiguous_inputs():
    base = data(80, 30, np.float64, 11)
    views = {
        "row-strided slice": base[::2, :7],       # zero-copy: leading dimension 60
        "column slice": base[:, 3:10],             # zero-copy: leading dimension 30
        "fortran order": np.asfortranarray(base[:40, :7]),
        "transposed": base[:7, :40].T,
        "negative stride": base[::-1, :7],
    }
    y = data(12, 7, np.float64, 12)
    for name, v in views.items():
        np.testing.assert_allclose(simdkern.cdist(v, y), ssd.cdist(v, y), rtol=1e-12, err_msg=name)
        np.testing.assert_allclose(simdkern.cdist(y, v, "cosine"), ssd.cdist(y, v, "cosine"),
                                   rtol=1e-12, atol=1e-12, err_msg=name)
    before = base.copy()
    simdkern.euclidean_distances(base[::3], base[1::5])
    np.testing.assert_array_equal(base, before)  # inputs never modified


def test_bad_arguments_raise():
    x = data(5, 3, np.float64, 13)
    with pytest.raises(ValueError):
        simdkern.cdist(x, data(5, 4, np.float64, 1))     # column mismatch
    with pytest.raises(ValueError):
        simdkern.cdist(x[0], x)                          # 1-D
    with pytest.raises(ValueError):
        simdkern.cdist(x, x, metric="cityblock")
    with pytest.raises(ValueError):
        simdkern.silhouette_score(x, np.zeros(5))        # one cluster
    with pytest.raises(ValueError):
        simdkern.silhouette_score(x, np.zeros(4))        # wrong length
    with pytest.raises(ValueError):
        simdkern.topk(x[0], 7)
    with pytest.raises(ValueError):
        simdkern.set_isa("mmx")
    with pytest.raises((ValueError, TypeError)):
        simdkern.cdist(np.array([["a", "b"]]), x[:, :2])
    xn = x.copy()
    xn[1, 1] = np.nan
    with pytest.raises(ValueError):
        simdkern.silhouette_score(xn, [0, 0, 1, 1, 1])  # scikit-learn rejects NaN too


def test_integer_input_is_converted():
    xi = np.arange(12).reshape(4, 3)
    np.testing.assert_allclose(simdkern.cdist(xi, xi), ssd.cdist(xi, xi))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_argmin_argmax_match_numpy(isa, dtype):
    rng = np.random.default_rng(20)
    a = rng.integers(-5, 5, (40, 13)).astype(dtype)  # ties everywhere
    for axis in (None, 0, 1):
        np.testing.assert_array_equal(simdkern.argmin(a, axis=axis), np.argmin(a, axis=axis))
        np.testing.assert_array_equal(simdkern.argmax(a, axis=axis), np.argmax(a, axis=axis))
    a[7, 3] = np.nan
    for axis in (None, 0, 1):
        np.testing.assert_array_equal(simdkern.argmin(a, axis=axis), np.argmin(a, axis=axis))
        np.testing.assert_array_equal(simdkern.argmax(a, axis=axis), np.argmax(a, axis=axis))
    assert simdkern.argmin(a[::-3, 2]) == np.argmin(a[::-3, 2])
    # layouts: C (column kernel for axis 0), Fortran (column kernel on the transpose for axis 1),
    # sliced views with ld > cols, reversed rows (strided fallback)
    for v in (a, np.asfortranarray(a), a[:, 1:9], a[::2, ::3], a[::-1], a[:1]):
        for axis in (0, 1):
            np.testing.assert_array_equal(simdkern.argmin(v, axis=axis), np.argmin(v, axis=axis))
            np.testing.assert_array_equal(simdkern.argmax(v, axis=axis), np.argmax(v, axis=axis))
    with pytest.raises(ValueError):
        simdkern.argmin(np.array([]))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_zscore_matches_scipy(isa, dtype):
    import scipy.stats
    a = (np.random.default_rng(21).standard_normal((500, 9)) + 1e4).astype(dtype)
    for axis in (0, 1):
        for ddof in (0, 1):
            np.testing.assert_allclose(simdkern.zscore(a, axis=axis, ddof=ddof),
                                       scipy.stats.zscore(a.astype(np.float64), axis=axis, ddof=ddof),
                                       rtol=1e-9 if dtype == np.float64 else 2e-3, atol=1e-9 if dtype == np.float64 else 2e-3)
    b = a.astype(np.float64).copy()
    b[4, 2] = np.nan
    got, want = simdkern.zscore(b), scipy.stats.zscore(b)
    assert np.all(np.isnan(got[:, 2])) and np.all(np.isnan(want[:, 2]))
    np.testing.assert_allclose(np.delete(got, 2, axis=1), np.delete(want, 2, axis=1), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(simdkern.zscore(a[:, 0]), scipy.stats.zscore(a[:, 0].astype(np.float64)),
                               rtol=1e-9 if dtype == np.float64 else 2e-3, atol=2e-3)


def _same(got, want):
    """bitwise equality of values and dtype (NaN equals NaN; zeros of either sign are equal)"""
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert np.array_equal(got, want, equal_nan=True), (got, want)


def _arrays(dtype):
    rng = np.random.default_rng(7)
    out = []
    for n in (1, 2, 5, 100, 2049, 30001):
        a = (rng.standard_normal(n) * 10).astype(dtype)
        out.append(a)
        b = a.copy()
        b[rng.integers(0, n, n // 7 + 1)] = np.nan
        out.append(b)
        c = a.copy()
        c[rng.integers(0, n, n // 5 + 1)] = np.inf
        c[rng.integers(0, n, n // 9 + 1)] = -np.inf
        out.append(c)
        out.append(rng.integers(0, 3, n).astype(dtype))  # few distinct values
    return out


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_median_quantile_mad_match_numpy_scipy(isa, dtype):
    import warnings
    import scipy.stats as ss
    qs = [0.0, 1e-9, 0.25, 0.5, 0.77, 1 - 1e-9, 1.0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for a in _arrays(dtype):
            _same(simdkern.median(a), np.median(a))
            _same(simdkern.nanmedian(a), np.nanmedian(a))
            for method in ("linear", "lower", "higher", "nearest", "midpoint"):
                _same(simdkern.quantile(a, qs, method=method), np.quantile(a, qs, method=method))
                _same(simdkern.nanquantile(a, qs, method=method), np.nanquantile(a, qs, method=method))
                _same(simdkern.quantile(a, 0.3, method=method), np.quantile(a, 0.3, method=method))
                _same(simdkern.percentile(a, 95, method=method), np.percentile(a, 95, method=method))
                _same(simdkern.nanpercentile(a, [5, 50], method=method),
                      np.nanpercentile(a, [5, 50], method=method))
            for pol in ("propagate", "omit"):
                _same(simdkern.median_abs_deviation(a, nan_policy=pol),
                      ss.median_abs_deviation(a, nan_policy=pol))
            _same(simdkern.median_abs_deviation(a, scale="normal", nan_policy="omit"),
                  ss.median_abs_deviation(a, scale="normal", nan_policy="omit"))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_long_order_statistics_on_threads(isa, dtype):
    """1-D passes long enough to run in chunks on 2 and 3 threads: still numpy's and scipy's
    values, bit for bit"""
    import scipy.stats as ss
    rng = np.random.default_rng(11)
    a = (rng.standard_normal(1_200_001) * 5 + 2).astype(dtype)
    b = a.copy()
    b[rng.integers(0, a.size, 5000)] = np.nan
    pct = [1, 5, 25, 50, 75, 95, 99]
    want = [np.median(a), np.percentile(a, pct), np.nanmedian(b), np.nanpercentile(b, pct),
            ss.median_abs_deviation(a), ss.median_abs_deviation(b, nan_policy="omit")]
    try:
        for t in (2, 3):
            simdkern.set_num_threads(t)
            got = [simdkern.median(a), simdkern.percentile(a, pct), simdkern.nanmedian(b),
                   simdkern.nanpercentile(b, pct), simdkern.median_abs_deviation(a),
                   simdkern.median_abs_deviation(b, nan_policy="omit")]
            for g, w in zip(got, want):
                _same(g, w)
    finally:
        simdkern.set_num_threads(1)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_series_and_vector_math(isa, dtype):
    """lag_matrix and fill_nonfinite against numpy, exactly; norm_pvalue against scipy and
    dft_power against numpy's FFT, to rounding"""
    import scipy.stats as ss
    rng = np.random.default_rng(5)
    x = rng.standard_normal((3001, 7)).astype(dtype)
    x[::13, 2] = np.nan
    x[5, 3], x[9, 0] = np.inf, -np.inf
    for L in (0, 1, 4):
        ref = np.full((x.shape[0], x.shape[1], L + 1), np.nan, dtype=dtype)
        for lag in range(L + 1):
            ref[lag:, :, lag] = x[: x.shape[0] - lag]
        got = simdkern.lag_matrix(x, L)
        assert got.dtype == dtype
        assert np.array_equal(got, ref.reshape(x.shape[0], -1), equal_nan=True)
        assert np.array_equal(simdkern.lag_matrix(x[::2, 1], L)[:, L],
                              np.concatenate([np.full(L, np.nan, dtype), x[::2, 1][:-L or None]]),
                              equal_nan=True)
    fill = np.arange(7.0) - 3.5
    got = simdkern.fill_nonfinite(x, fill)
    assert got.dtype == dtype and np.array_equal(got, np.where(np.isfinite(x), x, fill.astype(dtype)))
    _same(simdkern.fill_nonfinite(x[:, 2], 0.5), np.where(np.isfinite(x[:, 2]), x[:, 2], dtype(0.5)))
    z = (rng.standard_normal(1001) * 3).astype(dtype)
    p = simdkern.norm_pvalue(z)
    want = 2 * ss.norm.sf(np.abs(z.astype(np.float64)))
    assert p.dtype == dtype
    assert np.allclose(p, want, rtol=1e-13 if dtype == np.float64 else 2e-7, atol=0)
    edge = simdkern.norm_pvalue(np.array([0.0, np.inf, -np.inf, np.nan, 40.0], dtype=dtype))
    assert edge[0] == 1 and edge[1] == 0 and edge[2] == 0 and np.isnan(edge[3]) and 0 <= float(edge[4]) < 1e-300
    sig = rng.standard_normal(257).astype(dtype)
    ref = np.abs(np.fft.fft(sig.astype(np.float64))) ** 2
    tol = 257 * 1e-15 * np.sum(np.abs(sig.astype(np.float64))) ** 2
    got = simdkern.dft_power(sig, 300)  # bins past n repeat
    assert got.dtype == dtype
    assert np.allclose(got[:257], ref, rtol=2e-6 if dtype == np.float32 else 0, atol=tol)
    assert np.allclose(got[257:], ref[:43], rtol=2e-6 if dtype == np.float32 else 0, atol=tol)
    with pytest.raises(ValueError):
        simdkern.lag_matrix(x, -1)
    with pytest.raises(ValueError):
        simdkern.dft_power(x)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_median_quantile_mad_axes_and_strides(isa, dtype):
    import scipy.stats as ss
    rng = np.random.default_rng(3)
    X = (rng.standard_normal((3001, 9)) * 5).astype(dtype)
    X[rng.integers(0, 3001, 40), rng.integers(0, 9, 40)] = np.nan
    for A in (X, X[::3, ::2], X[:, 1:7], np.asfortranarray(X)):
        for axis in (0, 1, None):
            _same(simdkern.median(A, axis=axis), np.median(A, axis=axis))
            _same(simdkern.nanmedian(A, axis=axis), np.nanmedian(A, axis=axis))
            _same(simdkern.quantile(A, [0.1, 0.9], axis=axis), np.quantile(A, [0.1, 0.9], axis=axis))
            _same(simdkern.nanquantile(A, 0.25, axis=axis), np.nanquantile(A, 0.25, axis=axis))
            _same(simdkern.median_abs_deviation(A, axis=axis, nan_policy="omit"),
                  ss.median_abs_deviation(A, axis=axis, nan_policy="omit"))
            for pol, med in (("propagate", np.median), ("omit", np.nanmedian)):
                m, d = simdkern.median_mad(A, axis=axis, nan_policy=pol)
                _same(m, med(A, axis=axis))
                _same(d, ss.median_abs_deviation(A, axis=axis, nan_policy=pol))
    v = X[:, 4]  # a strided column, passed without a copy
    _same(simdkern.nanmedian(v), np.nanmedian(v))


def test_order_statistics_bad_arguments():
    a = np.arange(10.0)
    with pytest.raises(ValueError):
        simdkern.quantile(a, 1.5)
    with pytest.raises(ValueError):
        simdkern.quantile(a, [0.5, np.nan])
    with pytest.raises(ValueError):
        simdkern.percentile(a, -1)
    with pytest.raises(ValueError):
        simdkern.quantile(a, 0.5, method="hazen")
    with pytest.raises(ValueError):
        simdkern.median_abs_deviation(a, nan_policy="bogus")
    with pytest.raises(ValueError):
        simdkern.median_abs_deviation(np.array([1.0, np.nan]), nan_policy="raise")
    with pytest.raises(ValueError):
        simdkern.median(np.zeros((2, 2, 2)), axis=0)
    assert np.isnan(simdkern.median(np.array([])))
    assert simdkern.median(np.array([3, 1, 2])) == 2.0  # integers become float64


def _ar1_ref(v):
    v = np.asarray(v, dtype=np.float64)
    k = v[np.isfinite(v)]
    if k.size == 0:
        return 0.0, np.nan
    mu = k.mean()
    c = k - mu
    den = np.dot(c[:-1], c[:-1])
    return (0.0 if k.size < 3 or den == 0 else np.dot(c[1:], c[:-1]) / den), mu


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_ar1_matches_numpy_reference(isa, dtype):
    rng = np.random.default_rng(5)
    e = rng.standard_normal((4000, 6))
    X = np.empty_like(e)
    X[0] = e[0]
    for t in range(1, 4000):
        X[t] = 0.6 * X[t - 1] + e[t]
    X = (X + 1e3).astype(dtype)
    X[rng.integers(0, 4000, 50), rng.integers(0, 6, 50)] = np.nan
    X[7, 2] = np.inf
    for A, axis in ((X, 0), (X.T, 1), (np.asfortranarray(X), 0), (X[::2, 1:5], 0)):
        phi, mu = simdkern.ar1(A, axis=axis, return_mean=True)
        B = A if axis == 0 else A.T
        for j in range(B.shape[1]):
            rp, rm = _ar1_ref(B[:, j])
            assert abs(phi[j] - rp) <= 1e-9 and abs(mu[j] - rm) <= 1e-9 * abs(rm)
    v = X[:, 3]
    assert abs(simdkern.ar1(v) - _ar1_ref(v)[0]) <= 1e-9
    assert simdkern.ar1(np.array([1.0, np.nan])) == 0.0
    assert np.isnan(simdkern.ar1(np.array([np.nan]), return_mean=True)[1])


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_matmul_matches_numpy(isa, dtype):
    rng = np.random.default_rng(11)
    tol = 1e-12 if dtype == np.float64 else 2e-5
    for m, k, n in ((1, 1, 1), (3, 7, 5), (64, 65, 63), (257, 17, 9), (10000, 5, 50), (0, 3, 4), (4, 0, 3)):
        A = rng.standard_normal((m, k)).astype(dtype)
        B = rng.standard_normal((k, n)).astype(dtype)
        for a, b in ((A, B), (np.asfortranarray(A), B), (A, np.asfortranarray(B)),
                     (np.ascontiguousarray(A.T).T, np.ascontiguousarray(B.T).T)):
            got, want = simdkern.matmul(a, b), a @ b
            assert got.dtype == want.dtype and got.shape == want.shape
            scale = np.abs(a) @ np.abs(b) + 1e-30
            assert np.all(np.abs(got - want) <= tol * (k + 2) * scale)
    v = rng.standard_normal(7).astype(dtype)
    M = rng.standard_normal((7, 3)).astype(dtype)
    assert np.allclose(simdkern.matmul(v, M), v @ M, rtol=1e-4)
    assert np.allclose(simdkern.matmul(M.T, v), M.T @ v, rtol=1e-4)
    with pytest.raises(ValueError):
        simdkern.matmul(np.ones((2, 3)), np.ones((2, 3)))
