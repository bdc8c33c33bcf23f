// CFFmpegFilter: a small opaque C API over libavfilter that runs one denoising filter over mono
// float32 samples, chunk by chunk (FFmpeg's `afftdn`, or `arnndn` with an RNNoise model file).
//
// The Swift side (SenseVoiceAudio/Denoiser.swift) sees only this API. One filter is used by one
// thread at a time; distinct filters are independent.
#ifndef SENSEVOICE_CFFMPEG_FILTER_H
#define SENSEVOICE_CFFMPEG_FILTER_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Filter kinds.
#define SVAF_AFFTDN 1  ///< FFmpeg's FFT denoiser (`afftdn`), at the input rate
#define SVAF_ARNNDN 2  ///< FFmpeg's RNNoise filter (`arnndn`), run at 48 kHz and resampled back

/// Status codes. Negative values are errors.
#define SVAF_OK 0
#define SVAF_ERR_UNAVAILABLE (-1)  ///< this FFmpeg build lacks the filter
#define SVAF_ERR_MODEL (-2)        ///< arnndn refused the model file (missing, unreadable or not an RNNoise model)
#define SVAF_ERR_GRAPH (-3)        ///< the filter graph could not be built or run
#define SVAF_ERR_NOMEM (-4)        ///< an allocation failed

typedef struct svaf_filter svaf_filter;

/// Builds a filter for mono float32 samples at `sample_rate` Hz. `model_path` is the RNNoise model
/// for SVAF_ARNNDN (ignored otherwise); `options` the afftdn option string (`nr=12:nf=-30`, NULL:
/// FFmpeg's defaults; ignored for SVAF_ARNNDN). On failure returns a negative status, leaves `*out`
/// NULL and writes a message into `message`.
int svaf_open(int kind, const char *model_path, const char *options, int sample_rate, svaf_filter **out,
              char *message, size_t message_size);

/// Feeds `count` samples (any count, 0 allowed) and, when `flush` is non-zero, ends the input.
/// The filtered samples available so far are left in an internal buffer: `*out` points at them
/// and `*out_count` says how many; they stay valid until the next call on this filter.
int svaf_process(svaf_filter *f, const float *samples, size_t count, int flush,
                 const float **out, size_t *out_count, char *message, size_t message_size);

/// Changes one of the denoising filter's runtime options (afftdn's `nf`, …) from the next frame
/// it processes on.
int svaf_command(svaf_filter *f, const char *option, const char *value, char *message, size_t message_size);

/// Frees the filter (NULL is allowed).
void svaf_close(svaf_filter *f);

#ifdef __cplusplus
}
#endif

#endif
