#!/usr/bin/env bash
# Regenerates Tests/Fixtures/audio-formats/ (committed, < 2 MB) from Tests/Fixtures/audio/en.wav
# with the ffmpeg command-line tool (Debian 12: FFmpeg 5.1 with libmp3lame, libvorbis, libopus,
# libx264, libvpx). The tests only read the committed files; run this to rebuild them.
# AMR is not included: Debian's FFmpeg decodes AMR-NB/WB but has no AMR encoder.
set -euo pipefail
cd "$(dirname "$0")/.."
src=Tests/Fixtures/audio/en.wav
out=Tests/Fixtures/audio-formats
mkdir -p "$out"
ff() { ffmpeg -nostdin -hide_banner -loglevel error -y "$@"; }
be=(-map_metadata -1 -fflags +bitexact -flags:a +bitexact -flags:v +bitexact)

# The same speech (en.wav, 16 kHz mono, 6.4 s) in every compressed format.
ff -i "$src" "${be[@]}" -c:a flac "$out/en.flac"
ff -i "$src" "${be[@]}" -c:a alac "$out/en_alac.m4a"
ff -i "$src" "${be[@]}" -c:a libmp3lame -b:a 32k "$out/en.mp3"
ff -i "$src" "${be[@]}" -c:a libvorbis -q:a 2 "$out/en.ogg"
ff -i "$src" "${be[@]}" -c:a libopus -b:a 24k "$out/en.opus"
ff -i "$src" "${be[@]}" -c:a aac -b:a 32k "$out/en.m4a"
# Like the real recordings: 48 kHz, here stereo.
ff -i "$src" "${be[@]}" -af aresample=48000:resampler=soxr -ac 2 -c:a libmp3lame -b:a 64k "$out/en_48k_stereo.mp3"
# Video files: a tiny black picture plus the speech.
video=(-f lavfi -i color=c=black:s=32x32:r=5)
ff "${video[@]}" -i "$src" "${be[@]}" -shortest -c:v libx264 -crf 51 -preset ultrafast -pix_fmt yuv420p -c:a aac -b:a 32k "$out/en.mp4"
ff "${video[@]}" -i "$src" "${be[@]}" -shortest -c:v libx264 -crf 51 -preset ultrafast -pix_fmt yuv420p -c:a aac -b:a 32k "$out/en.mov"
ff "${video[@]}" -i "$src" "${be[@]}" -shortest -c:v libvpx -b:v 10k -c:a libopus -b:a 24k "$out/en.webm"
ff "${video[@]}" -i "$src" "${be[@]}" -shortest -c:v libx264 -crf 51 -preset ultrafast -pix_fmt yuv420p -c:a libvorbis -q:a 2 "$out/en.mkv"
ff -f lavfi -i color=c=black:s=32x32:r=5 -t 2 "${be[@]}" -c:v libx264 -crf 51 -preset ultrafast -pix_fmt yuv420p "$out/video_only.mp4"
# WAV with codecs the Swift parser leaves to FFmpeg, and AIFF (first 1.5 s).
ff -i "$src" "${be[@]}" -t 1.5 -c:a pcm_mulaw "$out/en_mulaw.wav"
ff -i "$src" "${be[@]}" -t 1.5 -c:a adpcm_ima_wav "$out/en_adpcm.wav"
ff -i "$src" "${be[@]}" -t 1.5 -c:a pcm_s16be "$out/en.aiff"
# Lossless pairs at other rates (1 s): the FLAC must decode to exactly the WAV's samples.
ff -i "$src" "${be[@]}" -ss 1 -t 1 -af "aresample=44100:resampler=soxr,pan=stereo|c0=c0|c1=0.5*c0" -c:a pcm_s16le "$out/en_44k_stereo_1s.wav"
ff -i "$out/en_44k_stereo_1s.wav" "${be[@]}" -c:a flac "$out/en_44k_stereo_1s.flac"
ff -i "$src" "${be[@]}" -ss 1 -t 1 -af aresample=48000:resampler=soxr -c:a pcm_s24le "$out/en_48k_s24_1s.wav"
ff -i "$out/en_48k_s24_1s.wav" "${be[@]}" -c:a flac "$out/en_48k_s24_1s.flac"
ls -l "$out"
du -sh "$out"
