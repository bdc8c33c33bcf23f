// CDNNL: a small C API over oneDNN (libdnnl 2.6) matmul for reduced-precision linear layers.
//
// A `sv_linear` holds one PyTorch-style linear layer y[m, n] = x[m, k] · W[n, k]ᵀ + b[n] with W
// converted once (bf16, or s8 symmetric per output channel). Forward calls take float32 in and out
// and run single-threaded (callers split rows over their own threads). Matmul primitives are shared
// between layers of equal shape and cached by (precision, m, n, k) in a process-wide, mutex-guarded
// cache; scratch memory is per calling thread, so one `sv_linear` may run on several threads at once.
#ifndef CDNNL_H
#define CDNNL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Precisions a `sv_linear` can hold.
/// F32 borrows the caller's weights (no copy; they must outlive the `sv_linear`).
enum { SV_PREC_BF16 = 1, SV_PREC_INT8 = 2, SV_PREC_F32 = 3 };

typedef struct sv_linear sv_linear;

/// 1 when the CPU has AVX512_BF16 (cpuid leaf 7.1 EAX bit 5), else 0.
int sv_cpu_has_avx512_bf16(void);
/// 1 when the CPU has AVX512_VNNI (cpuid leaf 7.0 ECX bit 11), else 0.
int sv_cpu_has_avx512_vnni(void);
/// 1 when the CPU has AVX512F and AVX512BW (our quantise/dequantise kernels), else 0.
int sv_cpu_has_avx512_bw(void);
/// oneDNN's view of the best instruction set it will use, as a short string (e.g. "avx512_core_bf16").
const char *sv_dnnl_isa(void);

/// oneDNN's name for a status a call returned (e.g. "out_of_memory").
const char *sv_dnnl_status_name(int status);

/// Converts `w` (`[n, k]` row-major float32) and `bias` (`[n]`, may be NULL) to `precision`
/// (for `SV_PREC_F32`, `w` is used in place).
/// Returns NULL with a message in `err` (size `errlen`) on failure.
sv_linear *sv_linear_create(int precision, int n, int k, const float *w, const float *bias,
                            char *err, size_t errlen);
void sv_linear_destroy(sv_linear *l);

/// y[m, n] = x[m, k] · Wᵀ + b. Returns 0, or a oneDNN status (non-zero) on failure.
int sv_linear_forward(const sv_linear *l, int m, const float *x, float *y);

/// Converts `count` floats to bf16 (round to nearest even) into `y` (`count` uint16).
void sv_to_bf16(const float *x, uint16_t *y, size_t count);

/// Attention scores of `heads` consecutive heads in one batched bf16 matmul:
/// scores[h, t, t] (float32) = scale · Q_h · K_hᵀ, with Q_h = qkv[:, h·dk ..] and K_h = qkv[:, d + h·dk ..]
/// read from `qkv` `[t, 3d]` in bf16 (see `sv_to_bf16`); `d` is the model width (all heads), so a
/// caller passes `qkv + h0·dk` to start at head h0. Returns 0 or a oneDNN status.
int sv_attention_scores_bf16(int t, int heads, int dk, int d, const uint16_t *qkv, float scale, float *scores);
/// Context of `heads` consecutive heads: ctx[t, h·dk ..] (float32, row stride `d`) = P_h · V_h, with
/// P `[heads, t, t]` (bf16 probabilities) and V_h = qkv[:, 2d + h·dk ..] (bf16). Returns 0 or a oneDNN status.
int sv_attention_context_bf16(int t, int heads, int dk, int d, const uint16_t *probs, const uint16_t *qkv, float *ctx);

/// `sv_attention_scores_bf16` with float32 `qkv` (read in place).
int sv_attention_scores_f32(int t, int heads, int dk, int d, const float *qkv, float scale, float *scores);
/// `sv_attention_context_bf16` with float32 `probs` and `qkv` (read in place).
int sv_attention_context_f32(int t, int heads, int dk, int d, const float *probs, const float *qkv, float *ctx);

#ifdef __cplusplus
}
#endif
#endif
