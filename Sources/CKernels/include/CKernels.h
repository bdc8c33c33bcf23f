// CKernels: AVX-512 versions of the encoder's exp-heavy row kernels, chosen at run time.
//
// Swift has no per-function target attributes, so the 16-lane FMA code lives here, compiled with
// `__attribute__((target("avx512f")))` and called only when `svk_has_avx512()` says the CPU and
// the OS support it; everything else uses the Swift SIMD kernels.
#ifndef SENSEVOICE_CKERNELS_H
#define SENSEVOICE_CKERNELS_H

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when AVX-512F is usable (CPUID and the OS saving ZMM state), else 0. Cheap after the first call.
int svk_has_avx512(void);

/// `row[i] = exp(row[i] - shift)` for i < n; returns the sum of the results. AVX-512 only.
float svk_exp_shift_sum(float *row, long n, float shift);

/// Σ exp(row[i] - shift) for i < n, leaving `row` unchanged. AVX-512 only.
float svk_sum_exp_shift(const float *row, long n, float shift);

/// `y[i] = exp(x[i])` for i < n (tests). AVX-512 only.
void svk_exp(const float *x, float *y, long n);

/// Largest element of `row` (n ≥ 1; NaNs ignored unless all are NaN). AVX-512 only.
float svk_max(const float *row, long n);

/// `row[i] *= s` for i < n. AVX-512 only.
void svk_scale(float *row, long n, float s);

/// The SAN-M FSMN memory block for rows `lo..<hi` of `rows` (see `FastKernels.fsmnMemory`): per row r,
/// `m = proj[r] + v[r] + Σ_tap taps[tap] ⊙ v[r + tap − left]` (taps outside the rows skipped, summed
/// in tap order, multiply then add, no FMA), then `x[r] += m` when `residual`, else `x[r] = m`.
/// AVX-512 only.
void svk_fsmn(long lo, long hi, long rows, long cols, const float *v, long ldv, const float *taps, long kernel,
              long left, const float *proj, float *x, int residual);

/// A spin-wait hint to the CPU (`pause` on x86, `yield` on ARM, nothing elsewhere).
static inline void svk_spin_pause(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

#ifdef __cplusplus
}
#endif

#endif
