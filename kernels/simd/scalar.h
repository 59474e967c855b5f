/* Scalar "vector" layer: one lane, plain C (baseline flags; no FMA, which would be a libm call). */
typedef double vd;
#define SK_VD_N 1
#define SK_U 4
#define SK_U3 4
#define SK_VD_HAVE_PARTIAL 1
#define SK_VF_HAVE_PARTIAL 1
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
static inline void vd_storeu(double *p, vd v) { *p = v; }
static inline void vd_storeu_n(double *p, vd v, size_t n) { (void)p; (void)v; (void)n; }
static inline vd vd_sqrt(vd a) { return __builtin_sqrt(a); }
static inline vd vd_div(vd a, vd b) { return a / b; }
static inline vd vd_min(vd a, vd b) { return a < b ? a : b; }
static inline double vd_hmin(vd a) { return a; }

/* f32 lanes (matrix kernels accumulate in the input type, like BLAS) */
typedef float vf;
#define SK_VF_N 1
static inline vf vf_zero(void) { return 0.0f; }
static inline vf vf_set1(float x) { return x; }
static inline vf vf_loadu(const float *p) { return *p; }
static inline vf vf_loadu_n(const float *p, size_t n) { (void)p; (void)n; return 0.0f; }
static inline void vf_storeu(float *p, vf v) { *p = v; }
static inline void vf_storeu_n(float *p, vf v, size_t n) { (void)p; (void)v; (void)n; }
static inline vf vf_add(vf a, vf b) { return a + b; }
static inline vf vf_sub(vf a, vf b) { return a - b; }
static inline vf vf_mul(vf a, vf b) { return a * b; }
static inline vf vf_fmadd(vf a, vf b, vf c) { return a * b + c; }
static inline vf vf_sqrt(vf a) { return __builtin_sqrtf(a); }
static inline vf vf_min(vf a, vf b) { return a < b ? a : b; }
static inline float vf_hmin(vf a) { return a; }
/* register tile of the matrix kernels: SK_MR rows x SK_NV vectors */
#define SK_MR 4
#define SK_NV 4
#define SK_SLEEF_EXPD Sleef_exp_u10
#define SK_SLEEF_EXPF Sleef_expf_u10
#define SK_SLEEF_ERFCD Sleef_erfc_u15
#define SK_SLEEF_SINCOSPID Sleef_sincospi_u05
/* narrowing f64 -> f32 store; "streaming" stores are plain stores */
#define SK_VD_HAVE_STORE_F32_N 1
static inline void vd_storeu_f32(float *p, vd v) { *p = (float)v; }
static inline void vd_storeu_f32_n(float *p, vd v, size_t n) { (void)p; (void)v; (void)n; } /* n is 0 */
static inline void vd_stream(double *p, vd v) { *p = v; }
static inline void vf_stream(float *p, vf v) { *p = v; }
static inline void sk_stream_fence(void) {}
static inline int vd_any_lt(vd a, vd b) { return a < b; }
static inline int vd_any_gt(vd a, vd b) { return a > b; }
static inline int vf_any_lt(vf a, vf b) { return a < b; }
static inline unsigned vf_lt_bits(vf a, vf b) { return a < b; }
static inline int vf_any_gt(vf a, vf b) { return a > b; }
/* lane masks */
typedef int vdm;
static inline vdm vd_lt(vd a, vd b) { return a < b; }
static inline vdm vd_gt(vd a, vd b) { return a > b; }
static inline vdm vd_isnan(vd a) { return a != a; }
static inline vdm vdm_or(vdm a, vdm b) { return a | b; }
static inline int vdm_any(vdm m) { return m != 0; }
static inline vd vd_blend(vdm m, vd a, vd b) { return m ? a : b; } /* m ? a : b per lane */
/* selection: lane counters, closed compares */
typedef size_t vdc;
static inline vdc vdc_zero(void) { return 0; }
static inline vdc vdc_add(vdc c, vdm m) { return c + (size_t)m; }
static inline size_t vdc_sum(vdc c) { return c; }
static inline vdm vd_le(vd a, vd b) { return a <= b; }
static inline vdm vdm_andnot(vdm a, vdm b) { return (!a) & b; }
static inline unsigned vdm_bits(vdm m) { return (unsigned)m; }
static inline vd vd_abs(vd a) { return __builtin_fabs(a); }
static inline vd vd_round_f32(vd a) { return (double)(float)a; }
static inline void vdc_lanes(uint64_t *out, vdc c) { *out = c; }
