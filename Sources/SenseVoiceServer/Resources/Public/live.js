// SenseVoice web UI, Live tab: microphone → AudioWorklet (16 kHz PCM16) → WebSocket /api/v1/stream;
// partial text in grey, finals with emotion and event badges, a growing emotion timeline, a level meter.
// Its strings are in i18n.js's catalogue (live.*).
'use strict';

const live = {
  socket: null,
  context: null,
  stream: null,
  node: null,
  startedAt: 0,
  finals: [],
  running: false,
};

/** Sets the status line to the catalogue string `live.<key>`. */
function liveSetStatus(key) { setText($('live-status'), 'live.' + key); }

function setUpTabs() {
  const tabs = { files: $('tab-files'), live: $('tab-live') };
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
  // The same languages as the Files tab's list (with their data-i18n keys).
  $('live-language').replaceChildren(...[...$('language').options].map((o) => o.cloneNode(true)));
  setText($('live-toggle'), 'live.start');
  $('live-toggle').addEventListener('click', () => (live.running ? liveStop() : liveStart()));
  liveSetStatus('idle');
  // Redraw the finals' badges and the timeline in the new language.
  onLanguageChange(() => {
    $('live-finals').replaceChildren(...live.finals.map(liveFinalItem));
    if (live.finals.length) liveRenderTimeline();
  });
}

async function liveStart() {
  showMessage('');
  try {
    // Raw audio: noise suppression would remove the very events (applause, laughter, music) the
    // model reports, and SenseVoice was trained on unprocessed recordings.
    live.stream = await navigator.mediaDevices.getUserMedia({ audio: { channelCount: 1, echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
  } catch (e) {
    showMessage(() => t('live.noMicrophone', e.message));
    return;
  }
  live.running = true;
  live.finals = [];
  $('live-finals').replaceChildren();
  $('live-timeline').replaceChildren();
  $('live-legend').replaceChildren();
  $('live-partial').textContent = '';
  $('live-empty').hidden = false;
  setText($('live-toggle'), 'live.stop');
  $('live-toggle').setAttribute('aria-pressed', 'true');
  liveSetStatus('connecting');

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
  socket.addEventListener('open', () => liveSetStatus('listening'));
  socket.addEventListener('message', (e) => liveEvent(JSON.parse(e.data)));
  socket.addEventListener('error', () => showMessage(() => t('live.connectionFailed')));
  socket.addEventListener('close', (e) => {
    if (e.code !== 1000 && e.code !== 1005) showMessage(() => t('live.closed', e.code, e.reason));
    liveTeardown();
    liveSetStatus('stopped');
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
    liveSetStatus('finishing');
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
  setText($('live-toggle'), 'live.start');
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
      liveSetStatus('speaking');
      break;
    case 'partial':
      $('live-partial').textContent = event.text;
      break;
    case 'final':
      $('live-partial').textContent = '';
      liveSetStatus(live.running && live.stream ? 'listening' : 'finishing');
      liveAppendFinal(event);
      break;
    case 'done':
      liveSetStatus('stopped');
      break;
    case 'error':
      showMessage(() => t('live.serverError', event.error.message, event.error.code));
      break;
    default:
      break;
  }
}

function liveAppendFinal(s) {
  live.finals.push(s);
  $('live-empty').hidden = true;
  const li = liveFinalItem(s);
  $('live-finals').append(li);
  li.scrollIntoView({ block: 'nearest' });
  liveRenderTimeline();
}

/** One final phrase: its time, emotion and event badges, and words. */
function liveFinalItem(s) {
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
  words.translate = false;
  li.append(time, badges, words);
  return li;
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
