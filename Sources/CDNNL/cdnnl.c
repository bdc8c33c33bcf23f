// CDNNL: reduced-precision linear layers on oneDNN matmul (see include/CDNNL.h).
#include "CDNNL.h"

#include <cpuid.h>
#include <dnnl.h>
#include <immintrin.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// oneDNN in Debian is built on OpenMP (libgomp); its thread count is a per-thread ICV, so every
// forward call sets it to 1 on the calling thread before running a primitive: callers
// (LinearWeights, DNNLAttention) share the work out over their own threads, and an OpenMP team's
// idle threads would spin against them.
extern void omp_set_num_threads(int n);
extern int omp_get_max_threads(void);

// MARK: CPU features

int sv_cpu_has_avx512_vnni(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (c >> 11) & 1;
}

int sv_cpu_has_avx512_bf16(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid_count(7, 1, &a, &b, &c, &d)) return 0;
    return (a >> 5) & 1;
}

int sv_cpu_has_avx512_bw(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return ((b >> 16) & 1) && ((b >> 30) & 1);   // AVX512F, AVX512BW
}

const char *sv_dnnl_isa(void) {
    switch (dnnl_get_effective_cpu_isa()) {
    case dnnl_cpu_isa_sse41: return "sse41";
    case dnnl_cpu_isa_avx: return "avx";
    case dnnl_cpu_isa_avx2: return "avx2";
    case dnnl_cpu_isa_avx512_mic: return "avx512_mic";
    case dnnl_cpu_isa_avx512_mic_4ops: return "avx512_mic_4ops";
    case dnnl_cpu_isa_avx512_core: return "avx512_core";
    case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni";
    case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16";
    case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx";
    case dnnl_cpu_isa_avx2_vnni: return "avx2_vnni";
    default: return "other";
    }
}

// MARK: Engine, threads, per-thread scratch

static dnnl_engine_t g_engine;
static dnnl_status_t g_engine_status = dnnl_success;
static pthread_once_t g_engine_once = PTHREAD_ONCE_INIT;

static void engine_init(void) { g_engine_status = dnnl_engine_create(&g_engine, dnnl_cpu, 0); }

/// One OpenMP thread for oneDNN on the calling thread (a per-thread setting, checked per call).
static void single_threaded(void) {
    if (omp_get_max_threads() != 1) omp_set_num_threads(1);
}

const char *sv_dnnl_status_name(int status) {
    switch (status) {
    case dnnl_success: return "success";
    case dnnl_out_of_memory: return "out_of_memory";
    case dnnl_invalid_arguments: return "invalid_arguments";
    case dnnl_unimplemented: return "unimplemented";
    case dnnl_iterator_ends: return "iterator_ends";
    case dnnl_runtime_error: return "runtime_error";
    case dnnl_not_required: return "not_required";
    default: return "unknown status";
    }
}

typedef struct {
    dnnl_stream_t stream;
    void *src; size_t src_cap;          // converted activations (bf16 or s8)
    float *row_scale; size_t rs_cap;    // int8 per-row activation scales
    void *scratch; size_t scratch_cap;  // oneDNN user scratchpad
} tls_t;

static pthread_key_t g_tls_key;
static pthread_once_t g_tls_once = PTHREAD_ONCE_INIT;

static void tls_free(void *p) {
    tls_t *t = p;
    if (!t) return;
    if (t->stream) dnnl_stream_destroy(t->stream);
    free(t->src); free(t->row_scale); free(t->scratch);
    free(t);
}

static void tls_init(void) { pthread_key_create(&g_tls_key, tls_free); }

static tls_t *tls_get(void) {
    pthread_once(&g_tls_once, tls_init);
    tls_t *t = pthread_getspecific(g_tls_key);
    if (!t) {
        t = calloc(1, sizeof *t);
        if (!t) return NULL;
        if (dnnl_stream_create(&t->stream, g_engine, dnnl_stream_default_flags) != dnnl_success) {
            free(t);
            return NULL;
        }
        pthread_setspecific(g_tls_key, t);
    }
    return t;
}

static void *grow(void **p, size_t *cap, size_t bytes) {
    if (bytes > *cap || !*p) {
        free(*p);
        size_t n = bytes < 64 ? 64 : bytes;
        n = (n + 63) & ~(size_t)63;
        *p = aligned_alloc(64, n);
        *cap = *p ? n : 0;
    }
    return *p;
}

// MARK: Primitive cache

typedef struct {
    int prec, m, n, k, ld;     // ld: attention's model width d (row strides); 0 for linear layers
    uint32_t scale_bits;       // attention scores: the float scale's bits
    // prec: SV_PREC_* | 0x100 when the primitive adds a bias; 0x10/0x11: attention
    dnnl_primitive_t prim;
    size_t scratch_bytes;
} entry_t;

enum { CACHE_MAX = 512 };
static entry_t g_cache[CACHE_MAX];
static int g_cache_count = 0;
static pthread_mutex_t g_cache_lock = PTHREAD_MUTEX_INITIALIZER;

// A matmul primitive for `md` with a user scratchpad (its size in `*scratch`) and, when
// `output_scale` is given, that common output scale.
static dnnl_status_t create_primitive(const dnnl_matmul_desc_t *md, const float *output_scale,
                                      dnnl_primitive_t *out, size_t *scratch) {
    dnnl_status_t s;
    dnnl_primitive_attr_t attr;
    if ((s = dnnl_primitive_attr_create(&attr))) return s;
    dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user);
    if (output_scale) dnnl_primitive_attr_set_output_scales(attr, 1, 0, output_scale);
    dnnl_primitive_desc_t pd;
    s = dnnl_primitive_desc_create(&pd, md, attr, g_engine, NULL);
    dnnl_primitive_attr_destroy(attr);
    if (s) return s;
    const dnnl_memory_desc_t *sp = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    *scratch = sp ? dnnl_memory_desc_get_size(sp) : 0;
    s = dnnl_primitive_create(out, pd);
    dnnl_primitive_desc_destroy(pd);
    return s;
}

static dnnl_status_t create_matmul(int prec, int has_bias, int u8src, int m, int n, int k, dnnl_primitive_t *out, size_t *scratch) {
    dnnl_memory_desc_t src, wei, bias, dst;
    dnnl_dims_t sd = {m, k}, wd = {k, n}, bd = {1, n}, dd = {m, n};
    dnnl_data_type_t sdt = prec == SV_PREC_F32 ? dnnl_f32 : prec == SV_PREC_BF16 ? dnnl_bf16 : (u8src ? dnnl_u8 : dnnl_s8);
    dnnl_data_type_t wdt = prec == SV_PREC_F32 ? dnnl_f32 : prec == SV_PREC_BF16 ? dnnl_bf16 : dnnl_s8;
    dnnl_data_type_t ddt = prec == SV_PREC_INT8 ? dnnl_s32 : dnnl_f32;
    dnnl_status_t s;
    if ((s = dnnl_memory_desc_init_by_tag(&src, 2, sd, sdt, dnnl_ab))) return s;
    // Weights stay in the checkpoint's [n, k] order: the k×n matrix in "ba" layout.
    if ((s = dnnl_memory_desc_init_by_tag(&wei, 2, wd, wdt, dnnl_ba))) return s;
    if ((s = dnnl_memory_desc_init_by_tag(&bias, 2, bd, dnnl_f32, dnnl_ab))) return s;
    if ((s = dnnl_memory_desc_init_by_tag(&dst, 2, dd, ddt, dnnl_ab))) return s;
    dnnl_matmul_desc_t md;
    if ((s = dnnl_matmul_desc_init(&md, &src, &wei, has_bias ? &bias : NULL, &dst))) return s;
    return create_primitive(&md, NULL, out, scratch);
}

/// The cached primitive for a shape, created on first use. `*owned` is set when the cache is full
/// and the caller must destroy the primitive after use.
static dnnl_status_t create_attention(int kind, int t, int heads, int dk, int d, uint32_t scale_bits,
                                      dnnl_primitive_t *out, size_t *scratch);

static dnnl_status_t get_matmul(int prec, int m, int n, int k, int ld, uint32_t scale_bits,
                                dnnl_primitive_t *out, size_t *scratch, int *owned) {
    *owned = 0;
    pthread_mutex_lock(&g_cache_lock);
    for (int i = 0; i < g_cache_count; i++) {
        entry_t *e = &g_cache[i];
        if (e->prec == prec && e->m == m && e->n == n && e->k == k && e->ld == ld && e->scale_bits == scale_bits) {
            *out = e->prim;
            *scratch = e->scratch_bytes;
            pthread_mutex_unlock(&g_cache_lock);
            return dnnl_success;
        }
    }
    pthread_mutex_unlock(&g_cache_lock);

    dnnl_primitive_t p;
    size_t sb;
    dnnl_status_t s = (prec & 0xf0) ? create_attention(prec, m, n, k, ld, scale_bits, &p, &sb)
                                    : create_matmul(prec & 0xff, (prec >> 8) & 1, (prec >> 9) & 1, m, n, k, &p, &sb);
    if (s) return s;

    pthread_mutex_lock(&g_cache_lock);
    for (int i = 0; i < g_cache_count; i++) {   // another thread may have won the race
        entry_t *e = &g_cache[i];
        if (e->prec == prec && e->m == m && e->n == n && e->k == k && e->ld == ld && e->scale_bits == scale_bits) {
            *out = e->prim;
            *scratch = e->scratch_bytes;
            pthread_mutex_unlock(&g_cache_lock);
            dnnl_primitive_destroy(p);
            return dnnl_success;
        }
    }
    if (g_cache_count < CACHE_MAX) {
        g_cache[g_cache_count++] = (entry_t){prec, m, n, k, ld, scale_bits, p, sb};
    } else {
        *owned = 1;
    }
    pthread_mutex_unlock(&g_cache_lock);
    *out = p;
    *scratch = sb;
    return dnnl_success;
}

// MARK: Conversion kernels

static inline uint16_t bf16_round(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40);   // quiet NaN
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

__attribute__((target("avx512f,avx512bf16,avx512vl")))
static void to_bf16_avx512(const float *x, uint16_t *y, size_t count) {
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        __m256bh v = _mm512_cvtneps_pbh(_mm512_loadu_ps(x + i));
        _mm256_storeu_si256((__m256i *)(y + i), (__m256i)v);
    }
    for (; i < count; i++) y[i] = bf16_round(x[i]);
}

void sv_to_bf16(const float *x, uint16_t *y, size_t count) {
    static int has = -1;   // cpuid result, cached; racing first calls store the same value
    int h = __atomic_load_n(&has, __ATOMIC_RELAXED);
    if (h < 0) { h = sv_cpu_has_avx512_bf16(); __atomic_store_n(&has, h, __ATOMIC_RELAXED); }
    if (h) { to_bf16_avx512(x, y, count); return; }
    for (size_t i = 0; i < count; i++) y[i] = bf16_round(x[i]);
}

/// Whether every element of x[m, k] is ≥ 0 (post-ReLU inputs quantise to u8 with twice the resolution).
static int all_nonnegative(const float *x, size_t count) {
    for (size_t i = 0; i < count; i++) if (x[i] < 0) return 0;
    return 1;
}

__attribute__((target("avx512f,avx512bw")))
static int all_nonnegative_avx512(const float *x, size_t count) {
    size_t i = 0;
    __m512 vmin = _mm512_setzero_ps();
    for (; i + 16 <= count; i += 16) vmin = _mm512_min_ps(vmin, _mm512_loadu_ps(x + i));
    if (_mm512_reduce_min_ps(vmin) < 0) return 0;
    for (; i < count; i++) if (x[i] < 0) return 0;
    return 1;
}

/// Quantisation of each row of x[m, k] to `levels` steps of its largest magnitude a:
/// q = round(x · levels / a), scale = a / levels. `levels` 127: symmetric s8 (`q` holds int8_t);
/// 255: u8 of non-negative rows (`q` holds uint8_t, twice the resolution).
__attribute__((target("avx512f,avx512bw")))
static void quantize_rows_avx512(const float *x, int m, int k, int levels, void *q, float *scale) {
    int u8 = levels == 255;
    for (int r = 0; r < m; r++) {
        const float *xr = x + (size_t)r * k;
        int8_t *qr = (int8_t *)q + (size_t)r * k;
        __m512 vmax = _mm512_setzero_ps();
        int c = 0;
        for (; c + 16 <= k; c += 16) vmax = _mm512_max_ps(vmax, _mm512_abs_ps(_mm512_loadu_ps(xr + c)));
        if (c < k) {
            __mmask16 mk = (__mmask16)((1u << (k - c)) - 1);
            vmax = _mm512_max_ps(vmax, _mm512_abs_ps(_mm512_maskz_loadu_ps(mk, xr + c)));
        }
        float amax = _mm512_reduce_max_ps(vmax);
        float inv = amax > 0 ? (float)levels / amax : 0;
        scale[r] = amax / (float)levels;
        __m512 vinv = _mm512_set1_ps(inv);
        for (c = 0; c + 16 <= k; c += 16) {
            __m512i qi = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_loadu_ps(xr + c), vinv));
            _mm_storeu_si128((__m128i *)(qr + c), u8 ? _mm512_cvtusepi32_epi8(qi) : _mm512_cvtsepi32_epi8(qi));
        }
        if (c < k) {
            __mmask16 mk = (__mmask16)((1u << (k - c)) - 1);
            __m512i qi = _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_maskz_loadu_ps(mk, xr + c), vinv));
            if (u8) _mm512_mask_cvtusepi32_storeu_epi8(qr + c, mk, qi);
            else _mm512_mask_cvtsepi32_storeu_epi8(qr + c, mk, qi);
        }
    }
}

static void quantize_rows_scalar(const float *x, int m, int k, int levels, void *q, float *scale) {
    for (int r = 0; r < m; r++) {
        const float *xr = x + (size_t)r * k;
        float amax = 0;
        for (int c = 0; c < k; c++) { float a = fabsf(xr[c]); if (a > amax) amax = a; }
        float inv = amax > 0 ? (float)levels / amax : 0;
        scale[r] = amax / (float)levels;
        for (int c = 0; c < k; c++) {
            float v = nearbyintf(xr[c] * inv);
            if (v > levels) v = (float)levels;
            if (v < -levels) v = (float)-levels;
            size_t i = (size_t)r * k + c;
            if (levels == 255) ((uint8_t *)q)[i] = (uint8_t)v;
            else ((int8_t *)q)[i] = (int8_t)v;
        }
    }
}

/// In place: acc (s32, aliasing y) → y = acc · row_scale[r] · col_scale[c] + bias[c].
static void dequantize_scalar(float *y, int m, int n, const float *rs, const float *cs, const float *bias) {
    for (int r = 0; r < m; r++) {
        int32_t *ar = (int32_t *)(y + (size_t)r * n);
        float *yr = y + (size_t)r * n;
        float s = rs[r];
        for (int c = 0; c < n; c++) {
            float v = (float)ar[c] * (s * cs[c]);
            yr[c] = bias ? v + bias[c] : v;
        }
    }
}

__attribute__((target("avx512f,avx512bw")))
static void dequantize_avx512(float *y, int m, int n, const float *rs, const float *cs, const float *bias) {
    for (int r = 0; r < m; r++) {
        float *yr = y + (size_t)r * n;
        __m512 s = _mm512_set1_ps(rs[r]);
        int c = 0;
        for (; c + 16 <= n; c += 16) {
            __m512 a = _mm512_cvtepi32_ps(_mm512_loadu_si512((const void *)(yr + c)));
            __m512 sc = _mm512_mul_ps(s, _mm512_loadu_ps(cs + c));
            __m512 b = bias ? _mm512_loadu_ps(bias + c) : _mm512_setzero_ps();
            _mm512_storeu_ps(yr + c, _mm512_fmadd_ps(a, sc, b));
        }
        for (; c < n; c++) {
            int32_t a;
            memcpy(&a, yr + c, 4);
            float v = (float)a * (rs[r] * cs[c]);
            yr[c] = bias ? v + bias[c] : v;
        }
    }
}

static int g_has_bw = -1;

// MARK: Linear layer

struct sv_linear {
    int prec, n, k;
    int borrowed;       // f32: `w` is the caller's array, not freed here
    void *w;            // f32, bf16 or s8, [n, k]
    float *col_scale;   // int8: per output channel
    float *bias;        // [n] or NULL
};

sv_linear *sv_linear_create(int precision, int n, int k, const float *w, const float *bias,
                            char *err, size_t errlen) {
    pthread_once(&g_engine_once, engine_init);
    if (g_engine_status != dnnl_success) {
        snprintf(err, errlen, "oneDNN engine creation failed (status %d)", (int)g_engine_status);
        return NULL;
    }
    if (g_has_bw < 0) g_has_bw = sv_cpu_has_avx512_bw();
    if (precision != SV_PREC_BF16 && precision != SV_PREC_INT8 && precision != SV_PREC_F32) {
        snprintf(err, errlen, "unknown precision %d", precision);
        return NULL;
    }
    sv_linear *l = calloc(1, sizeof *l);
    if (!l) { snprintf(err, errlen, "out of memory"); return NULL; }
    l->prec = precision; l->n = n; l->k = k;
    size_t count = (size_t)n * k;
    if (precision == SV_PREC_F32) {
        l->w = (void *)w;   // borrowed: the caller keeps the float32 weights alive
        l->borrowed = 1;
    } else if (precision == SV_PREC_BF16) {
        l->w = aligned_alloc(64, ((count * 2) + 63) & ~(size_t)63);
        if (l->w) sv_to_bf16(w, (uint16_t *)l->w, count);
    } else {
        l->w = aligned_alloc(64, (count + 63) & ~(size_t)63);
        l->col_scale = aligned_alloc(64, (((size_t)n * 4) + 63) & ~(size_t)63);
        if (l->w && l->col_scale) {
            if (g_has_bw) quantize_rows_avx512(w, n, k, 127, l->w, l->col_scale);
            else quantize_rows_scalar(w, n, k, 127, l->w, l->col_scale);
        }
    }
    if (bias) {
        l->bias = aligned_alloc(64, (((size_t)n * 4) + 63) & ~(size_t)63);
        if (l->bias) memcpy(l->bias, bias, (size_t)n * 4);
    }
    if (!l->w || (precision == SV_PREC_INT8 && !l->col_scale) || (bias && !l->bias)) {
        sv_linear_destroy(l);
        snprintf(err, errlen, "out of memory converting a %d×%d linear layer", n, k);
        return NULL;
    }
    return l;
}

void sv_linear_destroy(sv_linear *l) {
    if (!l) return;
    if (!l->borrowed) free(l->w);
    free(l->col_scale); free(l->bias);
    free(l);
}

/* One argument of a primitive run: its DNNL_ARG_* kind, layout and buffer (NULL: not passed). */
typedef struct {
    int arg;
    const dnnl_memory_desc_t *md;
    void *data;
} binding;

/* Wraps each passed buffer in a memory object, runs the primitive on the stream, waits for it and
   releases the wrappers (the buffers stay the caller's). */
static dnnl_status_t execute_bound(dnnl_primitive_t prim, dnnl_stream_t stream, const binding *bound, int count) {
    dnnl_memory_t mem[8] = {0};
    dnnl_exec_arg_t args[8];
    int nargs = 0;
    dnnl_status_t s = count <= 8 ? dnnl_success : dnnl_invalid_arguments;
    for (int i = 0; i < count && !s; i++) {
        if (!bound[i].data) continue;
        s = dnnl_memory_create(&mem[nargs], bound[i].md, g_engine, bound[i].data);
        if (!s) { args[nargs] = (dnnl_exec_arg_t){bound[i].arg, mem[nargs]}; nargs++; }
    }
    if (!s) s = dnnl_primitive_execute(prim, stream, nargs, args);
    if (!s) s = dnnl_stream_wait(stream);
    for (int i = 0; i < 8; i++) if (mem[i]) dnnl_memory_destroy(mem[i]);
    return s;
}

int sv_linear_forward(const sv_linear *l, int m, const float *x, float *y) {
    if (m <= 0) return 0;
    tls_t *t = tls_get();
    if (!t) return dnnl_out_of_memory;
    single_threaded();

    dnnl_primitive_t prim;
    size_t scratch_bytes;
    int owned;
    size_t count = (size_t)m * l->k;
    int u8src = l->prec == SV_PREC_INT8 && (g_has_bw ? all_nonnegative_avx512(x, count) : all_nonnegative(x, count));
    int float_bias = l->prec != SV_PREC_INT8 && l->bias;   // bf16/f32: the primitive adds the bias
    int key = l->prec | (float_bias ? 0x100 : 0) | (u8src ? 0x200 : 0);
    dnnl_status_t s = get_matmul(key, m, l->n, l->k, 0, 0, &prim, &scratch_bytes, &owned);
    if (s) return s;

    void *src = l->prec == SV_PREC_F32 ? (void *)x : grow(&t->src, &t->src_cap, count * (l->prec == SV_PREC_BF16 ? 2 : 1));
    void *scratch = scratch_bytes ? grow(&t->scratch, &t->scratch_cap, scratch_bytes) : NULL;
    float *rs = l->prec == SV_PREC_INT8 ? grow((void **)&t->row_scale, &t->rs_cap, (size_t)m * 4) : NULL;
    if (!src || (scratch_bytes && !scratch) || (l->prec == SV_PREC_INT8 && !rs)) {
        if (owned) dnnl_primitive_destroy(prim);
        return dnnl_out_of_memory;
    }
    if (l->prec == SV_PREC_F32) {
        // read in place
    } else if (l->prec == SV_PREC_BF16) {
        sv_to_bf16(x, src, count);
    } else if (g_has_bw) {
        quantize_rows_avx512(x, m, l->k, u8src ? 255 : 127, src, rs);
    } else {
        quantize_rows_scalar(x, m, l->k, u8src ? 255 : 127, src, rs);
    }

    dnnl_memory_desc_t smd, wmd, bmd, dmd, pmd;
    dnnl_dims_t sd = {m, l->k}, wd = {l->k, l->n}, bd = {1, l->n}, dd = {m, l->n}, pd = {(dnnl_dim_t)scratch_bytes};
    dnnl_data_type_t sdt = l->prec == SV_PREC_F32 ? dnnl_f32 : l->prec == SV_PREC_BF16 ? dnnl_bf16 : (u8src ? dnnl_u8 : dnnl_s8);
    dnnl_data_type_t wdt = l->prec == SV_PREC_F32 ? dnnl_f32 : l->prec == SV_PREC_BF16 ? dnnl_bf16 : dnnl_s8;
    dnnl_data_type_t ddt = l->prec == SV_PREC_INT8 ? dnnl_s32 : dnnl_f32;
    dnnl_memory_desc_init_by_tag(&smd, 2, sd, sdt, dnnl_ab);
    dnnl_memory_desc_init_by_tag(&wmd, 2, wd, wdt, dnnl_ba);
    dnnl_memory_desc_init_by_tag(&bmd, 2, bd, dnnl_f32, dnnl_ab);
    dnnl_memory_desc_init_by_tag(&dmd, 2, dd, ddt, dnnl_ab);
    dnnl_memory_desc_init_by_tag(&pmd, 1, pd, dnnl_u8, dnnl_a);

    const binding bound[5] = {
        {DNNL_ARG_SRC, &smd, src}, {DNNL_ARG_WEIGHTS, &wmd, l->w}, {DNNL_ARG_DST, &dmd, y},
        {DNNL_ARG_BIAS, &bmd, float_bias ? l->bias : NULL}, {DNNL_ARG_SCRATCHPAD, &pmd, scratch_bytes ? scratch : NULL},
    };
    s = execute_bound(prim, t->stream, bound, 5);
    if (owned) dnnl_primitive_destroy(prim);
    if (s) return s;

    if (l->prec == SV_PREC_INT8) {
        if (g_has_bw) dequantize_avx512(y, m, l->n, rs, l->col_scale, l->bias);
        else dequantize_scalar(y, m, l->n, rs, l->col_scale, l->bias);
    }
    return 0;
}

// MARK: Attention (batched over heads, bf16 in, float32 out)

// Kinds: scores or context, with bf16 operands or (| ATT_F32) float32 ones.
enum { ATT_SCORES = 0x10, ATT_CONTEXT = 0x11, ATT_F32 = 0x20 };

// `heads` heads of width `dk` out of a model of width `d` (the row strides of qkv and ctx).
static void attention_mds(int kind, int t, int heads, int dk, dnnl_dim_t d, dnnl_memory_desc_t *a,
                          dnnl_memory_desc_t *b, dnnl_memory_desc_t *c) {
    dnnl_data_type_t in = (kind & ATT_F32) ? dnnl_f32 : dnnl_bf16;
    if ((kind & ~ATT_F32) == ATT_SCORES) {   // Q [h, t, dk] · Kᵀ [h, dk, t] → [h, t, t]
        dnnl_dims_t ad = {heads, t, dk}, as = {dk, 3 * d, 1};
        dnnl_dims_t bd = {heads, dk, t}, bs = {dk, 1, 3 * d};
        dnnl_dims_t cd = {heads, t, t};
        dnnl_memory_desc_init_by_strides(a, 3, ad, in, as);
        dnnl_memory_desc_init_by_strides(b, 3, bd, in, bs);
        dnnl_memory_desc_init_by_tag(c, 3, cd, dnnl_f32, dnnl_abc);
    } else {                    // P [h, t, t] · V [h, t, dk] → ctx [t, h·dk]
        dnnl_dims_t ad = {heads, t, t};
        dnnl_dims_t bd = {heads, t, dk}, bs = {dk, 3 * d, 1};
        dnnl_dims_t cd = {heads, t, dk}, cs = {dk, d, 1};
        dnnl_memory_desc_init_by_tag(a, 3, ad, in, dnnl_abc);
        dnnl_memory_desc_init_by_strides(b, 3, bd, in, bs);
        dnnl_memory_desc_init_by_strides(c, 3, cd, dnnl_f32, cs);
    }
}

static dnnl_status_t create_attention(int kind, int t, int heads, int dk, int d, uint32_t scale_bits,
                                      dnnl_primitive_t *out, size_t *scratch) {
    dnnl_memory_desc_t a, b, c;
    attention_mds(kind, t, heads, dk, d, &a, &b, &c);
    dnnl_matmul_desc_t md;
    dnnl_status_t s;
    if ((s = dnnl_matmul_desc_init(&md, &a, &b, NULL, &c))) return s;
    float scale;
    memcpy(&scale, &scale_bits, 4);
    return create_primitive(&md, (kind & ~ATT_F32) == ATT_SCORES ? &scale : NULL, out, scratch);
}

static int attention_run(int kind, int t, int heads, int dk, int d, float scale, const void *a, const void *b, float *c) {
    if (t <= 0) return 0;
    pthread_once(&g_engine_once, engine_init);
    if (g_engine_status != dnnl_success) return g_engine_status;
    tls_t *tl = tls_get();
    if (!tl) return dnnl_out_of_memory;
    single_threaded();
    uint32_t bits = 0;
    if ((kind & ~ATT_F32) == ATT_SCORES) memcpy(&bits, &scale, 4);
    dnnl_primitive_t prim;
    size_t scratch_bytes;
    int owned;
    dnnl_status_t s = get_matmul(kind, t, heads, dk, d, bits, &prim, &scratch_bytes, &owned);
    if (s) return s;
    void *scratch = scratch_bytes ? grow(&tl->scratch, &tl->scratch_cap, scratch_bytes) : NULL;
    if (scratch_bytes && !scratch) {
        if (owned) dnnl_primitive_destroy(prim);
        return dnnl_out_of_memory;
    }
    dnnl_memory_desc_t amd, bmd, cmd, pmd;
    attention_mds(kind, t, heads, dk, d, &amd, &bmd, &cmd);
    dnnl_dims_t pd = {(dnnl_dim_t)scratch_bytes};
    dnnl_memory_desc_init_by_tag(&pmd, 1, pd, dnnl_u8, dnnl_a);
    const binding bound[4] = {
        {DNNL_ARG_SRC, &amd, (void *)a}, {DNNL_ARG_WEIGHTS, &bmd, (void *)b}, {DNNL_ARG_DST, &cmd, c},
        {DNNL_ARG_SCRATCHPAD, &pmd, scratch_bytes ? scratch : NULL},
    };
    s = execute_bound(prim, tl->stream, bound, 4);
    if (owned) dnnl_primitive_destroy(prim);
    return s;
}

int sv_attention_scores_bf16(int t, int heads, int dk, int d, const uint16_t *qkv, float scale, float *scores) {
    return attention_run(ATT_SCORES, t, heads, dk, d, scale, qkv, qkv + d, scores);
}

int sv_attention_context_bf16(int t, int heads, int dk, int d, const uint16_t *probs, const uint16_t *qkv, float *ctx) {
    return attention_run(ATT_CONTEXT, t, heads, dk, d, 0, probs, qkv + 2 * (size_t)d, ctx);
}

int sv_attention_scores_f32(int t, int heads, int dk, int d, const float *qkv, float scale, float *scores) {
    return attention_run(ATT_SCORES | ATT_F32, t, heads, dk, d, scale, qkv, qkv + d, scores);
}

int sv_attention_context_f32(int t, int heads, int dk, int d, const float *probs, const float *qkv, float *ctx) {
    return attention_run(ATT_CONTEXT | ATT_F32, t, heads, dk, d, 0, probs, qkv + 2 * (size_t)d, ctx);
}
