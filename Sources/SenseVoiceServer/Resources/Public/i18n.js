// SenseVoice web UI: every visible string in English and Simplified Chinese, one catalogue for the
// Files and Live tabs. The language comes from the header switch (remembered in localStorage), else
// from the browser's languages; <html lang> follows it. Elements name their string with
// data-i18n (text), data-i18n-placeholder, data-i18n-title and data-i18n-aria-label; data-i18n-args
// holds a JSON array of arguments. Emotion and event words come from the server's labels.js (the
// engine's --label-style table); the tags that table does not show have theirs here.
'use strict';

const LANGUAGES = ['en', 'zh-CN'];

const MESSAGES = {
  en: {
    'lang.switch': 'Interface language',
    'status.connecting': 'connecting…',
    'status.ready': 'ready',
    'status.loading': 'loading model…',
    'status.down': 'server unreachable',
    'key.button': 'API key',
    'key.title': 'API key',
    'key.help.before': 'Only needed when the server runs with',
    'key.help.after': '. Kept in this browser.',
    'key.placeholder': 'key',
    'key.cancel': 'Cancel',
    'key.save': 'Save',
    'metrics.title': 'Metrics',
    'metrics.close': 'Close',
    'tab.files': 'Files',
    'tab.live': 'Live',
    'upload.title': 'Transcribe',
    'upload.drop': 'Drop audio or video files here',
    'upload.dropSub': 'or click to choose · several files become a batch',
    'upload.record': '● Record',
    'upload.stop': '■ Stop',
    'upload.picked': 'Files to send',
    'upload.remove': (name) => `Remove ${name}`,
    'upload.language': 'Language',
    'upload.itn': 'Punctuation & numbers (ITN)',
    'upload.diarize': 'Who spoke (speakers)',
    'upload.numSpeakers': 'Number of speakers',
    'upload.numSpeakersAuto': 'auto',
    'upload.submit': 'Transcribe',
    'upload.submitMany': (n) => `Transcribe ${n} files`,
    'upload.empty': (name) => `${name} is empty.`,
    'upload.uploading': (name) => `Uploading ${name}…`,
    'upload.refused': (name, why) => `${name} was refused: ${why}`,
    'upload.notSent': (name, why) => `${name} was not sent (${why}); it stays in the list to retry`,
    'record.unsupported': 'Recording needs a secure context (https or localhost) and MediaRecorder support.',
    'record.noMicrophone': (why) => `The microphone is not available (${why}); allow it in the browser, or upload a file.`,
    'option.auto': 'auto-detect',
    'option.zh': '中文 (zh)',
    'option.en': 'English (en)',
    'option.yue': '粵語 (yue)',
    'option.ja': '日本語 (ja)',
    'option.ko': '한국어 (ko)',
    'jobs.title': 'Jobs',
    'jobs.refresh': 'Refresh',
    'jobs.empty': 'No jobs yet.',
    'jobs.view': 'View',
    'jobs.delete': 'Delete',
    'jobs.needKey': 'This server needs an API key: click “API key” at the top.',
    'jobs.cannotList': (why) => `Cannot list jobs: ${why}`,
    'jobs.cannotDelete': (why) => `Cannot delete: ${why}`,
    'state.queued': 'queued',
    'state.running': (percent) => `running ${percent}%`,
    'state.succeeded': 'succeeded',
    'state.failed': 'failed',
    'result.title': 'Result',
    'result.cannotLoad': (why) => `Cannot load the result: ${why}`,
    'result.segments': (n) => `${n} segment${n === 1 ? '' : 's'}`,
    'result.rtf': (rtf) => `RTF ${rtf}`,
    'result.timeline': 'Timeline coloured by emotion; click to play',
    'result.text': 'Text',
    'result.rich': 'Rich text',
    'result.segmentsTitle': 'Segments',
    'result.noEmotion': 'no emotion',
    'result.playFrom': (clock) => `Play from ${clock}`,
    'result.noAudio': 'The audio of this job is not available any more.',
    'result.downloadFailed': (why) => `Download failed: ${why}`,
    'result.speakers': 'Speakers',
    'result.speakerStats': (clock, percent, n) => `${clock} · ${percent}% · ${n} segment${n === 1 ? '' : 's'}`,
    'result.emotionBar': (speaker) => `Emotions of ${speaker}, by segments`,
    'result.emotionCount': (label, n) => `${label}: ${n} segment${n === 1 ? '' : 's'}`,
    'col.play': 'Play',
    'col.time': 'Time',
    'col.speaker': 'Speaker',
    'col.language': 'Lang',
    'col.emotion': 'Emotion',
    'col.events': 'Events',
    'col.text': 'Text',
    'download.markersLayout': 'Markers layout',
    'download.chapters': 'Chapters',
    'download.markers': 'Markers',
    'download.markersHint': 'Emotions and events with their times, for video editors',
    'metrics.needKey': 'The metrics need the API key: click “API key” at the top.',
    'metrics.cannotLoad': (why) => `Cannot load the metrics: ${why}`,
    'footer.product': 'SenseVoiceSmall in Swift',
    'footer.api': 'API (OpenAPI)',
    'footer.metrics': 'metrics',
    'live.title': 'Live transcription',
    'live.hint': 'Speak into the microphone: words appear as you talk, each finished phrase with its emotion and sound events.',
    'live.start': '● Start',
    'live.stop': '■ Stop',
    'live.level': 'Microphone level',
    'live.idle': 'Not listening.',
    'live.connecting': 'Connecting…',
    'live.listening': 'Listening…',
    'live.speaking': 'Hearing speech…',
    'live.finishing': 'Finishing the last phrase…',
    'live.stopped': 'Stopped.',
    'live.empty': 'Nothing transcribed yet.',
    'live.noMicrophone': (why) => `The microphone is not available (${why}); allow it in the browser.`,
    'live.connectionFailed': 'The live connection failed; check the server and the API key, then start again.',
    'live.closed': (code, reason) => `The server closed the stream (${code}${reason ? ': ' + reason : ''}).`,
    'live.serverError': (message, code) => `${message} [${code}]`,
    'live.timeline': 'Emotion timeline of this session',
    'live.language': 'Language',
    'live.itn': 'Punctuation & numbers (ITN)',
    // Tags without a label in the engine's table (it shows them as nothing).
    'tag.neutral': 'neutral',
    'tag.other': 'other',
    'tag.unknown': 'unknown',
    'tag.speech': 'speech',
    'tag.breath': 'breath',
    'tag.sing': 'singing',
    'tag.speech_noise': 'speech noise',
    'tag.gbg': 'noise',
  },
  'zh-CN': {
    'lang.switch': '界面语言',
    'status.connecting': '正在连接…',
    'status.ready': '就绪',
    'status.loading': '正在加载模型…',
    'status.down': '无法连接服务器',
    'key.button': 'API 密钥',
    'key.title': 'API 密钥',
    'key.help.before': '仅当服务器以',
    'key.help.after': ' 启动时需要。密钥只保存在本浏览器中。',
    'key.placeholder': '密钥',
    'key.cancel': '取消',
    'key.save': '保存',
    'metrics.title': '运行指标',
    'metrics.close': '关闭',
    'tab.files': '文件',
    'tab.live': '实时',
    'upload.title': '转写',
    'upload.drop': '把音频或视频文件拖到这里',
    'upload.dropSub': '或点击选择 · 多个文件作为一批提交',
    'upload.record': '● 录音',
    'upload.stop': '■ 停止',
    'upload.picked': '待发送的文件',
    'upload.remove': (name) => `移除 ${name}`,
    'upload.language': '语言',
    'upload.itn': '标点与数字规整 (ITN)',
    'upload.diarize': '区分说话人',
    'upload.numSpeakers': '说话人数',
    'upload.numSpeakersAuto': '自动',
    'upload.submit': '转写',
    'upload.submitMany': (n) => `转写 ${n} 个文件`,
    'upload.empty': (name) => `${name} 是空文件。`,
    'upload.uploading': (name) => `正在上传 ${name}…`,
    'upload.refused': (name, why) => `${name} 被拒绝：${why}`,
    'upload.notSent': (name, why) => `${name} 未发送（${why}）；它留在列表中，可以重试`,
    'record.unsupported': '录音需要安全连接（或在本机访问），并且浏览器要支持录音。',
    'record.noMicrophone': (why) => `无法使用麦克风（${why}）；请在浏览器中允许，或者上传文件。`,
    'option.auto': '自动识别',
    'option.zh': '中文 (zh)',
    'option.en': '英语 (en)',
    'option.yue': '粤语 (yue)',
    'option.ja': '日语 (ja)',
    'option.ko': '韩语 (ko)',
    // A result's language, shown by name in Chinese (the English UI shows the code).
    'language.zh': '中文',
    'language.en': '英语',
    'language.yue': '粤语',
    'language.ja': '日语',
    'language.ko': '韩语',
    'jobs.title': '任务',
    'jobs.refresh': '刷新',
    'jobs.empty': '还没有任务。',
    'jobs.view': '查看',
    'jobs.delete': '删除',
    'jobs.needKey': '此服务器需要 API 密钥：请点击顶部的“API 密钥”。',
    'jobs.cannotList': (why) => `无法列出任务：${why}`,
    'jobs.cannotDelete': (why) => `无法删除：${why}`,
    'state.queued': '排队中',
    'state.running': (percent) => `处理中 ${percent}%`,
    'state.succeeded': '已完成',
    'state.failed': '失败',
    'result.title': '结果',
    'result.cannotLoad': (why) => `无法加载结果：${why}`,
    'result.segments': (n) => `${n} 个片段`,
    'result.rtf': (rtf) => `实时率 ${rtf}`,
    'result.timeline': '按情绪着色的时间轴；点击播放',
    'result.text': '文本',
    'result.rich': '富文本',
    'result.segmentsTitle': '片段',
    'result.noEmotion': '无情绪',
    'result.playFrom': (clock) => `从 ${clock} 开始播放`,
    'result.noAudio': '此任务的音频已不可用。',
    'result.downloadFailed': (why) => `下载失败：${why}`,
    'result.speakers': '说话人',
    'result.speakerStats': (clock, percent, n) => `${clock} · ${percent}% · ${n} 个片段`,
    'result.emotionBar': (speaker) => `${speaker} 的情绪（按片段计）`,
    'result.emotionCount': (label, n) => `${label}：${n} 个片段`,
    'col.play': '播放',
    'col.time': '时间',
    'col.speaker': '说话人',
    'col.language': '语种',
    'col.emotion': '情绪',
    'col.events': '事件',
    'col.text': '文本',
    'download.markersLayout': '标记格式',
    'download.chapters': '章节',
    'download.markers': '标记',
    'download.markersHint': '情绪和声音事件及其时间，供视频剪辑使用',
    'metrics.needKey': '运行指标需要 API 密钥：请点击顶部的“API 密钥”。',
    'metrics.cannotLoad': (why) => `无法加载运行指标：${why}`,
    'footer.product': 'SenseVoiceSmall · Swift 实现',
    'footer.api': '接口文档 (OpenAPI)',
    'footer.metrics': '运行指标',
    'live.title': '实时转写',
    'live.hint': '对着麦克风说话：文字随说随出，每句说完后标出情绪和声音事件。',
    'live.start': '● 开始',
    'live.stop': '■ 停止',
    'live.level': '麦克风音量',
    'live.idle': '未在收听。',
    'live.connecting': '正在连接…',
    'live.listening': '正在收听…',
    'live.speaking': '听到说话声…',
    'live.finishing': '正在完成最后一句…',
    'live.stopped': '已停止。',
    'live.empty': '还没有转写内容。',
    'live.noMicrophone': (why) => `无法使用麦克风（${why}）；请在浏览器中允许。`,
    'live.connectionFailed': '实时连接失败；请检查服务器和 API 密钥，然后重新开始。',
    'live.closed': (code, reason) => `服务器关闭了连接（${code}${reason ? '：' + reason : ''}）。`,
    'live.serverError': (message, code) => `${message} [${code}]`,
    'live.timeline': '本次会话的情绪时间轴',
    'live.language': '语言',
    'live.itn': '标点与数字规整 (ITN)',
    'tag.neutral': '中性',
    'tag.other': '其他',
    'tag.unknown': '未知',
    'tag.speech': '语音',
    'tag.breath': '呼吸',
    'tag.sing': '唱歌',
    'tag.speech_noise': '人声噪音',
    'tag.gbg': '杂音',
  },
};

const I18N_STORAGE_KEY = 'sensevoice.language';
const i18nListeners = [];
let uiLanguage = 'en';

/** The language to start in: the remembered choice, else the first browser language we have. */
function initialLanguage() {
  const saved = localStorage.getItem(I18N_STORAGE_KEY);
  if (LANGUAGES.includes(saved)) return saved;
  for (const tag of navigator.languages || [navigator.language || 'en']) {
    const lower = String(tag).toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

/** The string `key` in the current language, with arguments for the strings that take some. */
function t(key, ...args) {
  const entry = MESSAGES[uiLanguage][key] ?? MESSAGES.en[key];
  if (entry === undefined) return key;
  return typeof entry === 'function' ? entry(...args) : entry;
}

/** The readable word for an emotion or event (JSON name), in the current language. */
function tagLabel(name) {
  const labels = typeof TAG_LABELS === 'object' ? TAG_LABELS[name] : undefined;
  if (labels) return uiLanguage === 'zh-CN' ? labels.zh : labels.en;
  const own = MESSAGES[uiLanguage]['tag.' + name] ?? MESSAGES.en['tag.' + name];
  return own ?? String(name).replace(/_/g, ' ');
}

/** A language code of a result (`ja`) as shown: its name in Chinese mode, the code in English mode. */
function languageName(code) {
  if (uiLanguage === 'zh-CN' && MESSAGES['zh-CN']['language.' + code]) return MESSAGES['zh-CN']['language.' + code];
  return code;
}

/** Gives `element` the string `key` (kept on the element, so a language switch updates it). */
function setText(element, key, ...args) {
  element.dataset.i18n = key;
  if (args.length) element.dataset.i18nArgs = JSON.stringify(args); else delete element.dataset.i18nArgs;
  element.textContent = t(key, ...args);
}

/** Fills every data-i18n* attribute under `root` in the current language. */
function applyTranslations(root = document) {
  const args = (el) => (el.dataset.i18nArgs ? JSON.parse(el.dataset.i18nArgs) : []);
  const each = (attribute, apply) => {
    if (root.nodeType === 1 && root.hasAttribute(attribute)) apply(root);
    root.querySelectorAll(`[${attribute}]`).forEach(apply);
  };
  each('data-i18n', (el) => { el.textContent = t(el.dataset.i18n, ...args(el)); });
  each('data-i18n-placeholder', (el) => { el.placeholder = t(el.dataset.i18nPlaceholder); });
  each('data-i18n-title', (el) => { el.title = t(el.dataset.i18nTitle); });
  each('data-i18n-aria-label', (el) => { el.setAttribute('aria-label', t(el.dataset.i18nAriaLabel)); });
}

/** Switches the UI to `language`, remembers it, and lets the tabs redraw what they built. */
function setLanguage(language, remember = true) {
  uiLanguage = LANGUAGES.includes(language) ? language : 'en';
  if (remember) localStorage.setItem(I18N_STORAGE_KEY, uiLanguage);
  document.documentElement.lang = uiLanguage;
  const picker = document.getElementById('ui-language');
  if (picker) picker.value = uiLanguage;
  applyTranslations();
  for (const listener of i18nListeners) listener(uiLanguage);
}

/** Calls `listener` after every language switch (to redraw lists and results built in script). */
function onLanguageChange(listener) { i18nListeners.push(listener); }

// Set the language before the first paint of the content (this script runs deferred, before app.js).
uiLanguage = initialLanguage();
document.documentElement.lang = uiLanguage;
applyTranslations();
{
  const picker = document.getElementById('ui-language');
  picker.value = uiLanguage;
  picker.addEventListener('change', () => setLanguage(picker.value));
}
