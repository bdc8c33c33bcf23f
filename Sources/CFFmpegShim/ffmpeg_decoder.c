// CFFmpegShim: demux + decode one audio stream with libavformat/libavcodec (FFmpeg 5.1 API:
// avcodec_send_packet/avcodec_receive_frame, AVChannelLayout `ch_layout`), averaging channels to
// mono float32 at the stream's native rate. Resampling is done in Swift (SincResampler), so every
// input format goes through the same torchaudio-compatible resampler.
//
// Input always comes through a custom AVIOContext (memory or a file descriptor), never through an
// FFmpeg protocol: no URL is ever opened, and probing sees only the bytes (no file extension).
// Only container demuxers that read a single self-contained file are allowed (`format_whitelist`),
// so playlists (hls, concat, …) cannot make FFmpeg open other files.
// The one exception is `svff_open_url`, used only by the CLI's `stream` command for a URL its
// user typed: it opens the URL through FFmpeg's network protocols and any demuxer (HLS included).

#include "CFFmpegShim.h"
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavformat/avio.h>
#include <libavutil/avstring.h>
#include <libavutil/avutil.h>
#include <libavutil/channel_layout.h>
#include <libavutil/samplefmt.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SVFF_IO_BUFFER_SIZE 65536
/// Probes below this score are "misdetection possible" in FFmpeg's words; treat them as unknown.
#define SVFF_MIN_PROBE_SCORE AVPROBE_SCORE_RETRY
/// Consecutive decode errors after which a stream is given up.
#define SVFF_MAX_CONSECUTIVE_ERRORS 1000

/// Demuxers of single-file audio and audio/video containers. Matching is on any of a demuxer's
/// comma-separated names.
static const char *const svff_format_whitelist =
    "wav,w64,mp3,flac,ogg,matroska,webm,mov,mp4,m4a,3gp,aac,loas,amr,amrnb,amrwb,caf,aiff,au,"
    "ac3,eac3,dts,dtshd,truehd,mlp,mpegts,mpeg,avi,asf,wv,ape,tta,tak,mpc,mpc8,flv,voc,gsm,xwma,"
    "rm,nut,mxf,shn,dsf,sox,ircam,vqf,wsaud,smjpeg,aa";

struct svff_input {
    // Memory input.
    const uint8_t *data;
    uint8_t *owned;
    size_t size;
    size_t pos;
    // File input (fd >= 0).
    int fd;
};

struct svff_decoder {
    struct svff_input input;
    AVIOContext *avio;
    AVFormatContext *fmt;
    AVCodecContext *codec;
    AVPacket *packet;
    AVFrame *frame;
    int stream_index;
    int draining;
    int finished;
    int64_t frames_decoded;
    int64_t decode_errors;
    int consecutive_errors;
    int read_error;
    float *buffer;
    size_t buffer_capacity;
    int channel;  ///< the one channel `svff_read` returns (svff_select_channel), or -1: the mean of all
    char message[256];
    char format_name[96];
    char codec_name[64];
};

// MARK: - Logging

static pthread_once_t svff_log_once = PTHREAD_ONCE_INIT;

/// FFmpeg logs to stderr by default; a library inside a server should not. Set
/// SENSEVOICE_FFMPEG_LOGLEVEL to an av_log level (e.g. 32 for info) to see its messages.
static void svff_init_logging(void) {
    const char *env = getenv("SENSEVOICE_FFMPEG_LOGLEVEL");
    av_log_set_level(env ? atoi(env) : AV_LOG_QUIET);
}

static void set_message(char *buf, size_t size, const char *fmt_text, int averr) {
    if (!buf || size == 0) return;
    if (averr != 0) {
        char err[128];
        av_strerror(averr, err, sizeof err);
        snprintf(buf, size, "%s (%s)", fmt_text, err);
    } else {
        snprintf(buf, size, "%s", fmt_text);
    }
}

/// `set_message` of a printf-style text (shortened to 191 bytes).
__attribute__((format(printf, 4, 5)))
static void set_messagef(char *buf, size_t size, int averr, const char *format, ...) {
    char text[192];
    va_list args;
    va_start(args, format);
    vsnprintf(text, sizeof text, format, args);
    va_end(args);
    set_message(buf, size, text, averr);
}

// MARK: - Custom I/O

static int svff_read_packet(void *opaque, uint8_t *buf, int size) {
    struct svff_input *in = opaque;
    if (size <= 0) return 0;
    if (in->fd >= 0) {
        for (;;) {
            ssize_t n = read(in->fd, buf, (size_t)size);
            if (n > 0) return (int)n;
            if (n == 0) return AVERROR_EOF;
            if (errno == EINTR) continue;
            return AVERROR(errno);
        }
    }
    if (in->pos >= in->size) return AVERROR_EOF;
    size_t left = in->size - in->pos;
    size_t n = (size_t)size < left ? (size_t)size : left;
    memcpy(buf, in->data + in->pos, n);
    in->pos += n;
    return (int)n;
}

static int64_t svff_seek(void *opaque, int64_t offset, int whence) {
    struct svff_input *in = opaque;
    whence &= ~AVSEEK_FORCE;
    if (in->fd >= 0) {
        if (whence == AVSEEK_SIZE) {
            struct stat st;
            if (fstat(in->fd, &st) != 0 || !S_ISREG(st.st_mode)) return -1;
            return (int64_t)st.st_size;
        }
        if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) return AVERROR(EINVAL);
        off_t r = lseek(in->fd, (off_t)offset, whence);
        return r < 0 ? AVERROR(errno) : (int64_t)r;
    }
    if (whence == AVSEEK_SIZE) return (int64_t)in->size;
    int64_t base;
    switch (whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = (int64_t)in->pos; break;
    case SEEK_END: base = (int64_t)in->size; break;
    default: return AVERROR(EINVAL);
    }
    // base + offset in [0, size], written so that it cannot overflow.
    if (offset < -base || offset > (int64_t)in->size - base) return AVERROR(EINVAL);
    in->pos = (size_t)(base + offset);
    return (int64_t)in->pos;
}

// MARK: - Open / close

void svff_close(svff_decoder *d) {
    if (!d) return;
    av_frame_free(&d->frame);
    av_packet_free(&d->packet);
    avcodec_free_context(&d->codec);
    avformat_close_input(&d->fmt);  // does not free a custom AVIOContext
    if (d->avio) {
        av_freep(&d->avio->buffer);
        avio_context_free(&d->avio);
    }
    if (d->input.fd >= 0) close(d->input.fd);
    free(d->input.owned);
    free(d->buffer);
    free(d);
}

static svff_decoder *svff_alloc(void) {
    pthread_once(&svff_log_once, svff_init_logging);
    svff_decoder *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->input.fd = -1;
    d->stream_index = -1;
    d->channel = -1;
    return d;
}

static int svff_open_decoder(svff_decoder *d, char *message, size_t message_size);

/// Everything after the input is set up: probe, find the audio stream, open its decoder.
static int svff_open_common(svff_decoder *d, char *message, size_t message_size) {
    uint8_t *iobuf = av_malloc(SVFF_IO_BUFFER_SIZE);
    if (!iobuf) goto nomem;
    d->avio = avio_alloc_context(iobuf, SVFF_IO_BUFFER_SIZE, 0, &d->input, svff_read_packet, NULL,
                                 svff_seek);
    if (!d->avio) { av_free(iobuf); goto nomem; }
    d->fmt = avformat_alloc_context();
    if (!d->fmt) goto nomem;
    d->fmt->pb = d->avio;
    // Set by avformat_open_input too, but needed already if we fail before calling it:
    // avformat_close_input must not avio_close() our own AVIOContext.
    d->fmt->flags |= AVFMT_FLAG_CUSTOM_IO;

    // Probe first (content only: the URL is empty), so that "unknown bytes", "a format we do not
    // accept" and "a known format with a broken header" can be told apart.
    const AVInputFormat *iformat = NULL;
    int score = av_probe_input_buffer2(d->avio, &iformat, "", NULL, 0, 0);
    if (score == AVERROR(ENOMEM)) goto nomem;
    if (score < 0 || !iformat) {
        if (score < 0 && score != AVERROR_INVALIDDATA && score != AVERROR_EOF) {
            set_message(message, message_size, "could not read the input", score);
            return SVFF_ERR_IO;
        }
        set_message(message, message_size, "not a recognised audio or video format", 0);
        return SVFF_ERR_UNRECOGNIZED;
    }
    if (score < SVFF_MIN_PROBE_SCORE) {
        set_messagef(message, message_size, 0,
                     "not a recognised audio or video format (at best it faintly resembles '%s')", iformat->name);
        return SVFF_ERR_UNRECOGNIZED;
    }
    if (av_match_list(iformat->name, svff_format_whitelist, ',') <= 0) {
        set_messagef(message, message_size, 0, "the format '%s' is not a self-contained audio or video file", iformat->name);
        return SVFF_ERR_FORMAT_REJECTED;
    }

    AVDictionary *opts = NULL;
    av_dict_set(&opts, "format_whitelist", svff_format_whitelist, 0);
    av_dict_set(&opts, "protocol_whitelist", "none", 0);
    int r = avformat_open_input(&d->fmt, "", iformat, &opts);  // frees d->fmt on failure
    av_dict_free(&opts);
    if (r < 0) {
        if (r == AVERROR(ENOMEM)) goto nomem;
        set_messagef(message, message_size, r, "the '%s' header is invalid or truncated", iformat->name);
        return SVFF_ERR_INVALID_HEADER;
    }
    return svff_open_decoder(d, message, message_size);

nomem:
    set_message(message, message_size, "out of memory while opening the audio decoder", 0);
    return SVFF_ERR_NOMEM;
}

/// Everything after the container is open: find the audio stream, open its decoder.
static int svff_open_decoder(svff_decoder *d, char *message, size_t message_size) {
    snprintf(d->format_name, sizeof d->format_name, "%s", d->fmt->iformat->name);
    // Stream info fills in parameters some containers (ADTS, MPEG-TS) do not carry in a header.
    // Failure is not fatal: decoding may still work, and fails clearly below if not.
    (void)avformat_find_stream_info(d->fmt, NULL);

    const AVCodec *codec = NULL;
    int r = av_find_best_stream(d->fmt, AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
    if (r == AVERROR_DECODER_NOT_FOUND) {
        const char *name = "unknown";
        for (unsigned i = 0; i < d->fmt->nb_streams; i++) {
            if (d->fmt->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO) {
                name = avcodec_get_name(d->fmt->streams[i]->codecpar->codec_id);
                break;
            }
        }
        set_messagef(message, message_size, 0, "the audio codec '%s' is not supported by this FFmpeg build", name);
        return SVFF_ERR_NO_DECODER;
    }
    if (r < 0 || !codec) {
        set_message(message, message_size, "the file contains no audio stream", 0);
        return SVFF_ERR_NO_AUDIO;
    }
    d->stream_index = r;
    for (unsigned i = 0; i < d->fmt->nb_streams; i++) {
        if ((int)i != d->stream_index) d->fmt->streams[i]->discard = AVDISCARD_ALL;
    }
    AVStream *st = d->fmt->streams[d->stream_index];
    const AVCodecParameters *par = st->codecpar;
    if (par->ch_layout.nb_channels < 0 || par->ch_layout.nb_channels > SVFF_MAX_CHANNELS ||
        par->sample_rate < 0 || par->sample_rate > SVFF_MAX_SAMPLE_RATE) {
        set_messagef(message, message_size, 0, "the audio stream declares %d channels at %d Hz, which is not plausible",
                     par->ch_layout.nb_channels, par->sample_rate);
        return SVFF_ERR_INVALID_PARAMS;
    }
    snprintf(d->codec_name, sizeof d->codec_name, "%s", codec->name);

    d->codec = avcodec_alloc_context3(codec);
    if (!d->codec) goto nomem;
    r = avcodec_parameters_to_context(d->codec, par);
    if (r < 0) {
        set_message(message, message_size, "the audio stream parameters are invalid", r);
        return SVFF_ERR_INVALID_PARAMS;
    }
    d->codec->pkt_timebase = st->time_base;
    d->codec->thread_count = 1;  // callers parallelise across files; stay within the core budget
    r = avcodec_open2(d->codec, codec, NULL);
    if (r < 0) {
        if (r == AVERROR(ENOMEM)) goto nomem;
        set_messagef(message, message_size, r, "could not start the '%s' audio decoder", codec->name);
        return SVFF_ERR_DECODE;
    }
    d->packet = av_packet_alloc();
    d->frame = av_frame_alloc();
    if (!d->packet || !d->frame) goto nomem;
    return SVFF_OK;

nomem:
    set_message(message, message_size, "out of memory while opening the audio decoder", 0);
    return SVFF_ERR_NOMEM;
}

int svff_open_file(const char *path, svff_decoder **out, char *message, size_t message_size) {
    *out = NULL;
    svff_decoder *d = svff_alloc();
    if (!d) {
        set_message(message, message_size, "out of memory while opening the audio decoder", 0);
        return SVFF_ERR_NOMEM;
    }
    d->input.fd = open(path, O_RDONLY | O_CLOEXEC);
    if (d->input.fd < 0) {
        int e = errno;
        svff_close(d);
        set_message(message, message_size, "could not open the file", AVERROR(e));
        return e == ENOENT || e == ENOTDIR ? SVFF_ERR_NOT_FOUND : SVFF_ERR_IO;
    }
    struct stat st;
    if (fstat(d->input.fd, &st) != 0 || S_ISDIR(st.st_mode)) {
        svff_close(d);
        set_message(message, message_size, "the path is a directory, not a file", 0);
        return SVFF_ERR_IO;
    }
    int r = svff_open_common(d, message, message_size);
    if (r != SVFF_OK) { svff_close(d); return r; }
    *out = d;
    return SVFF_OK;
}

int svff_open_memory(const uint8_t *data, size_t size, int copy, svff_decoder **out,
                     char *message, size_t message_size) {
    *out = NULL;
    svff_decoder *d = svff_alloc();
    if (!d) {
        set_message(message, message_size, "out of memory while opening the audio decoder", 0);
        return SVFF_ERR_NOMEM;
    }
    if (copy && size > 0) {
        d->input.owned = malloc(size);
        if (!d->input.owned) {
            svff_close(d);
            set_message(message, message_size, "out of memory while copying the audio data", 0);
            return SVFF_ERR_NOMEM;
        }
        memcpy(d->input.owned, data, size);
        d->input.data = d->input.owned;
    } else {
        d->input.data = data;
    }
    d->input.size = size;
    int r = svff_open_common(d, message, message_size);
    if (r != SVFF_OK) { svff_close(d); return r; }
    *out = d;
    return SVFF_OK;
}

// MARK: - Decoding

/// Averages the channels of `frame` into d->buffer (sum in channel order, then divide by the
/// channel count, like torch's `mean(0)`), normalising integers as torchaudio does; with a
/// selected channel (`svff_select_channel`) copies that channel alone, normalised the same way.
static int svff_mix(svff_decoder *d, const AVFrame *frame, int *count) {
    int n = frame->nb_samples;
    int ch = frame->ch_layout.nb_channels;
    if (ch <= 0 || ch > SVFF_MAX_CHANNELS) {
        set_messagef(d->message, sizeof d->message, 0, "the decoder produced %d channels, which is not plausible", ch);
        return SVFF_ERR_INVALID_PARAMS;
    }
    if (d->channel >= ch) {
        set_messagef(d->message, sizeof d->message, 0, "channel %d was asked for, but the decoder produced %d channels", d->channel + 1, ch);
        return SVFF_ERR_INVALID_PARAMS;
    }
    // The channels summed: all of them, or the selected one.
    int first = d->channel >= 0 ? d->channel : 0;
    int used = d->channel >= 0 ? 1 : ch;
    if ((size_t)n > d->buffer_capacity) {
        float *nb = realloc(d->buffer, (size_t)n * sizeof(float));
        if (!nb) {
            set_message(d->message, sizeof d->message, "out of memory while decoding", 0);
            return SVFF_ERR_NOMEM;
        }
        d->buffer = nb;
        d->buffer_capacity = (size_t)n;
    }
    float *out = d->buffer;
    enum AVSampleFormat f = frame->format;
    int planar = av_sample_fmt_is_planar(f);

#define SVFF_MIX(T, CONV)                                                              \
    do {                                                                               \
        if (planar) {                                                                  \
            for (int c = 0; c < used; c++) {                                           \
                const T *p = (const T *)frame->extended_data[first + c];               \
                if (c == 0) for (int i = 0; i < n; i++) out[i] = CONV(p[i]);           \
                else for (int i = 0; i < n; i++) out[i] += CONV(p[i]);                 \
            }                                                                          \
        } else {                                                                       \
            const T *p = (const T *)frame->data[0];                                    \
            for (int i = 0; i < n; i++) {                                              \
                const T *q = p + (size_t)i * (size_t)ch + first;                       \
                float s = CONV(q[0]);                                                  \
                for (int c = 1; c < used; c++) s += CONV(q[c]);                        \
                out[i] = s;                                                            \
            }                                                                          \
        }                                                                              \
    } while (0)
#define SVFF_U8(v) (((float)(v) - 128.0f) / 128.0f)
#define SVFF_S16(v) ((float)(v) / 32768.0f)
#define SVFF_S32(v) ((float)(v) / 2147483648.0f)
#define SVFF_S64(v) ((float)((double)(v) / 9223372036854775808.0))
#define SVFF_FLT(v) (v)
#define SVFF_DBL(v) ((float)(v))

    switch (av_get_packed_sample_fmt(f)) {
    case AV_SAMPLE_FMT_U8: SVFF_MIX(uint8_t, SVFF_U8); break;
    case AV_SAMPLE_FMT_S16: SVFF_MIX(int16_t, SVFF_S16); break;
    case AV_SAMPLE_FMT_S32: SVFF_MIX(int32_t, SVFF_S32); break;
    case AV_SAMPLE_FMT_S64: SVFF_MIX(int64_t, SVFF_S64); break;
    case AV_SAMPLE_FMT_FLT: SVFF_MIX(float, SVFF_FLT); break;
    case AV_SAMPLE_FMT_DBL: SVFF_MIX(double, SVFF_DBL); break;
    default:
        set_message(d->message, sizeof d->message, "the decoder produced an unknown sample format", 0);
        return SVFF_ERR_DECODE;
    }
#undef SVFF_MIX
    if (used > 1) {
        float fc = (float)used;
        for (int i = 0; i < n; i++) out[i] /= fc;
    }
    *count = n;
    return SVFF_OK;
}

int svff_select_channel(svff_decoder *d, int channel) {
    if (channel < -1 || channel >= SVFF_MAX_CHANNELS) return SVFF_ERR_INVALID_PARAMS;
    d->channel = channel;
    return SVFF_OK;
}

static int svff_decode_error(svff_decoder *d, int averr) {
    d->decode_errors++;
    if (++d->consecutive_errors >= SVFF_MAX_CONSECUTIVE_ERRORS) {
        set_message(d->message, sizeof d->message, "the audio stream is corrupt: too many decoding errors", averr);
        return SVFF_ERR_DECODE;
    }
    set_message(d->message, sizeof d->message, "the audio stream could not be decoded", averr);
    return SVFF_OK;
}

int svff_read(svff_decoder *d, const float **samples, int *count, int *sample_rate) {
    *samples = NULL;
    *count = 0;
    *sample_rate = 0;
    for (;;) {
        if (d->finished) return SVFF_END;
        int r = avcodec_receive_frame(d->codec, d->frame);
        if (r == 0) {
            int rate = d->frame->sample_rate;
            if (rate <= 0 || rate > SVFF_MAX_SAMPLE_RATE) {
                av_frame_unref(d->frame);
                set_messagef(d->message, sizeof d->message, 0, "the decoder produced a sample rate of %d Hz, which is not plausible", rate);
                return SVFF_ERR_INVALID_PARAMS;
            }
            int n = 0;
            int m = d->frame->nb_samples > 0 ? svff_mix(d, d->frame, &n) : SVFF_OK;
            av_frame_unref(d->frame);
            if (m != SVFF_OK) return m;
            if (n == 0) continue;
            d->consecutive_errors = 0;
            d->frames_decoded += n;
            *samples = d->buffer;
            *count = n;
            *sample_rate = rate;
            return SVFF_OK;
        }
        if (r == AVERROR_EOF) {
            d->finished = 1;
            if (d->frames_decoded == 0 && (d->decode_errors > 0 || d->read_error)) return SVFF_ERR_DECODE;
            return SVFF_END;
        }
        if (r != AVERROR(EAGAIN)) {
            if (svff_decode_error(d, r) != SVFF_OK) return SVFF_ERR_DECODE;
            continue;
        }
        if (d->draining) {  // EAGAIN while draining would be a decoder bug; end rather than spin
            d->finished = 1;
            return SVFF_END;
        }
        r = av_read_frame(d->fmt, d->packet);
        if (r < 0) {
            if (r != AVERROR_EOF) {
                // A damaged or truncated container: keep what was decoded, like the ffmpeg CLI.
                d->read_error = 1;
                set_message(d->message, sizeof d->message, "the file is damaged or truncated", r);
            }
            d->draining = 1;
            (void)avcodec_send_packet(d->codec, NULL);
            continue;
        }
        if (d->packet->stream_index != d->stream_index) {
            av_packet_unref(d->packet);
            continue;
        }
        r = avcodec_send_packet(d->codec, d->packet);
        av_packet_unref(d->packet);
        if (r < 0 && r != AVERROR(EAGAIN)) {
            if (svff_decode_error(d, r) != SVFF_OK) return SVFF_ERR_DECODE;
        }
    }
}

const char *svff_message(const svff_decoder *d) { return d->message; }
const char *svff_format_name(const svff_decoder *d) { return d->format_name; }
const char *svff_codec_name(const svff_decoder *d) { return d->codec_name; }

int svff_sample_rate(const svff_decoder *d) {
    return d->fmt->streams[d->stream_index]->codecpar->sample_rate;
}

int svff_channels(const svff_decoder *d) {
    return d->fmt->streams[d->stream_index]->codecpar->ch_layout.nb_channels;
}

double svff_duration(const svff_decoder *d) {
    const AVStream *st = d->fmt->streams[d->stream_index];
    if (st->duration != AV_NOPTS_VALUE && st->duration > 0 && st->time_base.den > 0)
        return (double)st->duration * av_q2d(st->time_base);
    if (d->fmt->duration != AV_NOPTS_VALUE && d->fmt->duration > 0)
        return (double)d->fmt->duration / AV_TIME_BASE;
    return -1;
}

int svff_duration_is_estimate(const svff_decoder *d) {
    return d->fmt->duration_estimation_method == AVFMT_DURATION_FROM_BITRATE;
}

// MARK: - URLs (CLI `stream` only)

static pthread_once_t svff_network_once = PTHREAD_ONCE_INIT;
static void svff_init_network(void) { avformat_network_init(); }

/// Protocols a stream URL may use (and the ones HLS and RTSP open underneath).
static const char *const svff_url_protocols =
    "http,https,tcp,tls,udp,rtp,srtp,rtmp,rtmps,rtmpt,rtmpts,rtsp,rtsps,hls,crypto,file,data,httpproxy";

int svff_open_url(const char *url, int timeout_ms, svff_decoder **out, char *message, size_t message_size) {
    *out = NULL;
    pthread_once(&svff_network_once, svff_init_network);
    svff_decoder *d = svff_alloc();
    if (!d) {
        set_message(message, message_size, "out of memory while opening the audio decoder", 0);
        return SVFF_ERR_NOMEM;
    }
    AVDictionary *opts = NULL;
    av_dict_set(&opts, "protocol_whitelist", svff_url_protocols, 0);
    if (timeout_ms > 0) {
        char value[32];
        snprintf(value, sizeof value, "%lld", (long long)timeout_ms * 1000);
        av_dict_set(&opts, "rw_timeout", value, 0);  // µs without data before a read fails
        av_dict_set(&opts, "timeout", value, 0);     // rtsp/udp: µs to wait for data
    }
    int r = avformat_open_input(&d->fmt, url, NULL, &opts);  // frees d->fmt on failure
    av_dict_free(&opts);
    if (r < 0) {
        svff_close(d);
        if (r == AVERROR(ENOMEM)) {
            set_message(message, message_size, "out of memory while opening the stream", 0);
            return SVFF_ERR_NOMEM;
        }
        if (r == AVERROR_INVALIDDATA) {
            set_message(message, message_size, "not a recognised audio or video stream", r);
            return SVFF_ERR_UNRECOGNIZED;
        }
        set_message(message, message_size, "could not open the stream", r);
        return r == AVERROR(ENOENT) ? SVFF_ERR_NOT_FOUND : SVFF_ERR_IO;
    }
    r = svff_open_decoder(d, message, message_size);
    if (r != SVFF_OK) { svff_close(d); return r; }
    *out = d;
    return SVFF_OK;
}
