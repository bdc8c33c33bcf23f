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

#ifdef __cplusplus
}
#endif

#endif
