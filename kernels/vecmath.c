/* Vector math through SLEEF's per-ISA entry points: two-sided normal p-values (erfc) and the DFT
 * power spectrum (sincospi twiddles). Compiled once per ISA; f32 data is computed in f64 lanes
 * and rounded once on store. */
#include <math.h>
#include <stdint.h>

#include "kernels.h"
#include "simd/simd.h"
#include "protos.h"

/* 1/sqrt(2) = C_HI + C_LO, and C_HI split in 26-bit halves for Dekker's exact product */
#define C_HI 0x1.6a09e667f3bcdp-1
#define C_LO -0x1.bdd3413b26456p-55
#define C_HH 0x1.6a09e68000000p-1
#define C_HL -0x1.80c4330000000p-29
#define TWO_OVER_SQRTPI 0x1.20dd750429b6dp+0

/* erfc(|z| / sqrt(2)). The argument is formed as xh + xl exactly (Dekker): rounding it to one
 * double would cost up to 2 x^2 ulp of relative error (~1000 ulp near z = 38, where the result
 * underflows), so SLEEF's erfc(xh) is corrected to first order, erfc(xh + xl) = erfc(xh) -
 * xl * 2/sqrt(pi) * exp(-xh^2). |z| is capped at 64 (the result is 0 from ~38.6 on) so the split
 * cannot overflow; NaN compares false everywhere and comes out NaN. */
static inline vd pvalue(vd z) {
  vd zero = vd_zero(), cap = vd_set1(64.0);
  vd a = vd_blend(vd_lt(z, zero), vd_sub(zero, z), z);
  a = vd_blend(vd_gt(a, cap), cap, a);
  vd xh = vd_mul(a, vd_set1(C_HI));
  vd sp = vd_mul(a, vd_set1(134217729.0)), ah = vd_sub(sp, vd_sub(sp, a)), al = vd_sub(a, ah);
  vd hh = vd_set1(C_HH), hl = vd_set1(C_HL);
  vd err = vd_add(vd_add(vd_add(vd_sub(vd_mul(ah, hh), xh), vd_mul(ah, hl)), vd_mul(al, hh)),
                  vd_mul(al, hl));
  vd xl = vd_add(err, vd_mul(a, vd_set1(C_LO)));
  vd g = vd_exp(vd_sub(zero, vd_mul(xh, xh)));
  return vd_sub(vd_erfc(xh), vd_mul(vd_mul(xl, vd_set1(TWO_OVER_SQRTPI)), g));
}

/* out may be z itself: each vector is loaded before it is stored */
#define DEFINE_PVALUE(T, S)                                                                      \
  void SK_FN(norm_pvalue_##S)(const T *z, size_t n, T *out) {                                    \
    size_t i = 0;                                                                                \
    for (; i + SK_VD_N <= n; i += SK_VD_N) SK_ST(out + i, pvalue(SK_LD(z + i)));                 \
    if (i < n) SK_STN(out + i, pvalue(SK_LDN(z + i, n - i)), n - i);                             \
  }
DEFINE_PVALUE(float, f32)
DEFINE_PVALUE(double, f64)

/* cs[m] = cos(2 pi m / n), cs[n + m] = sin(2 pi m / n) for m < n: sincospi of 2m/n (one rounding
 * of the argument, no multiplication by a rounded pi). */
void SK_FN(dft_twiddles)(size_t n, double *cs) {
  double a[SK_VD_N], dn = (double)n;
  for (size_t m = 0; m < n; m += SK_VD_N) {
    size_t k = n - m < SK_VD_N ? n - m : SK_VD_N;
    for (size_t l = 0; l < SK_VD_N; l++) a[l] = l < k ? (double)(2 * (m + l)) / dn : 0.0;
    vd s, c;
    vd_sincospi(vd_loadu(a), &s, &c);
    if (k == SK_VD_N) {
      vd_storeu(cs + m, c);
      vd_storeu(cs + n + m, s);
    } else {
      vd_storeu_n(cs + m, c, k);
      vd_storeu_n(cs + n + m, s, k);
    }
  }
}

/* |sum_t x[t] exp(-2 pi i k t / n)|^2 for one bin k < n, x contiguous. The angle index (k t) mod n
 * is exact integer arithmetic; twiddles come from the table. Blocks of B = SK_DFT_U vectors: with
 * t = t0 + j, the angle is phi(t0) + psi(j), so each block takes two dot products with the bin's
 * fixed lane twiddles psi(0..B-1) and one rotation by the broadcast phi(t0) (every product is
 * independent: no error build-up as in a recurrence). */
#define SK_DFT_U 4
double SK_FN(dft_bin)(const double *x, size_t n, const double *cs, size_t k) {
  enum { B = SK_DFT_U * SK_VD_N };
  const double *tc = cs, *ts = cs + n;
  double wc[B], ws[B];
  size_t idx = 0;
  for (size_t j = 0; j < B; j++) { /* idx = k j mod n (k < n) */
    wc[j] = tc[idx], ws[j] = ts[idx];
    idx += k;
    if (idx >= n) idx -= n;
  }
  size_t step = idx, i0 = 0, t = 0; /* step = k B mod n; i0 = k t mod n */
  vd ac = vd_zero(), as = vd_zero();
  for (; t + B <= n; t += B) {
    vd pc = vd_zero(), ps = vd_zero();
    for (int u = 0; u < SK_DFT_U; u++) {
      vd xv = vd_loadu(x + t + u * SK_VD_N);
      pc = vd_fmadd(xv, vd_loadu(wc + u * SK_VD_N), pc);
      ps = vd_fmadd(xv, vd_loadu(ws + u * SK_VD_N), ps);
    }
    vd c0 = vd_set1(tc[i0]), s0 = vd_set1(ts[i0]);
    ac = vd_add(ac, vd_sub(vd_mul(c0, pc), vd_mul(s0, ps)));
    as = vd_add(as, vd_add(vd_mul(s0, pc), vd_mul(c0, ps)));
    i0 += step;
    if (i0 >= n) i0 -= n;
  }
  double re = vd_hsum(ac), im = vd_hsum(as);
  for (; t < n; t++) {
    re += x[t] * tc[i0], im += x[t] * ts[i0];
    i0 += k;
    if (i0 >= n) i0 -= n;
  }
  return re * re + im * im;
}
