// AudioWorklet of the Live tab: microphone samples (the context runs at 16 kHz) → 100 ms PCM16
// chunks and a level for the meter, posted to the page.
'use strict';

class LivePCMProcessor extends AudioWorkletProcessor {
  constructor() {
    super();
    this.chunk = new Int16Array(sampleRate / 10);
    this.filled = 0;
    this.peak = 0;
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    for (let i = 0; i < channel.length; i++) {
      const v = Math.max(-1, Math.min(1, channel[i]));
      this.peak = Math.max(this.peak, Math.abs(v));
      this.chunk[this.filled++] = v < 0 ? v * 0x8000 : v * 0x7fff;
      if (this.filled === this.chunk.length) {
        this.port.postMessage({ pcm: this.chunk.buffer, level: this.peak }, [this.chunk.buffer]);
        this.chunk = new Int16Array(sampleRate / 10);
        this.filled = 0;
        this.peak = 0;
      }
    }
    return true;
  }
}

registerProcessor('live-pcm', LivePCMProcessor);
