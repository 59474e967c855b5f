/* Scalar "vector" layer: one lane, plain C (baseline flags; no FMA, which would be a libm call). */
typedef double vd;
#define SK_VD_N 1
#define SK_U 4
#define SK_U3 4
#define SK_VD_HAVE_PARTIAL 1
static inline vd vd_zero(void) { return 0.0; }
static inline vd vd_set1(double x) { return x; }
static inline vd vd_loadu(const double *p) { return *p; }
static inline vd vd_load_f32(const float *p) { return (double)*p; }
static inline vd vd_loadu_n(const double *p, size_t n) { (void)p; (void)n; return 0.0; } /* n is 0 */
static inline vd vd_load_f32_n(const float *p, size_t n) { (void)p; (void)n; return 0.0; }
static inline vd vd_add(vd a, vd b) { return a + b; }
static inline vd vd_sub(vd a, vd b) { return a - b; }
static inline vd vd_mul(vd a, vd b) { return a * b; }
static inline vd vd_fmadd(vd a, vd b, vd c) { return a * b + c; } /* -ffp-contract=off: not fused */
static inline double vd_hsum(vd a) { return a; }
