// CFFmpegFilter: abuffer → [aresample 48 kHz] → afftdn | arnndn → [aresample back] → aformat → abuffersink.
#include "CFFmpegFilter.h"

#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libavutil/mem.h>
#include <libavutil/opt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct svaf_filter {
    AVFilterGraph *graph;
    AVFilterContext *source;
    AVFilterContext *sink;
    int sample_rate;
    int64_t pts;
    int ended;
    float *buffer;   // filtered samples handed out by the last svaf_process
    size_t capacity;
};

static void put_message(char *message, size_t size, const char *text, int code) {
    if (!message || size == 0) return;
    if (code < 0) {
        char reason[AV_ERROR_MAX_STRING_SIZE] = {0};
        av_strerror(code, reason, sizeof reason);
        snprintf(message, size, "%s (%s)", text, reason);
    } else {
        snprintf(message, size, "%s", text);
    }
}

/// Creates one filter in the graph from its name and an option string (NULL: defaults), and links
/// it after `previous` when given.
static int add_filter(AVFilterGraph *graph, const char *name, const char *label, const char *args,
                      AVFilterContext *previous, AVFilterContext **out) {
    const AVFilter *filter = avfilter_get_by_name(name);
    if (!filter) return AVERROR_FILTER_NOT_FOUND;
    int r = avfilter_graph_create_filter(out, filter, label, args, NULL, graph);
    if (r < 0) return r;
    return previous ? avfilter_link(previous, 0, *out, 0) : 0;
}

int svaf_open(int kind, const char *model_path, const char *options, int sample_rate, svaf_filter **out,
              char *message, size_t message_size) {
    *out = NULL;
    if ((kind != SVAF_AFFTDN && kind != SVAF_ARNNDN) || sample_rate < 1000 || sample_rate > 768000) {
        put_message(message, message_size, "unknown filter or sample rate", 0);
        return SVAF_ERR_GRAPH;
    }
    const char *filter_name = kind == SVAF_AFFTDN ? "afftdn" : "arnndn";
    if (!avfilter_get_by_name(filter_name) || !avfilter_get_by_name("abuffer") || !avfilter_get_by_name("aresample")) {
        char text[160];
        snprintf(text, sizeof text, "this FFmpeg build has no '%s' filter", filter_name);
        put_message(message, message_size, text, 0);
        return SVAF_ERR_UNAVAILABLE;
    }
    svaf_filter *f = calloc(1, sizeof *f);
    if (!f) return SVAF_ERR_NOMEM;
    f->sample_rate = sample_rate;
    f->graph = avfilter_graph_alloc();
    if (!f->graph) { free(f); return SVAF_ERR_NOMEM; }
    f->graph->nb_threads = 1;  // callers parallelise across files

    // Planar float in and out: for mono the same bytes as interleaved, and the format both
    // filters work in, so no converter is inserted. (An inserted flt → fltp converter made
    // afftdn's output depend on how the input was cut into frames.)
    char args[256];
    snprintf(args, sizeof args, "time_base=1/%d:sample_rate=%d:sample_fmt=fltp:channel_layout=mono", sample_rate, sample_rate);
    AVFilterContext *last = NULL, *node = NULL;
    int r = add_filter(f->graph, "abuffer", "in", args, NULL, &f->source);
    last = f->source;
    if (r >= 0 && kind == SVAF_ARNNDN) {
        r = add_filter(f->graph, "aresample", "up", "48000", last, &node);
        last = node;
    }
    if (r >= 0) {
        if (kind == SVAF_AFFTDN) {
            r = add_filter(f->graph, "afftdn", "denoise", options, last, &node);
        } else {
            // Set the model as an option (not in a filter string), so no path needs escaping.
            const AVFilter *arnndn = avfilter_get_by_name("arnndn");
            node = avfilter_graph_alloc_filter(f->graph, arnndn, "denoise");
            r = node ? av_opt_set(node, "model", model_path ? model_path : "", AV_OPT_SEARCH_CHILDREN) : AVERROR(ENOMEM);
            if (r >= 0) {
                r = avfilter_init_str(node, NULL);
                if (r < 0) {
                    put_message(message, message_size, "the RNNoise model file could not be loaded", r);
                    svaf_close(f);
                    return SVAF_ERR_MODEL;
                }
            }
            if (r >= 0) r = avfilter_link(last, 0, node, 0);
        }
        last = node;
    }
    if (r >= 0 && kind == SVAF_ARNNDN) {
        snprintf(args, sizeof args, "%d", sample_rate);
        r = add_filter(f->graph, "aresample", "down", args, last, &node);
        last = node;
    }
    if (r >= 0) {
        snprintf(args, sizeof args, "sample_fmts=fltp:sample_rates=%d:channel_layouts=mono", sample_rate);
        r = add_filter(f->graph, "aformat", "format", args, last, &node);
        last = node;
    }
    if (r >= 0) r = add_filter(f->graph, "abuffersink", "out", NULL, last, &f->sink);
    if (r >= 0) r = avfilter_graph_config(f->graph, NULL);
    if (r < 0) {
        put_message(message, message_size, "could not build the denoising filter graph", r);
        svaf_close(f);
        return r == AVERROR(ENOMEM) ? SVAF_ERR_NOMEM : SVAF_ERR_GRAPH;
    }
    *out = f;
    return SVAF_OK;
}

/// Appends `count` samples to the hand-out buffer.
static int append(svaf_filter *f, size_t *used, const float *samples, size_t count) {
    if (*used + count > f->capacity) {
        size_t capacity = f->capacity ? f->capacity : 4096;
        while (capacity < *used + count) capacity *= 2;
        float *grown = realloc(f->buffer, capacity * sizeof(float));
        if (!grown) return AVERROR(ENOMEM);
        f->buffer = grown;
        f->capacity = capacity;
    }
    memcpy(f->buffer + *used, samples, count * sizeof(float));
    *used += count;
    return 0;
}

int svaf_process(svaf_filter *f, const float *samples, size_t count, int flush,
                 const float **out, size_t *out_count, char *message, size_t message_size) {
    *out = NULL;
    *out_count = 0;
    int r = 0;
    size_t offset = 0;
    while (!f->ended && offset < count && r >= 0) {
        size_t n = count - offset < 4096 ? count - offset : 4096;
        AVFrame *frame = av_frame_alloc();
        if (!frame) return SVAF_ERR_NOMEM;
        frame->format = AV_SAMPLE_FMT_FLTP;
        frame->sample_rate = f->sample_rate;
        av_channel_layout_default(&frame->ch_layout, 1);
        frame->nb_samples = (int)n;
        frame->pts = f->pts;
        r = av_frame_get_buffer(frame, 0);
        if (r >= 0) {
            memcpy(frame->data[0], samples + offset, n * sizeof(float));
            r = av_buffersrc_add_frame_flags(f->source, frame, 0);
        }
        av_frame_free(&frame);
        f->pts += (int64_t)n;
        offset += n;
    }
    if (r >= 0 && flush && !f->ended) {
        r = av_buffersrc_add_frame_flags(f->source, NULL, 0);
        f->ended = 1;
    }
    size_t used = 0;
    AVFrame *filtered = av_frame_alloc();
    if (!filtered) return SVAF_ERR_NOMEM;
    while (r >= 0) {
        int got = av_buffersink_get_frame(f->sink, filtered);
        if (got == AVERROR(EAGAIN) || got == AVERROR_EOF) break;
        if (got < 0) { r = got; break; }
        r = append(f, &used, (const float *)filtered->data[0], (size_t)filtered->nb_samples);
        av_frame_unref(filtered);
    }
    av_frame_free(&filtered);
    if (r < 0) {
        put_message(message, message_size, "denoising failed", r);
        return r == AVERROR(ENOMEM) ? SVAF_ERR_NOMEM : SVAF_ERR_GRAPH;
    }
    *out = f->buffer;
    *out_count = used;
    return SVAF_OK;
}

int svaf_command(svaf_filter *f, const char *option, const char *value, char *message, size_t message_size) {
    char reply[128] = {0};
    int r = avfilter_graph_send_command(f->graph, "denoise", option, value, reply, sizeof reply, 0);
    if (r < 0) {
        put_message(message, message_size, "the denoiser refused a setting", r);
        return SVAF_ERR_GRAPH;
    }
    return SVAF_OK;
}

void svaf_close(svaf_filter *f) {
    if (!f) return;
    avfilter_graph_free(&f->graph);
    free(f->buffer);
    free(f);
}
