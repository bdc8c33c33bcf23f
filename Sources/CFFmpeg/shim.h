// CFFmpeg: the FFmpeg demuxing/decoding headers of Debian's libavformat-dev, libavcodec-dev and
// libavutil-dev (FFmpeg 5.1 in Debian 12). Nothing includes this header today: the module exists for
// its pkg-config flags and link lines; Swift sees FFmpeg only through CFFmpegShim's opaque API.
#ifndef SENSEVOICE_CFFMPEG_SHIM_H
#define SENSEVOICE_CFFMPEG_SHIM_H
#include <libavformat/avformat.h>
#include <libavformat/avio.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/channel_layout.h>
#include <libavutil/samplefmt.h>
#endif
