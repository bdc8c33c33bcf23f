// AVX-512 exp (Cephes expf polynomial, FMA) and the softmax passes built on it; see CKernels.h.

#include "CKernels.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>

static int detect_avx512(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    if (!(c & (1u << 27))) return 0;                    // OSXSAVE
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 0xE6) != 0xE6) return 0;                  // XMM, YMM, opmask, ZMM_Hi256, Hi16_ZMM state
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    return (b & (1u << 16)) != 0;                       // AVX512F
}

int svk_has_avx512(void) {
    static int cached = -1;
    int v = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (v < 0) {
        v = detect_avx512();
        __atomic_store_n(&cached, v, __ATOMIC_RELAXED);
    }
    return v;
}

#define AVX512 __attribute__((target("avx512f")))

// exp of 16 lanes: x = n·ln2 + r, |r| ≤ ln2/2, exp(r) by the Cephes polynomial, 2ⁿ from the bits.
// Below −87.34 gives 0, above 88.72 +inf, NaN stays NaN (as FastMath.exp in Swift).
AVX512 static inline __m512 exp16(__m512 x) {
    const __m512 lo = _mm512_set1_ps(-87.336544750553101f);
    const __m512 hi = _mm512_set1_ps(88.72283905206835f);
    __mmask16 below = _mm512_cmp_ps_mask(x, lo, _CMP_LT_OQ);
    __mmask16 above = _mm512_cmp_ps_mask(x, hi, _CMP_GT_OQ);
    __mmask16 nan = _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q);
    __m512 xc = _mm512_min_ps(_mm512_max_ps(x, lo), hi);
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(xc, _mm512_set1_ps(1.4426950408889634f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), xc);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 r2 = _mm512_mul_ps(r, r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_add_ps(_mm512_fmadd_ps(p, r2, r), _mm512_set1_ps(1.0f));
    __m512i e = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
    __m512 y = _mm512_mul_ps(p, _mm512_castsi512_ps(e));
    y = _mm512_mask_mov_ps(y, below, _mm512_setzero_ps());
    y = _mm512_mask_mov_ps(y, above, _mm512_set1_ps(__builtin_inff()));
    return _mm512_mask_mov_ps(y, nan, x);
}

AVX512 float svk_exp_shift_sum(float *row, long n, float shift) {
    const __m512 s = _mm512_set1_ps(shift);
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    long i = 0;
    for (; i + 32 <= n; i += 32) {
        __m512 e0 = exp16(_mm512_sub_ps(_mm512_loadu_ps(row + i), s));
        __m512 e1 = exp16(_mm512_sub_ps(_mm512_loadu_ps(row + i + 16), s));
        _mm512_storeu_ps(row + i, e0);
        _mm512_storeu_ps(row + i + 16, e1);
        acc0 = _mm512_add_ps(acc0, e0);
        acc1 = _mm512_add_ps(acc1, e1);
    }
    for (; i < n; i += 16) {
        long left = n - i;
        __mmask16 m = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        __m512 v = _mm512_mask_loadu_ps(_mm512_set1_ps(-__builtin_inff()), m, row + i);
        __m512 e = exp16(_mm512_sub_ps(v, s));
        _mm512_mask_storeu_ps(row + i, m, e);
        acc0 = _mm512_add_ps(acc0, _mm512_maskz_mov_ps(m, e));
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
}

AVX512 float svk_sum_exp_shift(const float *row, long n, float shift) {
    const __m512 s = _mm512_set1_ps(shift);
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    long i = 0;
    for (; i + 32 <= n; i += 32) {
        acc0 = _mm512_add_ps(acc0, exp16(_mm512_sub_ps(_mm512_loadu_ps(row + i), s)));
        acc1 = _mm512_add_ps(acc1, exp16(_mm512_sub_ps(_mm512_loadu_ps(row + i + 16), s)));
    }
    for (; i < n; i += 16) {
        long left = n - i;
        __mmask16 m = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        __m512 v = _mm512_mask_loadu_ps(_mm512_set1_ps(-__builtin_inff()), m, row + i);
        acc0 = _mm512_add_ps(acc0, _mm512_maskz_mov_ps(m, exp16(_mm512_sub_ps(v, s))));
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
}

AVX512 void svk_exp(const float *x, float *y, long n) {
    for (long i = 0; i < n; i += 16) {
        long left = n - i;
        __mmask16 m = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        _mm512_mask_storeu_ps(y + i, m, exp16(_mm512_maskz_loadu_ps(m, x + i)));
    }
}

AVX512 float svk_max(const float *row, long n) {
    __m512 m = _mm512_set1_ps(-__builtin_inff());
    for (long i = 0; i < n; i += 16) {
        long left = n - i;
        __mmask16 k = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        m = _mm512_mask_max_ps(m, k, m, _mm512_maskz_loadu_ps(k, row + i));
    }
    return _mm512_reduce_max_ps(m);
}

AVX512 void svk_scale(float *row, long n, float s) {
    const __m512 sv = _mm512_set1_ps(s);
    for (long i = 0; i < n; i += 16) {
        long left = n - i;
        __mmask16 k = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1);
        _mm512_mask_storeu_ps(row + i, k, _mm512_mul_ps(_mm512_maskz_loadu_ps(k, row + i), sv));
    }
}

AVX512 void svk_fsmn(long lo, long hi, long rows, long cols, const float *v, long ldv, const float *taps, long kernel,
                     long left, const float *proj, float *x, int residual) {
    for (long r = lo; r < hi; r++) {
        long tap_lo = left - r > 0 ? left - r : 0;
        long tap_hi = rows + left - r < kernel ? rows + left - r : kernel;
        float *out = x + r * cols;
        const float *pr = proj + r * cols, *vs = v + r * ldv;
        for (long c = 0; c < cols; c += 16) {
            long rest = cols - c;
            __mmask16 k = rest >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << rest) - 1);
            __m512 m = _mm512_add_ps(_mm512_maskz_loadu_ps(k, pr + c), _mm512_maskz_loadu_ps(k, vs + c));
            for (long tap = tap_lo; tap < tap_hi; tap++) {
                __m512 p = _mm512_mul_ps(_mm512_maskz_loadu_ps(k, taps + tap * cols + c),
                                         _mm512_maskz_loadu_ps(k, v + (r + tap - left) * ldv + c));
                m = _mm512_add_ps(m, p);
            }
            if (residual) m = _mm512_add_ps(_mm512_maskz_loadu_ps(k, out + c), m);
            _mm512_mask_storeu_ps(out + c, k, m);
        }
    }
}

#else

int svk_has_avx512(void) { return 0; }
float svk_max(const float *row, long n) { (void)row; (void)n; return 0; }
void svk_scale(float *row, long n, float s) { (void)row; (void)n; (void)s; }
void svk_fsmn(long lo, long hi, long rows, long cols, const float *v, long ldv, const float *taps, long kernel,
              long left, const float *proj, float *x, int residual) {
    (void)lo; (void)hi; (void)rows; (void)cols; (void)v; (void)ldv; (void)taps; (void)kernel; (void)left;
    (void)proj; (void)x; (void)residual;
}
float svk_exp_shift_sum(float *row, long n, float shift) { (void)row; (void)n; (void)shift; return 0; }
float svk_sum_exp_shift(const float *row, long n, float shift) { (void)row; (void)n; (void)shift; return 0; }
void svk_exp(const float *x, float *y, long n) { (void)x; (void)y; (void)n; }

#endif
