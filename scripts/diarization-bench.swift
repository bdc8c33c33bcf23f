// Cost of the diarization stage on a long file (scripts/diarization-bench.sh): tiled two_speakers.wav, its merged VAD segments tiled too.
import Foundation
import Glibc
import SenseVoiceEngine

let args = CommandLine.arguments
let modelDir = args[1], wavPath = args[2], minutes = Double(args[3])!, threads = Int(args[4])!
func rssMB() -> Double { var u = rusage(); getrusage(Int32(RUSAGE_SELF.rawValue), &u); return Double(u.ru_maxrss) / 1024 }
let data = try Data(contentsOf: URL(fileURLWithPath: wavPath))
let pcm = data.subdata(in: 44..<data.count)
var clip = [Float](repeating: 0, count: pcm.count / 2)
pcm.withUnsafeBytes { raw in for i in 0..<clip.count { clip[i] = Float(raw.loadUnaligned(fromByteOffset: 2 * i, as: Int16.self)) / 32768 } }
let clipSegments = [(0, 12280), (12280, 24990), (24990, 37000), (37000, 47810)]
let clipMs = clip.count / 16
let reps = Int((minutes * 60_000 / Double(clipMs)).rounded(.up))
var samples: [Float] = []
samples.reserveCapacity(reps * clip.count)
var segments: [(start: Int, end: Int)] = []
for r in 0..<reps {
    let offsetMs = samples.count / 16
    samples += clip
    segments += clipSegments.map { ($0.0 + offsetMs, min($0.1 + offsetMs, offsetMs + clipMs)) }
}
let audioMinutes = Double(samples.count) / 16000 / 60
let loadStart = Date()
let diarizer = try Diarizer(modelDirectory: modelDir)
let loadSeconds = Date().timeIntervalSince(loadStart)
let before = rssMB()
let start = Date()
let result = try diarizer.diarize(samples: samples, segmentsMs: segments, threads: threads)
let seconds = Date().timeIntervalSince(start)
print(String(format: "audio %.1f min, %d segments, %d windows, threads %d, load %.2f s", audioMinutes, segments.count, result.windows.count, threads, loadSeconds))
print(String(format: "diarization %.1f s = %.2f s per audio minute; speakers %d", seconds, seconds / audioMinutes, Set(result.segmentSpeakers).count))
print(String(format: "peak RSS %.0f MB (before diarizing, with the audio loaded: %.0f MB)", rssMB(), before))
