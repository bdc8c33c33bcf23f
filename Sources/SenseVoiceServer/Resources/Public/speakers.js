// SenseVoice web UI, speakers: the diarization fields of the upload form, speaker colours in the
// segment table and the timeline, and one emotion bar per speaker (from the result's `speakers`
// summary). Everything keys off the segments' `speaker` field, so `diarize` and per-channel
// speakers look the same; a result without speakers shows none of it.
'use strict';

/** Distinct speaker colours (app.css: .spk-0 … .spk-7), reused in turn beyond eight speakers. */
const SPEAKER_COLOURS = 8;

/** Shows the diarization fields when the server has a speaker model (`/ready` says `speakers`). */
function showSpeakerOptions(available) {
  $('diarize-option').hidden = !available;
  $('num-speakers-option').hidden = !available;
  if (!available) $('diarize').checked = false;
  $('num-speakers').disabled = !$('diarize').checked;
}

/** Adds `diarize` and `num_speakers` to an upload when asked for. */
function appendSpeakerFields(form) {
  if ($('diarize-option').hidden || !$('diarize').checked) return;
  form.append('diarize', 'true');
  const n = $('num-speakers').value.trim();
  if (n) form.append('num_speakers', n);
}

/** Speaker name → colour index, in the order of the result's summary (else of first appearance);
 * null when no segment has a speaker. */
function speakerColours(result) {
  const names = (result.speakers || []).map((s) => s.speaker);
  for (const s of result.segments) if (s.speaker != null && !names.includes(s.speaker)) names.push(s.speaker);
  if (!names.length) return null;
  return new Map(names.map((name, i) => [name, i % SPEAKER_COLOURS]));
}

/** A speaker's name as a chip in its colour. */
function speakerChip(name, colours) {
  const chip = document.createElement('span');
  chip.className = `speaker-chip spk-${colours.get(name) ?? 0}`;
  chip.dataset.speaker = name;
  chip.translate = false; // a name, not UI text
  chip.textContent = name;
  return chip;
}

/** The band under a timeline block in its speaker's colour. */
function speakerBand(name, colours) {
  const band = document.createElement('span');
  band.className = `speaker-band spk-${colours.get(name) ?? 0}`;
  band.dataset.speaker = name;
  return band;
}

/** The speaker cell of a segment row; the row gets its speaker's colour at its left edge. */
function speakerCell(segment, colours, row) {
  const td = document.createElement('td');
  td.className = 'speaker-col';
  if (segment.speaker != null) {
    td.append(speakerChip(segment.speaker, colours));
    row.dataset.speaker = segment.speaker;
    row.classList.add('has-speaker', `spk-${colours.get(segment.speaker) ?? 0}`);
  }
  return td;
}

/** Speaker chips for the timeline's legend (none without speakers). */
function speakerLegend(result) {
  const colours = speakerColours(result);
  return colours ? [...colours.keys()].map((name) => speakerChip(name, colours)) : [];
}

/** The per-speaker list: talk time and share, dominant emotion, events, and the emotion bar. */
function renderSpeakers(result) {
  const colours = speakerColours(result);
  const summaries = result.speakers || [];
  $('speakers').hidden = !colours || !summaries.length;
  const items = colours ? summaries.map((s) => {
    const li = document.createElement('li');
    li.className = 'speaker-row';
    li.dataset.speaker = s.speaker;
    const head = document.createElement('div');
    head.className = 'speaker-head';
    const stats = document.createElement('span');
    stats.className = 'muted speaker-stats';
    stats.textContent = t('result.speakerStats', formatClock(s.talk_ms), Math.round(s.share * 100), s.segments);
    head.append(speakerChip(s.speaker, colours), stats);
    if (s.emotion) head.append(emotionBadge(s.emotion));
    for (const [e, n] of Object.entries(s.events || {})) {
      if (e === 'speech') continue;
      const b = eventBadge(e);
      b.append(` ×${n}`);
      head.append(b);
    }
    li.append(head, emotionBar(s));
    return li;
  }) : [];
  $('speaker-list').replaceChildren(...items);
}

/** A bar over the speaker's segments split by emotion, each part as wide as its share of them;
 * segments without an emotion make a last, grey part. */
function emotionBar(summary) {
  const bar = document.createElement('div');
  bar.className = 'emotion-bar';
  bar.setAttribute('role', 'img');
  bar.setAttribute('aria-label', t('result.emotionBar', summary.speaker));
  const counts = Object.entries(summary.emotions || {}).sort((a, b) => b[1] - a[1]);
  const tagged = counts.reduce((sum, [, n]) => sum + n, 0);
  if (summary.segments > tagged) counts.push(['none', summary.segments - tagged]);
  const total = Math.max(1, tagged, summary.segments);
  for (const [emotion, n] of counts) {
    const part = document.createElement('span');
    part.className = `emotion-part ${emotion}`;
    part.dataset.emotion = emotion;
    part.style.width = `${(100 * n) / total}%`;
    part.title = t('result.emotionCount', emotion === 'none' ? t('result.noEmotion') : tagLabel(emotion), n);
    bar.append(part);
  }
  return bar;
}

document.addEventListener('DOMContentLoaded', () => {
  $('diarize').addEventListener('change', () => { $('num-speakers').disabled = !$('diarize').checked; });
});
