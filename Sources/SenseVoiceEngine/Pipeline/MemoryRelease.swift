// Handing freed memory back to the system after a long recording.

#if os(Linux)
/// glibc's `int malloc_trim(size_t pad)` (declared in <malloc.h>, which the Glibc module leaves out).
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif

/// Returns the free pages of every malloc arena to the system (`malloc_trim(0)`).
///
/// A long recording passes through many buffers between 128 KB and 32 MB (features, batches,
/// per-segment results) that glibc serves from its arenas and, once freed, keeps: a server that
/// transcribed one 50-minute file would otherwise stay hundreds of MB above its baseline until it
/// restarts. Called after recordings of at least ``threshold`` seconds only, so short requests
/// pay nothing.
public enum MemoryRelease {
    /// Recordings this long or longer are followed by a trim.
    public static let threshold: Double = 60

    /// Trims when `audioSeconds` reached ``threshold``.
    public static func afterTranscribing(audioSeconds: Double) {
        guard audioSeconds >= threshold else { return }
        #if os(Linux)
        _ = glibcMallocTrim(0)
        #endif
    }
}
