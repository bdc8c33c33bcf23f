// SenseVoice web UI, Live tab: microphone → AudioWorklet (16 kHz PCM16) → WebSocket /api/v1/stream;
// partial text in grey, finals with emotion and event badges, a growing emotion timeline, a level meter.
'use strict';

/** Every visible string of the Live tab, in one place (to translate, replace this table). */
const LIVE_TEXT = {
  tabFiles: 'Files',
  tabLive: 'Live',
  title: 'Live transcription',
  hint: 'Speak into the microphone: words appear as you talk, each finished phrase with its emotion and sound events.',
  start: '● Start',
  stop: '■ Stop',
  level: 'Microphone level',
  idle: 'Not listening.',
  connecting: 'Connecting…',
  listening: 'Listening…',
  speaking: 'Hearing speech…',
  finishing: 'Finishing the last phrase…',
  stopped: 'Stopped.',
  empty: 'Nothing transcribed yet.',
  noMicrophone: (why) => `The microphone is not available (${why}); allow it in the browser.`,
  connectionFailed: 'The live connection failed; check the server and the API key, then start again.',
  closed: (code, reason) => `The server closed the stream (${code}${reason ? ': ' + reason : ''}).`,
  serverError: (message, code) => `${message} [${code}]`,
  timeline: 'Emotion timeline of this session',
  language: 'Language',
  itn: 'Punctuation & numbers (ITN)',
};

const live = {
  socket: null,
  context: null,
  stream: null,
  node: null,
  startedAt: 0,
  finals: [],
  running: false,
};

function liveSetStatus(text) { $('live-status').textContent = text; }

function setUpTabs() {
  const tabs = { files: $('tab-files'), live: $('tab-live') };
  tabs.files.textContent = LIVE_TEXT.tabFiles;
  tabs.live.textContent = LIVE_TEXT.tabLive;
  const show = (name) => {
    for (const [key, tab] of Object.entries(tabs)) {
      tab.setAttribute('aria-selected', String(key === name));
      tab.classList.toggle('active', key === name);
    }
    $('live').hidden = name !== 'live';
    document.querySelector('main').classList.toggle('live-mode', name === 'live');
    history.replaceState(null, '', name === 'live' ? '#live' : location.pathname + location.search);
  };
  tabs.files.addEventListener('click', () => show('files'));
  tabs.live.addEventListener('click', () => show('live'));
  show(location.hash === '#live' ? 'live' : 'files');
}

function setUpLive() {
  $('live-title').textContent = LIVE_TEXT.title;
  $('live-hint').textContent = LIVE_TEXT.hint;
  $('live-level').setAttribute('aria-label', LIVE_TEXT.level);
  $('live-timeline').setAttribute('aria-label', LIVE_TEXT.timeline);
  $('live-empty').textContent = LIVE_TEXT.empty;
  $('live-language-label').textContent = LIVE_TEXT.language;
  $('live-itn-label').textContent = LIVE_TEXT.itn;
  // The same languages as the Files tab's list.
  $('live-language').replaceChildren(...[...$('language').options].map((o) => o.cloneNode(true)));
  $('live-toggle').textContent = LIVE_TEXT.start;
  $('live-toggle').addEventListener('click', () => (live.running ? liveStop() : liveStart()));
  liveSetStatus(LIVE_TEXT.idle);
}

async function liveStart() {
  showMessage('');
  try {
    // Raw audio: noise suppression would remove the very events (applause, laughter, music) the
    // model reports, and SenseVoice was trained on unprocessed recordings.
    live.stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  } catch (e) {
    showMessage(LIVE_TEXT.noMicrophone(e.message));
    return;
  }
  live.running = true;
  live.finals = [];
  $('live-finals').replaceChildren();
  $('live-timeline').replaceChildren();
  $('live-legend').replaceChildren();
  $('live-partial').textContent = '';
  $('live-empty').hidden = false;
  $('live-toggle').textContent = LIVE_TEXT.stop;
  $('live-toggle').setAttribute('aria-pressed', 'true');
  liveSetStatus(LIVE_TEXT.connecting);

  live.context = new AudioContext({ sampleRate: 16000 });
  await live.context.audioWorklet.addModule('/live-worklet.js');
  const source = live.context.createMediaStreamSource(live.stream);
  live.node = new AudioWorkletNode(live.context, 'live-pcm');
  source.connect(live.node);

  const params = new URLSearchParams({
    sample_rate: String(live.context.sampleRate),
    encoding: 'pcm_s16le',
    language: $('live-language').value,
    itn: String($('live-itn').checked),
    partial_interval_ms: '1000',
  });
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const key = apiKey();
  const socket = new WebSocket(`${scheme}//${location.host}/api/v1/stream?${params}`,
    key ? ['sensevoice', 'openai-insecure-api-key.' + key] : undefined);
  socket.binaryType = 'arraybuffer';
  live.socket = socket;
  live.startedAt = performance.now();
  socket.addEventListener('open', () => liveSetStatus(LIVE_TEXT.listening));
  socket.addEventListener('message', (e) => liveEvent(JSON.parse(e.data)));
  socket.addEventListener('error', () => showMessage(LIVE_TEXT.connectionFailed));
  socket.addEventListener('close', (e) => {
    if (e.code !== 1000 && e.code !== 1005) showMessage(LIVE_TEXT.closed(e.code, e.reason));
    liveTeardown();
    liveSetStatus(LIVE_TEXT.stopped);
  });
  live.node.port.onmessage = (e) => {
    liveLevel(e.data.level);
    if (socket.readyState === WebSocket.OPEN) socket.send(e.data.pcm);
  };
}

/** Stops the microphone and asks the server to finish: the last finals and `done` still arrive. */
function liveStop() {
  liveStopAudio();
  if (live.socket && live.socket.readyState === WebSocket.OPEN) {
    live.socket.send(JSON.stringify({ type: 'end' }));
    liveSetStatus(LIVE_TEXT.finishing);
  } else {
    liveTeardown();
  }
}

function liveStopAudio() {
  if (live.node) live.node.port.onmessage = null;
  if (live.stream) live.stream.getTracks().forEach((t) => t.stop());
  if (live.context) live.context.close();
  live.stream = null;
  live.context = null;
  live.node = null;
  liveLevel(0);
}

function liveTeardown() {
  liveStopAudio();
  live.running = false;
  live.socket = null;
  $('live-partial').textContent = '';
  $('live-toggle').textContent = LIVE_TEXT.start;
  $('live-toggle').setAttribute('aria-pressed', 'false');
}

function liveLevel(peak) {
  // A peak meter on a dB scale: -60 dB → empty, 0 dB → full.
  const db = peak > 0 ? 20 * Math.log10(peak) : -60;
  const fill = Math.max(0, Math.min(1, (db + 60) / 60));
  $('live-level-fill').style.width = `${Math.round(fill * 100)}%`;
  $('live-level').setAttribute('aria-valuenow', String(Math.round(fill * 100)));
}

function liveEvent(event) {
  switch (event.type) {
    case 'speech_started':
      liveSetStatus(LIVE_TEXT.speaking);
      break;
    case 'partial':
      $('live-partial').textContent = event.text;
      break;
    case 'final':
      $('live-partial').textContent = '';
      liveSetStatus(live.running && live.stream ? LIVE_TEXT.listening : LIVE_TEXT.finishing);
      liveAppendFinal(event);
      break;
    case 'done':
      liveSetStatus(LIVE_TEXT.stopped);
      break;
    case 'error':
      showMessage(LIVE_TEXT.serverError(event.error.message, event.error.code));
      break;
    default:
      break;
  }
}

function liveAppendFinal(s) {
  live.finals.push(s);
  $('live-empty').hidden = true;
  const li = document.createElement('li');
  li.className = 'live-final';
  if (s.emotion) li.dataset.emotion = s.emotion;
  const time = document.createElement('span');
  time.className = 'muted time';
  time.textContent = formatClock(s.start_ms);
  const badges = document.createElement('span');
  badges.className = 'badges';
  if (s.emotion) badges.append(emotionBadge(s.emotion));
  for (const e of s.events || []) if (e !== 'speech') badges.append(eventBadge(e));
  const words = document.createElement('span');
  words.className = 'words';
  words.textContent = s.text;
  li.append(time, badges, words);
  $('live-finals').append(li);
  li.scrollIntoView({ block: 'nearest' });
  liveRenderTimeline();
}

/** The session's emotion timeline: one block per final, scaled to the time so far. */
function liveRenderTimeline() {
  const { nodes, seen } = timelineNodes(live.finals, Math.max(1, ...live.finals.map((s) => s.end_ms)));
  $('live-timeline').replaceChildren(...nodes);
  $('live-legend').replaceChildren(...[...seen].map((e) => emotionBadge(e)));
}

document.addEventListener('DOMContentLoaded', () => {
  setUpTabs();
  setUpLive();
});
