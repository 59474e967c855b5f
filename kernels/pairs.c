/* Vector-pair reductions (dot, squared euclidean, the three cosine sums), written once against
 * the vector layer and compiled once per ISA. U independent accumulators (SK_U, or SK_U3 when
 * three sums run together) hide the FMA latency; they are separate named variables, not an
 * array, so the compiler keeps every one in a register. The summation order depends only on n
 * and the ISA, so results are deterministic and independent of alignment. */
#include "kernels.h"
#include "simd/simd.h"
#include "protos.h"

/* REP(U, X) expands X(0) .. X(U-1); U is 4 or 8. */
#define REP4(X) X(0) X(1) X(2) X(3)
#define REP8(X) REP4(X) X(4) X(5) X(6) X(7)
#define REP(U, X) SK_CAT(REP, U)(X)

/* p##0, p##1 = pairwise sums of p##0 .. p##(U-1) (even and odd halves), fixed order */
#define FOLD4(p) (p##0 = vd_add(p##0, p##2), p##1 = vd_add(p##1, p##3))
#define FOLD8(p)                                                                      \
  (p##0 = vd_add(p##0, p##4), p##1 = vd_add(p##1, p##5), p##2 = vd_add(p##2, p##6), \
   p##3 = vd_add(p##3, p##7), FOLD4(p))
#define FOLD(U, p) SK_CAT(FOLD, U)(p)

/* Main loop over U-vector blocks (STEP(u, va, vb) with a literal u). The accumulators are then
 * folded into numbers 0 and 1, which take the remaining vectors two at a time (short vectors
 * keep two FMA chains, not one), then a last single vector and the zero-padded tail. The caller
 * adds 0 and 1. */
#define SK_PAIR_LOOP(U, a, b, n, STEP, FOLDS)                                     \
  do {                                                                            \
    size_t i_ = 0;                                                                \
    for (; i_ + (U) * SK_VD_N <= (n); i_ += (U) * SK_VD_N) {                      \
      REP(U, STEP##_AT)                                                           \
    }                                                                             \
    FOLDS;                                                                        \
    for (; i_ + 2 * SK_VD_N <= (n); i_ += 2 * SK_VD_N) {                          \
      STEP##_AT(0)                                                                \
      STEP##_AT(1)                                                                \
    }                                                                             \
    if (i_ + SK_VD_N <= (n)) {                                                    \
      STEP##_AT(0)                                                                \
      i_ += SK_VD_N;                                                              \
    }                                                                             \
    if (i_ < (n)) {                                                               \
      vd va = SK_LDN((a) + i_, (n)-i_), vb = SK_LDN((b) + i_, (n)-i_);            \
      STEP(1, va, vb);                                                            \
    }                                                                             \
  } while (0)

/* STEP##_AT(u): load vector u of the current block and apply STEP to accumulator u. */
#define AT(STEP, u)                                                 \
  {                                                                 \
    vd va = SK_LD(a + i_ + (size_t)(u)*SK_VD_N);                    \
    vd vb = SK_LD(b + i_ + (size_t)(u)*SK_VD_N);                    \
    STEP(u, va, vb);                                                \
  }

#define DECL4(p) vd p##0 = vd_zero(), p##1 = p##0, p##2 = p##0, p##3 = p##0
#define DECL8(p) DECL4(p), p##4 = p##0, p##5 = p##0, p##6 = p##0, p##7 = p##0
#define DECL(U, p) SK_CAT(DECL, U)(p)

#define DOT_STEP(u, va, vb) (acc##u = vd_fmadd(va, vb, acc##u))
#define DOT_STEP_AT(u) AT(DOT_STEP, u)
#define SQE_STEP(u, va, vb) \
  do { vd d_ = vd_sub(va, vb); acc##u = vd_fmadd(d_, d_, acc##u); } while (0)
#define SQE_STEP_AT(u) AT(SQE_STEP, u)
/* cos_many's two sums (a.b, b.b), and a.a beside them for the pair kernel */
#define COS2_STEP(u, va, vb)               \
  do {                                     \
    ab##u = vd_fmadd(va, vb, ab##u);       \
    bb##u = vd_fmadd(vb, vb, bb##u);       \
  } while (0)
#define COS2_STEP_AT(u) AT(COS2_STEP, u)
#define COS_STEP(u, va, vb)                \
  do {                                     \
    COS2_STEP(u, va, vb);                  \
    aa##u = vd_fmadd(va, va, aa##u);       \
  } while (0)
#define COS_STEP_AT(u) AT(COS_STEP, u)

#define DEFINE_PAIRS(T, S)                                                           \
  double SK_FN(dot_##S)(const T *a, const T *b, size_t n) {                          \
    DECL(SK_U, acc);                                                                       \
    SK_PAIR_LOOP(SK_U, a, b, n, DOT_STEP, FOLD(SK_U, acc));                          \
    return vd_hsum(vd_add(acc0, acc1));                                                            \
  }                                                                                  \
  double SK_FN(sqeuclidean_##S)(const T *a, const T *b, size_t n) {                  \
    DECL(SK_U, acc);                                                                       \
    SK_PAIR_LOOP(SK_U, a, b, n, SQE_STEP, FOLD(SK_U, acc));                          \
    return vd_hsum(vd_add(acc0, acc1));                                                            \
  }                                                                                  \
  void SK_FN(cos_sums_##S)(const T *a, const T *b, size_t n, double s[3]) {          \
    DECL(SK_U3, ab);                                                                        \
    DECL(SK_U3, aa);                                                                        \
    DECL(SK_U3, bb);                                                                        \
    SK_PAIR_LOOP(SK_U3, a, b, n, COS_STEP,                                           \
                 (FOLD(SK_U3, ab), FOLD(SK_U3, aa), FOLD(SK_U3, bb)));               \
    s[0] = vd_hsum(vd_add(ab0, ab1));                                                             \
    s[1] = vd_hsum(vd_add(aa0, aa1));                                                             \
    s[2] = vd_hsum(vd_add(bb0, bb1));                                                             \
  }

/* One query against many rows (cdist with one x row): cos_sums' a.b and b.b for each row, from
 * the query already widened to f64 (exact), in cos_sums' order, so every value has its bits;
 * a.a is the caller's (once). Two sums and one widening per vector instead of three and two. */
#define DEFINE_MANY(T, S)                                                                 \
  void SK_FN(cos_many_##S)(const double *a, const T *y, size_t ldy, size_t ny, size_t n,   \
                           double *ab, double *bb) {                                      \
    for (size_t j = 0; j < ny; j++) {                                                     \
      const T *b = y + j * ldy;                                                          \
      DECL(SK_U3, ab);                                                                    \
      DECL(SK_U3, bb);                                                                    \
      SK_PAIR_LOOP(SK_U3, a, b, n, COS2_STEP, (FOLD(SK_U3, ab), FOLD(SK_U3, bb)));        \
      ab[j] = vd_hsum(vd_add(ab0, ab1));                                                  \
      bb[j] = vd_hsum(vd_add(bb0, bb1));                                                  \
    }                                                                                     \
  }

DEFINE_PAIRS(float, f32)
DEFINE_PAIRS(double, f64)
DEFINE_MANY(float, f32)
DEFINE_MANY(double, f64)
