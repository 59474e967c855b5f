/* Public distance-matrix entry points for one element type; included by api_dist.c with
 * T = double / S = f64 and T = float / S = f32. Validation, buffers, threads and the rare-range
 * handling live here; the arithmetic is the active table's. */

#define F(name) SK_CAT(name, S)
#define TSZ sizeof(T)

/* y rows packed into the table's panels (64-byte aligned; free with free()). */
static T *F(pack_)(const sk_kernels *K, const T *y, size_t ldy, size_t ny, size_t d, sk_status *st) {
  size_t nr = K->F(nr_), np = (ny + nr - 1) / nr, bytes;
  if (!sk_mul_ok(np * nr, d ? d : 1, TSZ, &bytes) || bytes > SIZE_MAX - 64) {
    *st = SK_EOVERFLOW;
    return NULL;
  }
  T *yp = aligned_alloc(64, (bytes + 63) / 64 * 64);
  if (!yp) {
    *st = SK_ENOMEM;
    return NULL;
  }
  K->F(pack_)(y, ldy, ny, d, yp);
  return yp;
}

/* Cosine needs each row's norm and a dot product that neither overflows nor underflows in T.
 * Rows are scale-free for cosine, so when some row's magnitude is outside [COS_LO, COS_HI] the
 * rows are copied, each scaled by a power of two (exact) to a max |x| in [0.5, 1). norm[i] is
 * the reciprocal of the f64 norm of the row used (the kernels multiply: see cos_rows in
 * dist_tile.h), NaN for zero, NaN or infinite rows (they then give NaN). */
/* max |x| of a row; NaN if the row has one (written as a compare: gcc 12's aarch64 vectorizer
 * crashes on the fmax reduction) */
static double F(row_maxabs_)(const T *r, size_t d) {
  double m = 0;
  for (size_t k = 0; k < d; k++) {
    double v = fabs((double)r[k]);
    m = v > m || v != v ? v : m;
  }
  return m;
}

static sk_status F(cos_prep_)(const sk_kernels *K, const T *x, size_t n, size_t d, size_t ld,
                              const T **xs, size_t *lds, T **owned, double *norm) {
  /* A row's f64 sum of squares s bounds its max |x|: max^2 <= s <= d * max^2 (rounding aside), so
   * s inside [2 d COS_LO^2, COS_HI^2 / 2] proves the row in range without a max scan; only rows
   * outside it (or zero, huge, NaN) are scanned. Its root is the norm when no row needs scaling. */
  double lo2 = 2.0 * (double)d * COS_LO * COS_LO, hi2 = 0.5 * COS_HI * COS_HI;
  int need = 0;
  *xs = x;
  *lds = ld;
  *owned = NULL;
  for (size_t i = 0; i < n; i++) {
    double s = K->F(dot_)(x + i * ld, x + i * ld, d);
    norm[i] = s > 0 && isfinite(s) ? 1 / sqrt(s) : NAN;
    if (!need && !(s >= lo2 && s <= hi2)) {
      double m = F(row_maxabs_)(x + i * ld, d);
      need = isfinite(m) && m > 0 && (m < COS_LO || m > COS_HI);
    }
  }
  if (!need) return SK_OK;
  size_t bytes;
  if (!sk_mul_ok(n, d, TSZ, &bytes)) return SK_EOVERFLOW;
  T *c = malloc(bytes ? bytes : 1);
  if (!c) return SK_ENOMEM;
  for (size_t i = 0; i < n; i++) {
    double m = F(row_maxabs_)(x + i * ld, d);
    int e = 0;
    if (isfinite(m) && m > 0) frexp(m, &e);
    for (size_t k = 0; k < d; k++) c[i * d + k] = (T)ldexp((double)x[i * ld + k], -e);
    double s = K->F(dot_)(c + i * d, c + i * d, d);
    norm[i] = s > 0 && isfinite(s) ? 1 / sqrt(s) : NAN;
  }
  *xs = c;
  *lds = d;
  *owned = c;
  return SK_OK;
}

/* The operands of a tiled call: x and y as the kernels read them (rescaled copies for cosine
 * when needed), their reciprocal cosine norms, and y packed into panels. */
typedef struct {
  const T *x, *y;
  size_t ldx, ldy;
  double *xn, *yn;
  T *xo, *yo, *yp;
} F(ops_);

static void F(release_)(F(ops_) *o) {
  free(o->yp);
  free(o->xo);
  free(o->yo);
  if (o->yn != o->xn) free(o->yn);
  free(o->xn);
}

/* y == x (self) shares x's copy and norms. On failure everything is released. */
static sk_status F(prepare_)(const sk_kernels *K, int cos, int self, const T *x, size_t nx,
                             size_t ldx, const T *y, size_t ny, size_t ldy, size_t d, F(ops_) *o) {
  *o = (F(ops_)){x, y, ldx, ldy, NULL, NULL, NULL, NULL, NULL};
  sk_status st = SK_OK;
  if (cos) {
    o->xn = malloc(nx * sizeof *o->xn);
    o->yn = self ? o->xn : malloc(ny * sizeof *o->yn);
    if (!o->xn || !o->yn) st = SK_ENOMEM;
    if (st == SK_OK) st = F(cos_prep_)(K, x, nx, d, ldx, &o->x, &o->ldx, &o->xo, o->xn);
    if (st == SK_OK && !self) st = F(cos_prep_)(K, y, ny, d, ldy, &o->y, &o->ldy, &o->yo, o->yn);
  }
  if (self) o->y = o->x, o->ldy = o->ldx;
  if (st == SK_OK) o->yp = F(pack_)(K, o->y, o->ldy, ny, d, &st);
  if (st != SK_OK) F(release_)(o);
  return st;
}

/* One block of x rows through the table: distances, dot products (then cosine), or RBF. */
typedef struct {
  const sk_kernels *K;
  int kind;
  const T *x, *yp;
  size_t ldx, nx, ny, d, ldo, rows; /* rows per block */
  double gamma;
  const double *xn, *yn; /* cosine: reciprocal norms */
  T *out;
  int self; /* cdist_self: only columns from the block's first panel on */
} F(job_);

static void F(dist_block_)(void *ctx, size_t b) {
  const F(job_) *j = ctx;
  size_t i0 = b * j->rows, m = j->nx - i0 < j->rows ? j->nx - i0 : j->rows;
  size_t nr = j->K->F(nr_), c0 = j->self ? i0 / nr * nr : 0;
  int cos = j->kind == SK_METRIC_COSINE_SIMILARITY || j->kind == SK_METRIC_COSINE_DISTANCE;
  j->K->F(dist_)(cos ? SK_KIND_DOT : j->kind, j->x + i0 * j->ldx, j->ldx, m, j->yp + c0 * j->d,
                 j->ny - c0, j->d, j->gamma, j->out + i0 * j->ldo + c0, j->ldo);
  if (cos)
    j->K->F(cos_rows_)(j->kind == SK_METRIC_COSINE_DISTANCE, j->out + i0 * j->ldo + c0, j->ldo, m,
                       j->ny - c0, j->xn + i0, j->yn + c0);
}

/* Validates a cdist-shaped call. */
static sk_status F(check_)(int metric, size_t nx, size_t ny, size_t d, const T *x, size_t ldx,
                           const T *y, size_t ldy, const void *out, size_t ldo) {
  if ((unsigned)metric > SK_METRIC_COSINE_DISTANCE && metric != SK_KIND_RBF) return SK_EINVAL;
  sk_status st = sk_check_mat(nx, d, x, ldx, TSZ);
  if (st == SK_OK) st = sk_check_mat(ny, d, y, ldy, TSZ);
  if (st == SK_OK) st = sk_check_mat(nx, ny, out, ldo, TSZ);
  if (st != SK_OK) return st;
  size_t ob = sk_extent(nx, ny, ldo, TSZ);
  if (sk_overlap(out, ob, x, sk_extent(nx, d, ldx, TSZ)) || sk_overlap(out, ob, y, sk_extent(ny, d, ldy, TSZ)))
    return SK_EINVAL;
  return SK_OK;
}

/* The shared body of cdist, cdist_self (y == x) and rbf_kernel. */
static sk_status F(cdist_any_)(int kind, size_t nx, size_t ny, size_t d, const T *x, size_t ldx,
                               const T *y, size_t ldy, double gamma, T *out, size_t ldo, int self) {
  if (!nx || !ny) return SK_OK;
  int cos = kind == SK_METRIC_COSINE_SIMILARITY || kind == SK_METRIC_COSINE_DISTANCE;
  if (d == 0) { /* empty sums: 0 distance, 0 dot, cosine of zero vectors is NaN, rbf 1 */
    for (size_t i = 0; i < nx; i++)
      for (size_t j = 0; j < ny; j++) out[i * ldo + j] = cos ? (T)NAN : kind == SK_KIND_RBF ? 1 : 0;
    return SK_OK;
  }
  const sk_kernels *K = SK_K;
  F(ops_) o;
  sk_status st = F(prepare_)(K, cos, self, x, nx, ldx, y, ny, ldy, d, &o);
  if (st != SK_OK) return st;
  size_t rows = K->mr * 8;
  F(job_) job = {K, kind, o.x, o.yp, o.ldx, nx, ny, d, ldo, rows, gamma, o.xn, o.yn, out, self};
  sk_parallel_blocks((nx + rows - 1) / rows, 2.0 * (double)nx * (double)ny * (double)d,
                     F(dist_block_), &job);
  if (self) { /* mirror the computed upper triangle; fix the diagonal */
    for (size_t i = 0; i < nx; i++) {
      for (size_t j = 0; j < i; j++) out[i * ldo + j] = out[j * ldo + i];
      if (cos) {
        double c;
        F(sk_cosine_similarity_)(x + i * ldx, x + i * ldx, d, &c);
        out[i * ldo + i] = (T)(kind == SK_METRIC_COSINE_DISTANCE ? 1.0 - c : c);
      }
    }
  }
  F(release_)(&o);
  return SK_OK;
}

/* Cosine for a query or two: a.a once, a.b and b.b of each row from the many-rows kernel
 * (one streaming loop over y, the query widened once); every value is sk_cosine_similarity's
 * for the pair, bit for bit. */
static sk_status F(cos_queries_)(int dist, size_t nx, size_t ny, size_t d, const T *x, size_t ldx,
                                 const T *y, size_t ldy, T *out, size_t ldo) {
  enum { B = 256 };
  double *qa = malloc((d + 2 * B) * sizeof *qa), *ab = qa + d, *bb = ab + B;
  if (!qa) return SK_ENOMEM;
  const sk_kernels *K = SK_K;
  for (size_t i = 0; i < nx; i++) {
    const T *a = x + i * ldx;
    double s[3];
    K->F(cos_sums_)(a, a, d, s); /* s[1] = a.a, in the order cos_sums takes it with any b */
    for (size_t k = 0; k < d; k++) qa[k] = (double)a[k];
    for (size_t j0 = 0; j0 < ny; j0 += B) {
      size_t nb = ny - j0 < B ? ny - j0 : B;
      K->F(cos_many_)(qa, y + j0 * ldy, ldy, nb, d, ab, bb);
      for (size_t j = 0; j < nb; j++) {
        double t[3] = {ab[j], s[1], bb[j]};
        double v = F(sk_cos_finish_)(a, y + (j0 + j) * ldy, d, t);
        out[i * ldo + j0 + j] = (T)(dist ? 1.0 - v : v);
      }
    }
  }
  free(qa);
  return SK_OK;
}

sk_status F(sk_cdist_)(sk_metric m, size_t nx, size_t ny, size_t d, const T *x, size_t ldx,
                       const T *y, size_t ldy, T *out, size_t ldo) {
  if ((unsigned)m > SK_METRIC_COSINE_DISTANCE) return SK_EINVAL;
  sk_status st = F(check_)((int)m, nx, ny, d, x, ldx, y, ldy, out, ldo);
  if (st != SK_OK) return st;
  if (nx <= 2 && d > 0) { /* a query or two: stream y through the pair kernels, no packing */
    if (m == SK_METRIC_COSINE_SIMILARITY || m == SK_METRIC_COSINE_DISTANCE)
      return F(cos_queries_)(m == SK_METRIC_COSINE_DISTANCE, nx, ny, d, x, ldx, y, ldy, out, ldo);
    for (size_t i = 0; i < nx; i++)
      for (size_t j = 0; j < ny; j++) {
        double v = 0;
        const T *a = x + i * ldx, *b = y + j * ldy;
        switch (m) {
        case SK_METRIC_SQEUCLIDEAN: F(sk_sqeuclidean_)(a, b, d, &v); break;
        case SK_METRIC_EUCLIDEAN: F(sk_euclidean_)(a, b, d, &v); break;
        case SK_METRIC_DOT: F(sk_dot_)(a, b, d, &v); break;
        default:
          F(sk_cosine_similarity_)(a, b, d, &v);
          if (m == SK_METRIC_COSINE_DISTANCE) v = 1.0 - v;
        }
        out[i * ldo + j] = (T)v;
      }
    return SK_OK;
  }
  return F(cdist_any_)((int)m, nx, ny, d, x, ldx, y, ldy, 0.0, out, ldo, 0);
}

sk_status F(sk_cdist_self_)(sk_metric m, size_t n, size_t d, const T *x, size_t ldx, T *out, size_t ldo) {
  if ((unsigned)m > SK_METRIC_COSINE_DISTANCE) return SK_EINVAL;
  sk_status st = F(check_)((int)m, n, n, d, x, ldx, x, ldx, out, ldo);
  if (st != SK_OK) return st;
  return F(cdist_any_)((int)m, n, n, d, x, ldx, x, ldx, 0.0, out, ldo, 1);
}

sk_status F(sk_rbf_kernel_)(size_t nx, size_t ny, size_t d, const T *x, size_t ldx, const T *y,
                            size_t ldy, double gamma, T *out, size_t ldo) {
  sk_status st = F(check_)(SK_KIND_RBF, nx, ny, d, x, ldx, y, ldy, out, ldo);
  if (st != SK_OK) return st;
  return F(cdist_any_)(SK_KIND_RBF, nx, ny, d, x, ldx, y, ldy, gamma, out, ldo, 0);
}

/* ---- nearest row ---------------------------------------------------------------------------- */
typedef struct {
  const sk_kernels *K;
  int kind;
  const T *x, *yp;
  size_t ldx, nx, ny, d, rows;
  const double *xn, *yn;
  size_t *idx;
  T *best;
} F(amjob_);

static void F(argmin_block_)(void *ctx, size_t b) {
  const F(amjob_) *j = ctx;
  size_t i0 = b * j->rows, m = j->nx - i0 < j->rows ? j->nx - i0 : j->rows;
  j->K->F(argbest_)(j->kind, j->x + i0 * j->ldx, j->ldx, m, j->yp, j->ny, j->d,
                    j->xn ? j->xn + i0 : NULL, j->yn, 0, j->idx + i0, j->best + i0);
}

/* SQEUCLIDEAN / EUCLIDEAN through the expanded-form filter (argmin_filt, dist_tile.h: bounds and
 * their derivation): each block's certain rows get their winner and its exact-form distance, the
 * ambiguous ones (near-ties, duplicate centres, NaN, huge or tiny norms) go through argbest_ as
 * before, so index and distance are the exact kernel's bits either way.
 * f64 first runs the filter in f32 ("narrow": rows and centres rounded to f32, norms in f64):
 * half the multiply-adds per lane. The f32 kernel's bounds hold for the f64 exact tile too: the
 * roundings to f32 add 2u to each product's error (g = gamma_{d+3} already counts d + 2), the f64
 * norms and the f64 tile's own error are far inside the slack, and rows or centres outside f32's
 * range are gated like f32 data (the f32 nmin also makes an underflowed element's absolute error,
 * < 2^-149 (|x_k| + |y_k|), negligible against N). Its ambiguous rows then go through the f64
 * filter, then the exact kernel. */
#define AM_ROWS 64
typedef struct {
  const sk_kernels *K;
  int kind;
  const T *x, *yp, *yq, *ylo, *yhi; /* yq: yp with the unbounded centres zeroed */
  size_t ldx, nx, ny, d;
  double c, nmin, ymin; /* bound factor; least N = xn + yn the bounds cover; least yn */
  size_t *idx;
  T *best;
  const float *nq, *nlo, *nhi; /* the narrow filter's panels and bounds (NULL: none) */
  double nc, nnmin;            /* and its c and nmin */
  int want;                    /* the caller wants the distances (else the indices only) */
} F(afjob_);

/* The T filter, then the exact kernel, for m rows of x (s: f64 squared norms; next: the bytes to
 * prefetch meanwhile). */
static void F(filt_rows_)(const F(afjob_) *j, const T *x, size_t ldx, size_t m, const double *s,
                          size_t *idx, T *best, const void *next, size_t next_bytes) {
  const sk_kernels *K = j->K;
  size_t d = j->d;
  const double tmax = sizeof(T) == 4 ? FLT_MAX : DBL_MAX;
  double xn[AM_ROWS] = {0};
  unsigned char amb[AM_ROWS];
  double work[2 * AM_ROWS];
  for (size_t i = 0; i < m; i++) xn[i] = s[i] <= tmax / 1024 && s[i] + j->ymin >= j->nmin ? s[i] : NAN;
  K->F(argmin_filt_)(x, ldx, m, j->yq, j->ny, d, xn, j->ylo, j->yhi, j->c, idx,
                     j->want ? best : NULL, amb, work, next, next_bytes);
  size_t na = 0;
  for (size_t i = 0; i < m; i++) na += amb[i];
  if (!na) return;
  T *buf = malloc(na * d * TSZ);
  if (!buf) { /* row by row, in place */
    for (size_t i = 0; i < m; i++)
      if (amb[i]) {
        idx[i] = SK_NO_INDEX;
        K->F(argbest_)(j->kind, x + i * ldx, ldx, 1, j->yp, j->ny, d, NULL, NULL, 0, idx + i, best + i);
      }
    return;
  }
  size_t bi[AM_ROWS];
  T bb[AM_ROWS];
  for (size_t i = 0, a = 0; i < m; i++)
    if (amb[i]) memcpy(buf + a++ * d, x + i * ldx, d * TSZ);
  for (size_t a = 0; a < na; a++) bi[a] = SK_NO_INDEX;
  K->F(argbest_)(j->kind, buf, d, na, j->yp, j->ny, d, NULL, NULL, 0, bi, bb);
  for (size_t i = 0, a = 0; i < m; i++)
    if (amb[i]) idx[i] = bi[a], best[i] = bb[a], a++;
  free(buf);
}

/* The narrow (f32) filter over a block whose rows are already rounded into xb (m x d), then its
 * ambiguous rows through F(filt_rows_) (amb_x: room for them). */
static void F(narrow_rows_)(const F(afjob_) *j, const T *x, size_t m, const double *s,
                            const float *xb, T *amb_x, size_t *idx, T *best) {
  const sk_kernels *K = j->K;
  size_t d = j->d, ldx = j->ldx;
  double xn[AM_ROWS] = {0}, as[AM_ROWS];
  unsigned char amb[AM_ROWS];
  double work[2 * AM_ROWS];
  size_t ai[AM_ROWS], bi[AM_ROWS];
  T bb[AM_ROWS];
  for (size_t i = 0; i < m; i++) xn[i] = s[i] <= FLT_MAX / 1024 && s[i] + j->ymin >= j->nnmin ? s[i] : NAN;
  K->argmin_filt_f32(xb, d, m, j->nq, j->ny, d, xn, j->nlo, j->nhi, j->nc, idx, NULL, amb, work,
                     x + m * ldx, m * ldx * TSZ);
  if (j->want) K->F(argmin_sums_)(x, ldx, m, j->yp, d, idx, amb, best);
  size_t na = 0;
  for (size_t i = 0; i < m; i++)
    if (amb[i]) memcpy(amb_x + na * d, x + i * ldx, d * TSZ), as[na] = s[i], ai[na++] = i;
  if (na) {
    F(filt_rows_)(j, amb_x, d, na, as, bi, bb, NULL, 0);
    for (size_t a = 0; a < na; a++) idx[ai[a]] = bi[a], best[ai[a]] = bb[a];
  }
}

static void F(argmin_filt_block_)(void *ctx, size_t b) {
  const F(afjob_) *j = ctx;
  size_t i0 = b * AM_ROWS, m = j->nx - i0 < AM_ROWS ? j->nx - i0 : AM_ROWS, d = j->d;
  double s[AM_ROWS];
  const T *x = j->x + i0 * j->ldx;
  size_t nf = (m * d + 1) & ~(size_t)1; /* floats before the T rows (8-byte aligned) */
  float *xb = j->nq ? malloc(nf * sizeof(float) + m * d * TSZ + 1) : NULL;
  j->K->F(row_sqnorms_)(x, j->ldx, m, d, s, xb); /* and the rows rounded to f32 into xb */
  if (xb) F(narrow_rows_)(j, x, m, s, xb, (T *)(void *)(xb + nf), j->idx + i0, j->best + i0);
  else F(filt_rows_)(j, x, j->ldx, m, s, j->idx + i0, j->best + i0, x + m * j->ldx, m * j->ldx * TSZ);
  free(xb);
}

/* Per-lane bound terms of the centres (squared norms yn, f64) for a filter in type W (w4: f32)
 * with np * nr lanes: +inf for NaN, infinite or too large centres and for padding. Returns the
 * number of such centres among the real ones. */
static size_t F(bounds_)(const double *yn, size_t ny, size_t lanes, int w4, double c, void *lo, void *hi) {
  double wmax = w4 ? FLT_MAX : DBL_MAX;
  size_t nbad = 0;
  for (size_t jj = 0; jj < lanes; jj++) {
    double sq = jj < ny ? yn[jj] : INFINITY;
    int bad = !(sq <= wmax / 64); /* NaN, infinite or too large; padding */
    nbad += bad && jj < ny;
    double l = bad ? INFINITY : sq * (1 - c), h = bad ? INFINITY : sq * (1 + c);
    if (w4) ((float *)lo)[jj] = (float)l, ((float *)hi)[jj] = (float)h;
    else ((double *)lo)[jj] = l, ((double *)hi)[jj] = h;
  }
  return nbad;
}

/* The filter's bound factor c for d terms in a type of unit roundoff u (0: too many terms). */
static double F(filt_c_)(size_t d, double u) {
  double du = (double)(d + 3) * u;
  if (!(du < 1e-3)) return 0;
  double g = du / (1 - du);
  return 5 * g + 16 * u;
}

/* The narrow filter's centres: rounded to f32 (bad ones zeroed) and packed in f32 panels, and
 * their bounds. Leaves j->nq NULL when it does not apply or memory is short. */
static void F(narrow_setup_)(F(afjob_) *j, const T *y, size_t ldy, const double *yn, float **own) {
  const sk_kernels *K = j->K;
  size_t ny = j->ny, d = j->d, nr = K->nr_f32, np = (ny + nr - 1) / nr, bytes;
  const char *e = getenv("SIMDKERN_ARGMIN_NARROW"); /* test hook: 0 = the T filter alone */
  *own = NULL;
  double c = F(filt_c_)(d, 0x1p-24);
  /* only where f32 has more lanes (scalar: as fast as f64, the copy made it 0.74x) */
  if (sizeof(T) != 8 || K->nr_f32 <= K->F(nr_) || (e && !strcmp(e, "0")) || !c ||
      !sk_mul_ok(np * nr, d ? d : 1, sizeof(float), &bytes) || bytes > SIZE_MAX / 2 - 64)
    return;
  float *lo = malloc(2 * np * nr * sizeof(float)), *yc = malloc(ny * d * sizeof(float) + 1),
        *yp = aligned_alloc(64, (bytes + 63) / 64 * 64);
  if (lo && yc && yp) {
    F(bounds_)(yn, ny, np * nr, 1, c, lo, lo + np * nr);
    for (size_t jj = 0; jj < ny; jj++)
      for (size_t k = 0; k < d; k++) yc[jj * d + k] = lo[jj] == INFINITY ? 0.0f : (float)y[jj * ldy + k];
    K->pack_f32(yc, d, ny, d, yp);
    j->nq = yp, j->nlo = lo, j->nhi = lo + np * nr, j->nc = c;
    j->nnmin = (double)(8 * d + 32) * 0x1p-123;
    own[0] = lo, own[1] = yp;
    free(yc);
    return;
  }
  free(lo);
  free(yc);
  free(yp);
}

/* The filter's setup: centre norms into per-lane bound terms (+inf for NaN, infinite or too
 * large centres and for padding; those centres are zeros in the filter's panels). Returns
 * SK_ENOTSUP when the filter does not apply. */
static sk_status F(argmin_filtered_)(const sk_kernels *K, int kind, const T *x, size_t ldx,
                                     size_t nx, const T *y, size_t ldy, const T *yp, size_t ny,
                                     size_t d, size_t *index, T *best, int want) {
  const char *e = getenv("SIMDKERN_ARGMIN_EXACT"); /* test hook: the exact kernel alone */
  if (e && *e && strcmp(e, "0") != 0) return SK_ENOTSUP;
  const double u = sizeof(T) == 4 ? 0x1p-24 : 0x1p-53;
  double c = F(filt_c_)(d, u);
  if (!c) return SK_ENOTSUP;
  size_t nr = K->F(nr_), np = (ny + nr - 1) / nr;
  T *ylo = malloc(2 * np * nr * TSZ);
  double *yn = malloc(ny * sizeof(double));
  if (!ylo || !yn) {
    free(ylo);
    free(yn);
    return SK_ENOTSUP;
  }
  T *yhi = ylo + np * nr;
  double ymin = INFINITY;
  K->F(row_sqnorms_)(y, ldy, ny, d, yn, NULL);
  for (size_t jj = 0; jj < ny; jj++) ymin = yn[jj] < ymin ? yn[jj] : ymin;
  size_t nbad = F(bounds_)(yn, ny, np * nr, sizeof(T) == 4, c, ylo, yhi);
  /* the filter's dot tile sees those centres as zeros (finite sums, so every bound is a number) */
  const T *yq = yp;
  T *yz = NULL, *yzp = NULL;
  if (nbad) {
    sk_status st = SK_OK;
    yz = malloc(ny * d * TSZ);
    if (yz) {
      for (size_t jj = 0; jj < ny; jj++)
        for (size_t k = 0; k < d; k++) yz[jj * d + k] = ylo[jj] == (T)INFINITY ? 0 : y[jj * ldy + k];
      yzp = F(pack_)(K, yz, d, ny, d, &st);
    }
    free(yz);
    if (!yzp) {
      free(ylo);
      free(yn);
      return SK_ENOTSUP;
    }
    yq = yzp;
  }
  /* N >= 4 E0 / u, E0 = (8d + 32) eta: eta / u = 2^-1021 (f64), 2^-125 (f32) */
  double nmin = (double)(8 * d + 32) * (sizeof(T) == 4 ? 0x1p-123 : 0x1p-1019);
  F(afjob_) job = {K, kind, x, yp, yq, ylo, yhi, ldx, nx, ny, d, c, nmin, ymin, index, best,
                   NULL, NULL, NULL, 0, 0, want};
  float *own[2] = {NULL, NULL};
  F(narrow_setup_)(&job, y, ldy, yn, own);
  sk_parallel_blocks((nx + AM_ROWS - 1) / AM_ROWS, 2.0 * (double)nx * (double)ny * (double)d,
                     F(argmin_filt_block_), &job);
  free(own[0]);
  free(own[1]);
  free(ylo);
  free(yn);
  free(yzp);
  return SK_OK;
}

sk_status F(sk_cdist_argmin_)(sk_metric m, size_t nx, size_t ny, size_t d, const T *x, size_t ldx,
                              const T *y, size_t ldy, size_t *index, T *dist) {
  if ((unsigned)m > SK_METRIC_COSINE_DISTANCE) return SK_EINVAL;
  sk_status st = sk_check_mat(nx, d, x, ldx, TSZ);
  if (st == SK_OK) st = sk_check_mat(ny, d, y, ldy, TSZ);
  if (st != SK_OK) return st;
  if (nx && !index) return SK_EINVAL;
  size_t ib = nx * sizeof *index, db = dist ? nx * TSZ : 0, xb = sk_extent(nx, d, ldx, TSZ),
         yb = sk_extent(ny, d, ldy, TSZ);
  if (sk_overlap(index, ib, x, xb) || sk_overlap(index, ib, y, yb) || sk_overlap(dist, db, x, xb) ||
      sk_overlap(dist, db, y, yb) || sk_overlap(index, ib, dist, db))
    return SK_EINVAL;
  for (size_t i = 0; i < nx; i++) index[i] = SK_NO_INDEX;
  T *best = dist ? dist : malloc(nx ? nx * TSZ : 1);
  if (!best) return SK_ENOMEM;
  int cos = m == SK_METRIC_COSINE_SIMILARITY || m == SK_METRIC_COSINE_DISTANCE;
  if (nx && ny && d == 0) { /* every y row ties at 0 (cosine: NaN, nothing wins) */
    for (size_t i = 0; i < nx; i++) index[i] = cos ? SK_NO_INDEX : 0, best[i] = cos ? (T)NAN : 0;
  } else if (nx && ny) {
    const sk_kernels *K = SK_K;
    F(ops_) o;
    st = F(prepare_)(K, cos, 0, x, nx, ldx, y, ny, ldy, d, &o);
    if (st == SK_OK) {
      size_t rows = K->mr * 8;
      if ((m != SK_METRIC_SQEUCLIDEAN && m != SK_METRIC_EUCLIDEAN) ||
          F(argmin_filtered_)(K, (int)m, o.x, o.ldx, nx, o.y, o.ldy, o.yp, ny, d, index, best,
                              dist != NULL) != SK_OK) {
        F(amjob_) job = {K, (int)m, o.x, o.yp, o.ldx, nx, ny, d, rows, o.xn, o.yn, index, best};
        sk_parallel_blocks((nx + rows - 1) / rows, 2.0 * (double)nx * (double)ny * (double)d,
                           F(argmin_block_), &job);
      }
      F(release_)(&o);
    }
  }
  /* the kernel ranks euclidean by squared distance (no distances wanted: nothing to finish) */
  for (size_t i = 0; i < nx && best == dist; i++)
    best[i] = index[i] == SK_NO_INDEX ? (T)NAN : m == SK_METRIC_EUCLIDEAN && d ? (T)sqrt(best[i]) : best[i];
  if (best != dist) free(best);
  return st;
}

/* ---- silhouette ---------------------------------------------------------------------------- */
/* Rows are sorted by label and every pair is computed once: a block of rows takes the columns
 * from its own first row on; its row-side sums are its own, and its column-side sums go to its
 * group's private array. Groups are fixed runs of blocks (balanced by triangle area, never by
 * thread count), merged in group order, so any thread count gives the same bits. */
#define SIL_GROUPS 32 /* parallelism cap; also bounds the private arrays */
/* the private arrays (one n x k each, at most) take max(SIL_PRIVATE, 2 * n * k doubles) bytes */
#define SIL_PRIVATE (256u << 20)
typedef struct {
  const sk_kernels *K;
  const T *xs, *yp;
  size_t n, d, k, rows, npad;
  const size_t *lab, *gblk; /* sorted labels; group g = blocks [gblk[g], gblk[g + 1]) */
  double *rs, *cs;          /* row sums (sorted order); private arrays, group g at csoff[g] */
  const size_t *csoff;
} F(sjob_);

static void F(sil_group_)(void *ctx, size_t g) {
  const F(sjob_) *j = ctx;
  size_t c0 = j->gblk[g] * j->rows;
  for (size_t b = j->gblk[g]; b < j->gblk[g + 1]; b++) {
    size_t r0 = b * j->rows, r1 = r0 + j->rows < j->n ? r0 + j->rows : j->n;
    j->K->F(sil_tri_)(j->xs, j->d, r0, r1, j->yp, j->n, j->d, j->lab, j->k, j->rs + r0 * j->k,
                      j->cs + j->csoff[g], j->npad - c0, c0);
  }
}

static size_t F(gcd_)(size_t a, size_t b) { return b ? F(gcd_)(b, a % b) : a; }

/* sums (n x k, sorted order) of distances to each cluster: rows sorted by label in xs. */
static sk_status F(sil_sums_)(const sk_kernels *K, const T *xs, size_t n, size_t d,
                              const size_t *lab, size_t k, double *sums) {
  size_t nr = K->F(nr_), mr = K->mr, unit = nr / F(gcd_)(nr, mr) * mr;
  size_t rows = (64 + unit - 1) / unit * unit, nb = (n + rows - 1) / rows;
  size_t npad = (n + nr - 1) / nr * nr, col, g_n;
  if (!sk_mul_ok(k, npad, sizeof(double), &col)) return SK_EOVERFLOW;
  g_n = SIL_PRIVATE / col > 2 ? SIL_PRIVATE / col : 2;
  g_n = g_n < SIL_GROUPS ? g_n : SIL_GROUPS;
  g_n = g_n < nb ? g_n : nb;
  size_t gblk[SIL_GROUPS + 1], csoff[SIL_GROUPS], g = 0;
  double total = 0, acc = 0; /* block b does about (n - b * rows) * rows pairs */
  for (size_t b = 0; b < nb; b++) total += (double)(n - b * rows);
  gblk[0] = 0;
  for (size_t b = 0; b + 1 < nb && g + 1 < g_n; b++) { /* every group gets a block */
    acc += (double)(n - b * rows);
    if (acc >= total * (double)(g + 1) / (double)g_n) gblk[++g] = b + 1;
  }
  g_n = g + 1;
  gblk[g_n] = nb;
  size_t cn = 0;
  for (g = 0; g < g_n; g++) csoff[g] = cn, cn += k * (npad - gblk[g] * rows);
  double *cs = calloc(cn ? cn : 1, sizeof *cs);
  if (!cs) return SK_ENOMEM;
  sk_status st = SK_OK;
  T *yp = F(pack_)(K, xs, d, n, d, &st);
  if (st == SK_OK) {
    F(sjob_) job = {K, xs, yp, n, d, k, rows, npad, lab, gblk, sums, cs, csoff};
    sk_parallel_blocks(g_n, (double)n * (double)n * (double)d, F(sil_group_), &job);
    for (g = 0; g < g_n; g++) /* fixed merge order */
      for (size_t c = 0; c < k; c++) {
        size_t c0 = gblk[g] * rows, w = npad - c0;
        for (size_t i = c0; i < n; i++) sums[i * k + c] += cs[csoff[g] + c * w + i - c0];
      }
  }
  free(yp);
  free(cs);
  return st;
}

sk_status F(sk_silhouette_)(size_t n, size_t d, const T *x, size_t ldx, const size_t *labels,
                            size_t n_clusters, double *score, SAMPLE_T *samples) {
  sk_status st = sk_check_mat(n, d, x, ldx, TSZ);
  if (st != SK_OK) return st;
  if (!score || (n && !labels) || n_clusters == 0) return SK_EINVAL;
  if (samples && (sk_overlap(samples, n * sizeof *samples, x, sk_extent(n, d, ldx, TSZ)) ||
                  sk_overlap(samples, n * sizeof *samples, labels, n * sizeof *labels)))
    return SK_EINVAL;
  size_t sbytes, xbytes;
  if (!sk_mul_ok(n, n_clusters, sizeof(double), &sbytes) || !sk_mul_ok(n, d ? d : 1, TSZ, &xbytes))
    return SK_EOVERFLOW;
  size_t *count = calloc(n_clusters, sizeof *count);
  if (!count) return SK_ENOMEM;
  size_t present = 0;
  for (size_t i = 0; i < n && st == SK_OK; i++) {
    if (labels[i] >= n_clusters) st = SK_EINVAL;
    else present += count[labels[i]]++ == 0;
  }
  for (size_t i = 0; i < n && st == SK_OK; i++) /* scikit-learn rejects non-finite input */
    for (size_t c = 0; c < d; c++)
      if (!isfinite((double)x[i * ldx + c])) st = SK_EINVAL;
  if (st == SK_OK && (present < 2 || present > n - 1)) st = SK_EINVAL;
  if (st != SK_OK) {
    free(count);
    return st;
  }
  /* stable counting sort by label: perm[sorted] = original index */
  double *sums = calloc(sbytes ? sbytes : 1, 1), *sv = malloc(n * sizeof *sv);
  size_t *perm = malloc(n * sizeof *perm), *lab = malloc(n * sizeof *lab),
         *start = malloc((n_clusters + 1) * sizeof *start);
  T *xs = malloc(xbytes);
  if (!sums || !sv || !perm || !lab || !start || !xs) st = SK_ENOMEM;
  if (st == SK_OK) {
    start[0] = 0;
    for (size_t c = 0; c < n_clusters; c++) start[c + 1] = start[c] + count[c];
    for (size_t i = 0; i < n; i++) {
      size_t r = start[labels[i]]++;
      perm[r] = i;
      lab[r] = labels[i];
      memcpy(xs + r * d, x + i * ldx, d * TSZ);
    }
    st = F(sil_sums_)(SK_K, xs, n, d, lab, n_clusters, sums);
  }
  if (st == SK_OK) {
    for (size_t r = 0; r < n; r++) {
      size_t c = lab[r];
      const double *row = sums + r * n_clusters;
      double s = 0;
      if (count[c] > 1) {
        double a = row[c] / (double)(count[c] - 1), b = INFINITY;
        for (size_t o = 0; o < n_clusters; o++)
          if (o != c && count[o]) b = fmin(b, row[o] / (double)count[o]);
        double den = fmax(a, b);
        s = den > 0 ? (b - a) / den : 0.0; /* scikit-learn: nan_to_num(0 / 0) = 0 */
      }
      sv[perm[r]] = s;
    }
    double total = 0; /* in the caller's order */
    for (size_t i = 0; i < n; i++) {
      if (samples) samples[i] = (SAMPLE_T)sv[i];
      total += sv[i];
    }
    *score = total / (double)n;
  }
  free(xs);
  free(start);
  free(lab);
  free(perm);
  free(sv);
  free(sums);
  free(count);
  return st;
}

/* ---- top-k ------------------------------------------------------------------------------- */
/* Is (va, ia) ranked before (vb, ib)? NaN after every number; ties by lower index. */
static inline int F(before_)(T va, size_t ia, T vb, size_t ib, int largest) {
  int na = va != va, nb = vb != vb;
  if (na || nb) return na != nb ? nb : ia < ib;
  if (va != vb) return largest ? va > vb : va < vb;
  return ia < ib;
}

/* Heap of the k best so far with the worst on top; a new element enters only if it is ranked
 * before the top (and, scanning in index order, it can never win a tie). */
static void F(sift_)(T *hv, size_t *hi, size_t k, size_t r, int largest) {
  for (;;) {
    size_t w = r, l = 2 * r + 1, q = l + 1;
    if (l < k && F(before_)(hv[w], hi[w], hv[l], hi[l], largest)) w = l;
    if (q < k && F(before_)(hv[w], hi[w], hv[q], hi[q], largest)) w = q;
    if (w == r) return;
    T tv = hv[r]; hv[r] = hv[w]; hv[w] = tv;
    size_t ti = hi[r]; hi[r] = hi[w]; hi[w] = ti;
    r = w;
  }
}

/* (v, i) replaces the worst kept, which it is ranked before */
static inline void F(replace_top_)(T *hv, size_t *hi, size_t k, T v, size_t i, int largest) {
  hv[0] = v, hi[0] = i;
  F(sift_)(hv, hi, k, 0, largest);
}

/* The k best of x[i0, i1) (i1 - i0 >= k) into a heap hv/hi, worst on top. A later index enters
 * only with a strictly better number than the worst kept: the table's scan skips the rest a
 * vector at a time. While the worst kept is NaN any number enters. */
static void F(topk_scan_)(const sk_kernels *K, const T *x, size_t i0, size_t i1, size_t k, int largest,
                          T *hv, size_t *hi) {
  for (size_t i = 0; i < k; i++) hv[i] = x[i0 + i], hi[i] = i0 + i;
  for (size_t r = k / 2; r-- > 0;) F(sift_)(hv, hi, k, r, largest);
  for (size_t i = i0 + k; i < i1; i++) {
    if (hv[0] == hv[0]) {
      i = K->F(topk_next_)(x, i, i1, hv[0], largest);
      if (i >= i1) break;
    } else if (x[i] != x[i]) {
      continue;
    }
    F(replace_top_)(hv, hi, k, x[i], i, largest);
  }
}

/* Long inputs: one chunk of x per thread, each keeping its own k best; the candidates are then
 * ranked by the same total order ((value, index), NaN last), so the result is the one top k
 * whatever the thread count. */
typedef struct {
  const sk_kernels *K;
  const T *x;
  size_t n, k, nt;
  int largest;
  T *hv;
  size_t *hi;
} F(tkjob_);

static void F(topk_chunk_)(void *ctx, size_t t) {
  const F(tkjob_) *j = ctx;
  size_t i0 = t * j->n / j->nt, i1 = (t + 1) * j->n / j->nt; /* each >= n / nt >= 16 k long */
  F(topk_scan_)(j->K, j->x, i0, i1, j->k, j->largest, j->hv + t * j->k, j->hi + t * j->k);
}

sk_status F(sk_topk_)(const T *x, size_t n, size_t k, int largest, size_t *index, T *value) {
  if (k > n || (n && !x) || (k && !index)) return SK_EINVAL;
  if (sk_overlap(index, k * sizeof *index, x, n * TSZ) || (value && sk_overlap(value, k * TSZ, x, n * TSZ)) ||
      (value && sk_overlap(value, k * TSZ, index, k * sizeof *index)))
    return SK_EINVAL;
  if (!k) return SK_OK;
  const sk_kernels *K = SK_K;
  size_t nt = sk_parallel_width(2.0 * (double)n);
  if (nt > 64) nt = 64;
  /* every chunk at least 16 k long (the scans dominate the merge) */
  while (nt > 1 && n / nt < 16 * k) nt--;
  T *hv = malloc(k * TSZ);
  if (!hv) return SK_ENOMEM;
  size_t *hi = index;
  T *cv = NULL;
  size_t *ci = NULL;
  if (nt > 1 && (cv = malloc(nt * k * TSZ)) && (ci = malloc(nt * k * sizeof *ci))) {
    F(tkjob_) j = {K, x, n, k, nt, largest, cv, ci};
    sk_parallel_blocks(nt, 2.0 * (double)n, F(topk_chunk_), &j);
    for (size_t i = 0; i < k; i++) hv[i] = cv[i], hi[i] = ci[i]; /* chunk 0's heap, then the rest */
    for (size_t c = k; c < nt * k; c++)
      if (F(before_)(cv[c], ci[c], hv[0], hi[0], largest)) F(replace_top_)(hv, hi, k, cv[c], ci[c], largest);
  } else {
    F(topk_scan_)(K, x, 0, n, k, largest, hv, hi);
  }
  free(cv);
  free(ci);
  for (size_t end = k; end > 1; end--) { /* heapsort: worst to the back */
    T tv = hv[0]; hv[0] = hv[end - 1]; hv[end - 1] = tv;
    size_t ti = hi[0]; hi[0] = hi[end - 1]; hi[end - 1] = ti;
    F(sift_)(hv, hi, end - 1, 0, largest);
  }
  if (value) memcpy(value, hv, k * TSZ);
  free(hv);
  return SK_OK;
}

#undef F
#undef AM_ROWS
#undef TSZ
