// CFFmpegShim: a few C functions over libavformat/libavcodec that decode the best audio stream
// of any container FFmpeg knows into mono float32 frames at the stream's own sample rate.
//
// The Swift side (SenseVoiceAudio/FFmpegSource.swift) sees only this opaque API: no FFmpeg
// struct, macro or enum crosses into Swift, so FFmpeg's headers stay an implementation detail.
// Every function is safe to call from any thread on distinct decoders; one decoder is used by one
// thread at a time.
#ifndef SENSEVOICE_CFFMPEG_SHIM_API_H
#define SENSEVOICE_CFFMPEG_SHIM_API_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Status codes (`svff_open_*`, `svff_read`). Negative values are errors.
#define SVFF_OK 0
#define SVFF_END 1
#define SVFF_ERR_NOT_FOUND (-1)       ///< the path does not exist
#define SVFF_ERR_IO (-2)              ///< the file could not be opened or read
#define SVFF_ERR_UNRECOGNIZED (-3)    ///< no demuxer recognised the bytes with confidence
#define SVFF_ERR_NO_AUDIO (-4)        ///< the container holds no audio stream
#define SVFF_ERR_NO_DECODER (-5)      ///< the audio codec is not supported by this FFmpeg build
#define SVFF_ERR_INVALID_PARAMS (-6)  ///< absurd stream parameters (channels, sample rate)
#define SVFF_ERR_DECODE (-7)          ///< the stream could not be decoded
#define SVFF_ERR_NOMEM (-8)           ///< an allocation failed
#define SVFF_ERR_FORMAT_REJECTED (-9) ///< a recognised format that is not a self-contained audio file (playlists, images)
#define SVFF_ERR_INVALID_HEADER (-10) ///< the format was recognised but its header could not be read

/// Upper bounds the decoder accepts; larger values are treated as a lying header.
#define SVFF_MAX_CHANNELS 256
#define SVFF_MAX_SAMPLE_RATE 768000

typedef struct svff_decoder svff_decoder;

/// Opens a file by path. Content sniffing only: the file name's extension is not used.
/// On failure returns a negative status, leaves `*out` NULL and writes a message into `message`.
int svff_open_file(const char *path, svff_decoder **out, char *message, size_t message_size);

/// Opens in-memory bytes. With `copy` 0 the bytes must outlive the decoder; with `copy` 1 they
/// are copied first.
int svff_open_memory(const uint8_t *data, size_t size, int copy, svff_decoder **out,
                     char *message, size_t message_size);

/// Opens a URL through FFmpeg's own protocols (http(s), HLS, rtmp, rtsp, udp, …; also plain
/// paths), for live streams chosen by the user on the command line — never for uploads. Reads
/// fail after `timeout_ms` without data (0: FFmpeg's default, which may wait forever).
int svff_open_url(const char *url, int timeout_ms, svff_decoder **out, char *message, size_t message_size);

/// Decodes the next frame, averages its channels (or takes the one `svff_select_channel` chose)
/// and returns it as mono float32 samples at `*sample_rate`. `*samples` points into the decoder and stays valid until the next call.
/// Returns SVFF_OK (with `*count` > 0), SVFF_END at the end of the stream, or a negative error
/// (then `svff_message` says what happened).
int svff_read(svff_decoder *d, const float **samples, int *count, int *sample_rate);

/// Makes `svff_read` return only channel `channel` (0-based) of each frame instead of the mean
/// of all channels; -1 returns to the mean. Call before the first `svff_read`. Returns SVFF_OK or
/// SVFF_ERR_INVALID_PARAMS; a channel the frames do not have fails the read that meets it.
int svff_select_channel(svff_decoder *d, int channel);

/// The last error message of `d` (empty if none).
const char *svff_message(const svff_decoder *d);
/// The demuxer's short name ("mp3", "mov,mp4,m4a,3gp,3g2,mj2", …).
const char *svff_format_name(const svff_decoder *d);
/// The audio codec's short name ("mp3float", "aac", …).
const char *svff_codec_name(const svff_decoder *d);
/// The stream's sample rate from its parameters (0 when unknown before decoding).
int svff_sample_rate(const svff_decoder *d);
/// The stream's channel count from its parameters (0 when unknown before decoding).
int svff_channels(const svff_decoder *d);
/// The container's duration in seconds, or a negative value when unknown.
double svff_duration(const svff_decoder *d);
/// 1 when `svff_duration` is only estimated from the bit rate (MP3 without a Xing/VBRI header).
int svff_duration_is_estimate(const svff_decoder *d);

/// Frees the decoder and everything it owns. NULL is allowed.
void svff_close(svff_decoder *d);

#ifdef __cplusplus
}
#endif
#endif
