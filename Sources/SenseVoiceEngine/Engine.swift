// SenseVoiceEngine: public re-exports shared by the engine's callers.

@_exported public import SenseVoiceTensor
@_exported public import SenseVoiceAudio
