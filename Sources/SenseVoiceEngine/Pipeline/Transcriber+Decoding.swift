// Which CTC decoding stage a request runs: the transcriber's own (greedy by default), or a prefix
// beam search with the request's hotwords (issue #16).

extension Transcriber {
    /// The decoder for one request: ``decoder`` when `options.beamSearch` is nil, else a
    /// ``CTCPrefixBeamSearch`` of that width whose ``HotwordGraph`` holds the request's hotwords
    /// encoded with this transcriber's tokenizer.
    /// - Throws: `SenseVoiceError(.invalidOption)` for options outside their limits or hotwords
    ///   the tokenizer cannot spell.
    public func decoder(for options: TranscriptionOptions) throws -> any CTCDecoding {
        guard let beam = options.beamSearch else { return decoder }
        try beam.validate()
        let graph = beam.hotwords.isEmpty
            ? HotwordGraph()
            : try HotwordGraph(hotwords: beam.hotwords, tokenizer: tokenizer, defaultScore: beam.hotwordScore)
        return CTCPrefixBeamSearch(beamSize: beam.beamSize, hotwords: graph)
    }
}
