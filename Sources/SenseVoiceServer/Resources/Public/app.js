// SenseVoice web UI: upload or record audio, follow jobs live, read and play results. No libraries.
// Strings come from i18n.js (t, setText, tagLabel); speakers are drawn by speakers.js.
'use strict';

const $ = (id) => document.getElementById(id);

const EMOTIONS = {
  happy: '😊', sad: '😔', angry: '😡', neutral: '😐', fearful: '😰', disgusted: '🤢', surprised: '😮', unknown: '❔',
};
const EVENTS = {
  speech: '🗣️', bgm: '🎼', applause: '👏', laughter: '😀', cry: '😭', sneeze: '🤧', cough: '😷', breath: '💨',
  sing: '🎤', speech_noise: '📢', unknown: '❔', gbg: '🌫️',
};
/** Events worth a marker on the timeline (speech is the usual case). */
const MARKED_EVENTS = new Set(['bgm', 'applause', 'laughter', 'cry', 'sneeze', 'cough', 'breath', 'sing', 'speech_noise', 'gbg']);

const state = {
  files: [],            // File objects waiting to be sent
  jobs: new Map(),      // id → job JSON
  localAudio: new Map(),// id → object URL of the file this browser uploaded
  streams: new Map(),   // id → AbortController of its event stream
  selected: null,       // id of the job shown in the result card
  result: null,         // its result JSON
  autoSelect: new Set(),// ids to show as soon as they finish
  ready: false,
  message: null,        // () => text of the message shown (redrawn in the other language)
};

// MARK: - API

function apiKey() { return localStorage.getItem('sensevoice.apiKey') || ''; }

async function api(path, options = {}) {
  const headers = new Headers(options.headers || {});
  const key = apiKey();
  if (key) headers.set('Authorization', 'Bearer ' + key);
  const response = await fetch(path, { ...options, headers });
  if (!response.ok) {
    let text = `${response.status} ${response.statusText}`;
    try {
      const body = await response.json();
      if (body && body.error) text = `${body.error.message} [${body.error.code}]`;
    } catch (_) { /* not JSON */ }
    const error = new Error(text);
    error.status = response.status;
    throw error;
  }
  return response;
}

/** Shows a message; `text` is a string or a function returning it (redrawn on a language switch). */
function showMessage(text, kind = 'error') {
  const box = $('message');
  state.message = typeof text === 'function' ? text : () => text;
  box.textContent = state.message();
  box.className = 'message' + (kind === 'info' ? ' info' : '');
  box.hidden = !box.textContent;
}

// MARK: - Server status

async function checkStatus() {
  const status = $('status');
  try {
    const response = await fetch('/ready');
    if (response.ok) {
      setText(status, 'status.ready');
      status.className = 'status ready';
      state.ready = true;
      showSpeakerOptions((await response.json()).speakers === true);
    } else {
      setText(status, 'status.loading');
      status.className = 'status loading';
      state.ready = false;
    }
  } catch (_) {
    setText(status, 'status.down');
    status.className = 'status down';
    state.ready = false;
  }
  setTimeout(checkStatus, state.ready ? 15000 : 2000);
}

// MARK: - Picking and recording files

function addFiles(list) {
  for (const file of list) {
    if (file.size === 0) { showMessage(() => t('upload.empty', file.name)); continue; }
    state.files.push(file);
  }
  renderPicked();
}

function renderPicked() {
  const ul = $('picked');
  ul.replaceChildren();
  state.files.forEach((file, index) => {
    const li = document.createElement('li');
    const name = document.createElement('span');
    name.textContent = `${file.name} · ${formatBytes(file.size)}`;
    name.translate = false;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = '✕';
    remove.setAttribute('aria-label', t('upload.remove', file.name));
    remove.addEventListener('click', () => { state.files.splice(index, 1); renderPicked(); });
    li.append(name, remove);
    ul.append(li);
  });
  $('submit').disabled = state.files.length === 0;
  if (state.files.length > 1) setText($('submit'), 'upload.submitMany', state.files.length);
  else setText($('submit'), 'upload.submit');
}

function setUpDrop() {
  const drop = $('drop');
  $('file-input').addEventListener('change', (e) => { addFiles(e.target.files); e.target.value = ''; });
  for (const type of ['dragenter', 'dragover']) {
    drop.addEventListener(type, (e) => { e.preventDefault(); drop.classList.add('over'); });
  }
  for (const type of ['dragleave', 'drop']) {
    drop.addEventListener(type, () => drop.classList.remove('over'));
  }
  drop.addEventListener('drop', (e) => { e.preventDefault(); addFiles(e.dataTransfer.files); });
}

let recorder = null;

function setUpRecording() {
  const button = $('record');
  if (!navigator.mediaDevices || !window.MediaRecorder) {
    button.disabled = true;
    button.dataset.i18nTitle = 'record.unsupported';
    button.title = t('record.unsupported');
    return;
  }
  button.addEventListener('click', async () => {
    if (recorder) { recorder.stop(); return; }
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch (e) {
      showMessage(() => t('record.noMicrophone', e.message));
      return;
    }
    const chunks = [];
    const started = Date.now();
    recorder = new MediaRecorder(stream);
    recorder.addEventListener('dataavailable', (e) => { if (e.data.size) chunks.push(e.data); });
    const timer = setInterval(() => { $('record-time').textContent = formatClock(Date.now() - started); }, 250);
    recorder.addEventListener('stop', () => {
      clearInterval(timer);
      stream.getTracks().forEach((t) => t.stop());
      const type = recorder.mimeType || 'audio/webm';
      const ext = type.includes('ogg') ? 'ogg' : type.includes('mp4') ? 'm4a' : 'webm';
      const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
      addFiles([new File(chunks, `recording-${stamp}.${ext}`, { type })]);
      recorder = null;
      setText(button, 'upload.record');
      button.setAttribute('aria-pressed', 'false');
      $('record-time').textContent = '';
    });
    recorder.start(250);
    setText(button, 'upload.stop');
    button.setAttribute('aria-pressed', 'true');
    showMessage('');
  });
}

// MARK: - Submitting and following jobs

/**
 * Sends each picked file as its own job submission, so the server's limits apply per file and
 * one refused file does not sink the others. A file the server refuses for what it is (too large,
 * too long, not audio) leaves the pick list, so it is not sent again; one that could not be sent
 * (no key, busy, network) stays for a retry.
 */
async function submit() {
  if (!state.files.length) return;
  $('submit').disabled = true;
  const problems = [];
  let first = true;
  for (const file of [...state.files]) {
    showMessage(() => t('upload.uploading', file.name), 'info');
    const form = new FormData();
    form.append('file', file, file.name);
    form.append('language', $('language').value);
    form.append('use_itn', $('itn').checked ? 'true' : 'false');
    appendSpeakerFields(form);
    try {
      const response = await api('/api/v1/jobs', { method: 'POST', body: form });
      const job = (await response.json()).jobs[0];
      state.localAudio.set(job.id, URL.createObjectURL(file));
      upsertJob(job);
      follow(job.id);
      if (first) { state.autoSelect.add(job.id); first = false; }
      unpick(file);
    } catch (e) {
      const refused = e.status >= 400 && e.status < 500 && ![401, 408, 429].includes(e.status);
      if (refused) unpick(file);
      problems.push(() => t(refused ? 'upload.refused' : 'upload.notSent', file.name, e.message));
    }
  }
  renderPicked();
  showMessage(() => problems.map((p) => p()).join(' · '));
}

/** Removes a file from the pick list. */
function unpick(file) {
  state.files = state.files.filter((f) => f !== file);
  renderPicked();
}

async function loadJobs() {
  try {
    const response = await api('/api/v1/jobs?limit=100');
    const body = await response.json();
    for (const job of body.jobs) {
      upsertJob(job);
      if (job.state === 'queued' || job.state === 'running') follow(job.id);
    }
    if (!body.jobs.length) renderJobs();
  } catch (e) {
    if (e.status === 401) showMessage(() => t('jobs.needKey'));
    else showMessage(() => t('jobs.cannotList', e.message));
  }
}

/** Follows a job's Server-Sent Events (fetch, so that the API key header can be sent). */
async function follow(id) {
  if (state.streams.has(id)) return;
  const controller = new AbortController();
  state.streams.set(id, controller);
  let finished = false;
  try {
    const response = await api(`/api/v1/jobs/${id}/events`, { signal: controller.signal });
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        finished = handleEvent(id, block) || finished;
      }
    }
  } catch (e) {
    if (e.name === 'AbortError') return;
  } finally {
    state.streams.delete(id);
  }
  // The stream ended early (server restart, network): look again shortly.
  if (!finished && state.jobs.has(id)) setTimeout(() => follow(id), 2000);
}

/** Applies one SSE block; returns true when the job will not change any more. */
function handleEvent(id, block) {
  let event = 'message';
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data += line.slice(5).trim();
  }
  if (event === 'deleted') { removeJob(id); return true; }
  if (!data || data === '{}') return false;
  const job = JSON.parse(data);
  upsertJob(job);
  if (event === 'done') {
    if (job.state === 'succeeded' && (state.autoSelect.has(job.id) || !state.selected)) {
      state.autoSelect.delete(job.id);
      select(job.id);
    }
    return true;
  }
  return false;
}

function upsertJob(job) {
  state.jobs.set(job.id, job);
  renderJobs();
}

function removeJob(id) {
  state.jobs.delete(id);
  const url = state.localAudio.get(id);
  if (url) URL.revokeObjectURL(url);
  state.localAudio.delete(id);
  if (state.selected === id) { state.selected = null; $('result').hidden = true; }
  renderJobs();
}

async function deleteJob(id) {
  state.streams.get(id)?.abort();
  try {
    await api(`/api/v1/jobs/${id}`, { method: 'DELETE' });
  } catch (e) {
    if (e.status !== 404) { showMessage(() => t('jobs.cannotDelete', e.message)); return; }
  }
  removeJob(id);
}

function renderJobs() {
  const ul = $('jobs');
  const jobs = [...state.jobs.values()].sort((a, b) => (b.created_at || '').localeCompare(a.created_at || '') || a.file.localeCompare(b.file));
  $('jobs-empty').hidden = jobs.length > 0;
  const items = jobs.map((job) => {
    const li = document.createElement('li');
    li.className = `job ${job.state}` + (job.id === state.selected ? ' selected' : '');
    li.dataset.id = job.id;
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = job.file;
    name.title = job.file;
    name.translate = false;
    const actions = document.createElement('span');
    actions.className = 'actions';
    if (job.state === 'succeeded') {
      const view = button(t('jobs.view'), () => select(job.id), 'small primary');
      view.classList.add('view');
      actions.append(view);
    }
    actions.append(button(t('jobs.delete'), () => deleteJob(job.id), 'small ghost'));
    const progress = document.createElement('div');
    progress.className = 'progress';
    progress.setAttribute('role', 'progressbar');
    progress.setAttribute('aria-valuemin', '0');
    progress.setAttribute('aria-valuemax', '100');
    progress.setAttribute('aria-valuenow', String(Math.round(job.progress * 100)));
    const fill = document.createElement('div');
    fill.style.width = `${Math.round((job.state === 'succeeded' ? 1 : job.progress) * 100)}%`;
    progress.append(fill);
    const meta = document.createElement('span');
    meta.className = 'meta';
    const st = document.createElement('span');
    st.className = `state ${job.state}`;
    st.textContent = job.state === 'running' ? t('state.running', Math.round(job.progress * 100))
      : MESSAGES.en['state.' + job.state] ? t('state.' + job.state) : job.state;
    meta.append(st);
    if (job.duration_ms != null) meta.append(text(formatClock(job.duration_ms)));
    meta.append(text(formatBytes(job.bytes)));
    if (job.error) {
      const err = text(`${job.error.message} [${job.error.code}]`);
      err.className = 'error-text';
      err.translate = false; // the server's words
      meta.append(err);
    }
    li.append(name, actions, progress, meta);
    return li;
  });
  ul.replaceChildren(...items);
}

// MARK: - Result

async function select(id) {
  state.selected = id;
  renderJobs();
  try {
    const response = await api(`/api/v1/jobs/${id}/result?format=json`);
    state.result = await response.json();
  } catch (e) {
    showMessage(() => t('result.cannotLoad', e.message));
    return;
  }
  renderResult(state.jobs.get(id), state.result);
  await setAudio(id);
  revealResult();
}

/** Brings the result card to the top of the view (after its audio is set, so nothing moves it
 * afterwards) and gives its title the focus, so eyes and screen readers land on it. */
function revealResult() {
  $('result').scrollIntoView({ block: 'start', behavior: 'instant' });
  $('result-title').focus({ preventScroll: true });
}

async function setAudio(id) {
  const player = $('player');
  let url = state.localAudio.get(id);
  if (!url) {
    try {
      const response = await api(`/api/v1/jobs/${id}/audio`);
      url = URL.createObjectURL(await response.blob());
      state.localAudio.set(id, url);
    } catch (_) {
      player.removeAttribute('src');
      return;
    }
  }
  if (state.selected === id) player.src = url;
}

function renderResult(job, result) {
  $('result').hidden = false;
  $('result').dataset.job = state.selected || '';
  $('result-file').textContent = ` · ${job ? job.file : result.file || ''}`;

  const summary = $('summary');
  summary.replaceChildren();
  if (result.language) summary.append(languageBadge(result.language));
  if (result.emotion) summary.append(emotionBadge(result.emotion));
  for (const e of result.events || []) summary.append(eventBadge(e));
  summary.append(text(`${formatClock(result.duration_ms)} · ${t('result.segments', result.segments.length)}`
    + (result.timings ? ` · ${t('result.rtf', result.timings.rtf.toFixed(3))}` : '')));

  $('clean-text').textContent = result.text || '—';
  $('rich-text').textContent = result.rich || '—';
  renderTimeline(result);
  renderSegments(result);
  renderSpeakers(result);
}

function renderTimeline(result) {
  const timeline = $('timeline');
  const { nodes, seen } = timelineNodes(result.segments, Math.max(1, result.duration_ms), speakerColours(result));
  const head = document.createElement('div');
  head.className = 'playhead';
  head.id = 'playhead';
  nodes.push(head);
  timeline.replaceChildren(...nodes);
  const legend = $('legend');
  legend.replaceChildren(...[...seen].map((e) => emotionBadge(e)), ...speakerLegend(result));
}

/** Timeline blocks coloured by emotion, with markers for notable events (also the Live tab's);
 * with `speakers` (name → colour index), each block also has a band in its speaker's colour. */
function timelineNodes(segments, total, speakers = null) {
  const nodes = [];
  const seen = new Set();
  segments.forEach((s, i) => {
    const seg = document.createElement('div');
    seg.className = `seg ${s.emotion || 'none'}`;
    seg.style.left = `${(100 * s.start_ms) / total}%`;
    seg.style.width = `${Math.max(0.3, (100 * (s.end_ms - s.start_ms)) / total)}%`;
    seg.title = `${formatClock(s.start_ms)}–${formatClock(s.end_ms)}${s.speaker ? ' · ' + s.speaker : ''} · ${s.emotion ? tagLabel(s.emotion) : t('result.noEmotion')}`
      + `${s.events.length ? ' · ' + s.events.map(tagLabel).join(', ') : ''}\n${s.text}`;
    seg.dataset.index = String(i);
    if (speakers && s.speaker != null) seg.append(speakerBand(s.speaker, speakers));
    nodes.push(seg);
    if (s.emotion) seen.add(s.emotion);
    for (const e of s.events) {
      if (!MARKED_EVENTS.has(e)) continue;
      const marker = document.createElement('span');
      marker.className = 'marker';
      marker.textContent = EVENTS[e] || '•';
      marker.style.left = `${(100 * s.start_ms) / total}%`;
      marker.title = tagLabel(e);
      nodes.push(marker);
    }
  });
  return { nodes, seen };
}

function renderSegments(result) {
  const speakers = speakerColours(result);
  document.querySelector('#segments th.speaker-col').hidden = !speakers;
  const rows = result.segments.map((s, i) => {
    const tr = document.createElement('tr');
    tr.dataset.index = String(i);
    const play = document.createElement('td');
    play.append(button('▶', () => playFrom(s.start_ms / 1000), 'small ghost play'));
    play.firstChild.setAttribute('aria-label', t('result.playFrom', formatClock(s.start_ms)));
    const time = cell(`${formatClock(s.start_ms)}–${formatClock(s.end_ms)}`, 'time');
    const lang = document.createElement('td');
    lang.className = 'lang-col';
    if (s.language) lang.append(languageBadge(s.language));
    const emo = document.createElement('td');
    if (s.emotion) emo.append(emotionBadge(s.emotion));
    const ev = document.createElement('td');
    for (const e of s.events) ev.append(eventBadge(e), ' ');
    const words = cell(s.text, 'seg-text');
    words.translate = false;
    tr.append(play, time);
    if (speakers) tr.append(speakerCell(s, speakers, tr));
    tr.append(lang, emo, ev, words);
    return tr;
  });
  $('segments').tBodies[0].replaceChildren(...rows);
}

function playFrom(seconds) {
  const player = $('player');
  if (!player.src) { showMessage(() => t('result.noAudio')); return; }
  player.currentTime = seconds;
  player.play().catch(() => {});
}

function setUpPlayer() {
  const player = $('player');
  player.addEventListener('timeupdate', () => {
    const result = state.result;
    if (!result) return;
    const ms = player.currentTime * 1000;
    const head = $('playhead');
    if (head) head.style.left = `${Math.min(100, (100 * ms) / Math.max(1, result.duration_ms))}%`;
    for (const tr of $('segments').tBodies[0].rows) {
      const s = result.segments[Number(tr.dataset.index)];
      tr.classList.toggle('playing', !player.paused && ms >= s.start_ms && ms < s.end_ms);
    }
  });
  $('timeline').addEventListener('click', (e) => {
    if (!state.result) return;
    const box = e.currentTarget.getBoundingClientRect();
    playFrom(((e.clientX - box.left) / box.width) * state.result.duration_ms / 1000);
  });
}

async function download(format, extra = '', extension = format) {
  const id = state.selected;
  if (!id) return;
  try {
    const response = await api(`/api/v1/jobs/${id}/result?format=${format}&download=1${extra}`);
    const blob = await response.blob();
    const job = state.jobs.get(id);
    const base = (job ? job.file : 'transcript').replace(/\.[^.]+$/, '');
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${base}.${extension}`;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  } catch (e) {
    showMessage(() => t('result.downloadFailed', e.message));
  }
}

// MARK: - Small helpers

function button(label, onClick, className) {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.className = className;
  b.addEventListener('click', onClick);
  return b;
}

function badge(label, kind) {
  const span = document.createElement('span');
  span.className = `badge ${kind}`;
  span.textContent = label;
  return span;
}

function emotionBadge(emotion) {
  const b = badge(`${EMOTIONS[emotion] || ''} ${tagLabel(emotion)}`.trim(), `emotion ${emotion}`);
  b.dataset.emotion = emotion;
  return b;
}

function eventBadge(event) {
  const b = badge(`${EVENTS[event] || ''} ${tagLabel(event)}`.trim(), 'event');
  b.dataset.event = event;
  return b;
}

/** A language code as a badge: the code in English, the name in Chinese (the code in its title). */
function languageBadge(code) {
  const b = badge(languageName(code), 'lang');
  b.title = code;
  b.dataset.language = code;
  return b;
}

function text(value) {
  const span = document.createElement('span');
  span.textContent = value;
  return span;
}

function cell(value, className) {
  const td = document.createElement('td');
  td.className = className;
  td.textContent = value;
  return td;
}

function formatClock(ms) {
  const total = Math.max(0, Math.round(ms / 100)) / 10;
  const m = Math.floor(total / 60);
  const s = (total - m * 60).toFixed(1).padStart(4, '0');
  return `${m}:${s}`;
}

function formatBytes(n) {
  if (n == null) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

// MARK: - Start

/** The metrics link fetches with the API key (a plain link would get 401) and shows the text. */
function setUpMetrics() {
  const dialog = $('metrics-dialog');
  $('metrics-link').addEventListener('click', async (event) => {
    event.preventDefault();
    try {
      const response = await api('/metrics');
      $('metrics-text').textContent = await response.text();
      dialog.showModal();
    } catch (e) {
      showMessage(() => (e.status === 401 ? t('metrics.needKey') : t('metrics.cannotLoad', e.message)));
    }
  });
}

function setUpKeyDialog() {
  const dialog = $('key-dialog');
  $('key-button').addEventListener('click', () => { $('key-input').value = apiKey(); dialog.showModal(); });
  dialog.addEventListener('close', () => {
    if (dialog.returnValue !== 'save') return;
    const key = $('key-input').value.trim();
    if (key) localStorage.setItem('sensevoice.apiKey', key); else localStorage.removeItem('sensevoice.apiKey');
    showMessage('');
    loadJobs();
  });
}

document.addEventListener('DOMContentLoaded', () => {
  setUpDrop();
  setUpRecording();
  setUpPlayer();
  setUpKeyDialog();
  setUpMetrics();
  $('submit').addEventListener('click', submit);
  $('refresh').addEventListener('click', loadJobs);
  $('download-srt').addEventListener('click', () => download('srt'));
  $('download-vtt').addEventListener('click', () => download('vtt'));
  $('download-json').addEventListener('click', () => download('json'));
  $('download-markers').addEventListener('click', () => {
    const layout = $('markers-layout').value;
    const extension = { csv: 'markers.csv', chapters: 'chapters.txt', edl: 'edl' }[layout];
    download('markers', `&markers_format=${layout}`, extension);
  });
  onLanguageChange(() => {
    renderPicked();
    renderJobs();
    if (state.message) $('message').textContent = state.message();
    if (state.result && !$('result').hidden) renderResult(state.jobs.get(state.selected), state.result);
  });
  checkStatus();
  loadJobs();
});
