// The flags of `--format markers`: layout, tag filters and the EDL clock.

import ArgumentParser
import SenseVoiceEngine

/// `transcribe` flags for the marker list editors import (`--format markers`).
struct MarkerOptions: ParsableArguments {
    @Option(name: .customLong("markers-format"), help: "Layout of --format markers: csv, chapters (YouTube) or edl (CMX 3600 with DaVinci Resolve markers).")
    var layout: String = "csv"

    @Option(help: "Markers: keep only these events (comma-separated, e.g. laughter,applause).")
    var onlyEvents: String?

    @Option(help: "Markers: keep only these emotions (comma-separated, e.g. angry,sad).")
    var onlyEmotions: String?

    @Option(name: .customLong("edl-fps"), help: "Markers EDL: timecode frame rate (24, 25, 30, 48, 50 or 60).")
    var fps: Int = 25

    @Option(name: .customLong("edl-start"), help: "Markers EDL: timeline start HH:MM:SS (DaVinci Resolve's default is 01:00:00).")
    var start: String = "01:00:00"

    /// The engine's options, or the flag's problem as a usage error.
    func highlights() throws -> HighlightOptions {
        do {
            return try HighlightOptions(layout: layout, onlyEvents: onlyEvents, onlyEmotions: onlyEmotions, fps: fps, start: start,
                                        names: ("--markers-format", "--only-events", "--only-emotions", "--edl-fps", "--edl-start"))
        } catch let e as SenseVoiceError {
            throw ValidationError(e.message)
        }
    }
}
