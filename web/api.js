// api.js — window.lesson, URL parameters, deep links and messages to an embedding page.
// The browser contract is described in DESIGN.md; nothing received here is evaluated or
// written into the page as HTML.
/* global Module */
(function () {
  'use strict';
  const SOURCE = 'attention-lesson';
  // The input limits, defined once in the library (core/limits.h) and read from it at start:
  // {textBytes, bertTokens, bertPieces, promptBytes, addressTextBytes, attentionSide, cellMin, cellMax}.
  let limits = null;
  const utf8 = new TextEncoder();
  // UTF-8 bytes of s, counted only up to max: a UTF-16 unit is at least one byte, so a longer
  // string is over the limit without being encoded.
  const bytesOver = (s, max) => (s.length > max ? s.length : utf8.encode(s).length);
  const STORAGE_KEY = 'attention-lesson/progress/v1';
  // boot.js made the promises (window.lesson exists before this script runs); without it, here.
  const early = window.lessonBoot && window.lessonBoot.lesson;
  let resolveReady, rejectReady;
  const ready = early ? early.ready : new Promise((resolve, reject) => { resolveReady = resolve; rejectReady = reject; });
  if (early) ({ resolveReady, rejectReady } = early);
  ready.catch(() => {});  // a failed start is reported on the page; nobody has to await it
  // BERT's vocabulary, the trained models (the explorer's, the story model) and the race's
  // reference run are fetched after the first frame: `models` resolves once they have arrived,
  // or failed (then state().problems says so). Until then the sections that use them say they
  // are loading, tokenize(), model(), generate(), nextToken() and train() refuse with that
  // reason, and setText() keeps the sentence and returns null instead of its token count.
  let resolveModels, rejectModels;
  const models = early ? early.models : new Promise((resolve, reject) => { resolveModels = resolve; rejectModels = reject; });
  if (early) ({ resolveModels, rejectModels } = early);
  models.catch(() => {});
  let modelsArrived = false;
  let started = false;
  const params = new URLSearchParams(window.location.search);
  const framed = window.parent !== window;

  function call(name, returnType, argTypes, args) {
    if (!started) throw new Error('lesson: not ready yet; wait for lesson.ready');
    return Module.ccall(name, returnType, argTypes, args);
  }

  function parseReply(text) {
    const value = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value) && typeof value.error === 'string') throw new Error(value.error);
    return value;
  }

  function post(type, extra) {
    if (!framed) return;
    try {
      window.parent.postMessage(Object.assign({ source: SOURCE, type }, extra || {}), '*');
    } catch (e) { /* a parent that went away */ }
  }

  function reportError(message) {
    console.warn('lesson:', message);
    post('error', { message: String(message) });
  }

  // An array of equal-length arrays of finite numbers, flattened row-major.
  function toMatrix(name, rows) {
    if (!Array.isArray(rows) || rows.length === 0) throw new TypeError(`attention: ${name} must be a non-empty array of rows`);
    const cols = Array.isArray(rows[0]) ? rows[0].length : 0;
    if (cols === 0) throw new TypeError(`attention: ${name}[0] must be a non-empty array of numbers`);
    if (rows.length * cols > 1 << 22) throw new RangeError(`attention: ${name} is too large`);
    const flat = new Float64Array(rows.length * cols);
    rows.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== cols) {
        throw new TypeError(`attention: ${name} is not rectangular (row 0 has ${cols} values, row ${i} has ${Array.isArray(row) ? row.length : 'none'})`);
      }
      row.forEach((x, j) => {
        if (typeof x !== 'number' || !Number.isFinite(x)) throw new TypeError(`attention: ${name}[${i}][${j}] is not a finite number`);
        flat[i * cols + j] = x;
      });
    });
    return { flat, rows: rows.length, cols };
  }

  function withHeap(arrays, fn) {
    const ptrs = arrays.map((a) => {
      if (!a) return 0;
      const p = Module._malloc(a.byteLength);
      Module.HEAPU8.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), p);
      return p;
    });
    try {
      return fn(ptrs);
    } finally {
      ptrs.forEach((p) => p && Module._free(p));
    }
  }

  // Text for the library: a string of at most maxBytes UTF-8 bytes (the lesson's text limit by
  // default). Lone surrogates, which UTF-8 cannot hold, become U+FFFD, as TextEncoder writes
  // them; C strings end at NUL, so NUL characters are dropped (the tokenizer drops them anyway).
  function checkText(s, what, maxBytes) {
    if (typeof s !== 'string') throw new TypeError(`${what}: expected a string`);
    const max = maxBytes || limits.textBytes;
    const n = bytesOver(s, max);
    if (n > max) {
      throw new RangeError(`${what}: the text is ${s.length > max ? 'at least ' : ''}${n.toLocaleString('en')} bytes long; at most ${max.toLocaleString('en')} bytes are taken`);
    }
    const wellFormed = typeof s.toWellFormed === 'function' ? s.toWellFormed()
      : s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
    return wellFormed.replace(/\u0000/g, '');
  }

  // The address follows the view (section, sentence, the explorer's token, layer and head, the
  // worked example's Q, K, V when edited), so that a copied link reopens it. Outside embed mode a
  // change of section is a history entry, so Back returns to the previous section; the rest
  // replaces the entry. Sandboxed documents may refuse history changes: nothing is lost.
  const DEFAULT_TEXT = 'The animal did not cross the street because it was too tired';
  const VIEW_KEYS = ['section', 'text', 'token', 'layer', 'head', 'q', 'k', 'v', 'n', 'block', 'stage', 'box'];
  const INT_KEYS = ['token', 'layer', 'head', 'n', 'block', 'stage', 'box'];
  const EXPLORER_KEYS = ['token', 'layer', 'head'];
  const nav = { section: null, restoring: false, url: null, explorerView: null };

  function viewUrl(view) {
    const url = new URL(window.location.href);
    for (const key of VIEW_KEYS) url.searchParams.delete(key);
    url.searchParams.set('section', view.section);
    // A text longer than the address keeps (a paragraph) is left out of it: servers refuse
    // addresses that long, so the link would not open.
    if (view.text && view.text !== DEFAULT_TEXT && bytesOver(view.text, limits.addressTextBytes) <= limits.addressTextBytes) {
      url.searchParams.set('text', view.text);
    }
    for (const key of ['token', 'layer', 'head']) if (Number.isInteger(view[key])) url.searchParams.set(key, String(view[key]));
    for (const key of ['q', 'k', 'v']) {
      if (Array.isArray(view[key])) url.searchParams.set(key, view[key].map((x) => Number(x.toFixed(3))).join(','));
    }
    for (const key of ['n', 'block', 'stage', 'box']) if (Number.isInteger(view[key])) url.searchParams.set(key, String(view[key]));
    return url;
  }

  function showView(json) {
    let view;
    try { view = JSON.parse(json); } catch (e) { return; }
    const url = viewUrl(view);
    nav.url = url.href;
    const embed = params.get('embed') === '1';
    const newSection = nav.section !== null && view.section !== nav.section;
    const restoring = nav.restoring;
    nav.section = view.section;
    nav.restoring = false;
    if (url.href === window.location.href) return;
    try {
      if (newSection && !embed && !restoring) window.history.pushState({ section: view.section }, '', url.href);
      else window.history.replaceState({ section: view.section }, '', url.href);
    } catch (e) { /* refused */ }
  }

  // The view parameters of an address (token, layer, head, q, k, v) for lesson_set_view; null
  // when it has none. Numbers only: anything else is passed on as not a number, and refused.
  function viewFromParams(p) {
    const view = {};
    for (const key of INT_KEYS) {
      const value = p.get(key);
      if (value !== null) view[key] = value === 'mean' ? 0 : (/^\d{1,4}$/.test(value) ? Number(value) : -1);
    }
    for (const key of ['q', 'k', 'v']) {
      const value = p.get(key);
      if (value !== null) view[key] = value.slice(0, 400).split(',').slice(0, 64).map((x) => (/^-?\d+(\.\d+)?$/.test(x.trim()) ? Number(x) : null));
    }
    return Object.keys(view).length ? view : null;
  }

  function applyView(view) {
    if (!view) return;
    try {
      parseReply(call('lesson_set_view', 'string', ['string'], [JSON.stringify(view)]));
    } catch (e) {
      reportError(e.message);
    }
  }

  // Back and Forward: the lesson goes to the view of that history entry.
  function onPopState() {
    const p = new URLSearchParams(window.location.search);
    nav.restoring = true;
    const section = p.get('section');
    if (section === null || !lesson.goTo(section)) lesson.goTo('intro');
    const text = p.get('text');
    const wanted = text === null ? DEFAULT_TEXT : text;
    if (wanted !== parseReply(call('lesson_state', 'string', [], [])).text) lesson.setText(wanted);
    applyView(viewFromParams(p));
  }

  const lesson = {
    ready,
    models,
    get version() { return started ? call('lesson_version', 'string', [], []) : undefined; },
    // The input limits (bytes of text, BERT's tokens, the attention matrices' side, the cells' range).
    get limits() { return limits ? Object.assign({}, limits) : undefined; },
    sections() { return parseReply(call('lesson_sections', 'string', [], [])); },
    goTo(id) {
      if (typeof id !== 'string' || id.length > 64) return false;
      return call('lesson_go_to', 'number', ['string'], [id]) === 1;
    },
    state() { return parseReply(call('lesson_state', 'string', [], [])); },
    setText(s) {
      try {
        const r = parseReply(call('lesson_set_text', 'string', ['string'], [checkText(s, 'setText')]));
        return r.count;
      } catch (e) {
        return e.message;
      }
    },
    tokenize(s) {
      const r = parseReply(call('lesson_tokenize', 'string', ['string'], [checkText(s, 'tokenize')]));
      return { tokens: r.tokens, ids: r.ids, truncated: r.truncated, dropped: r.dropped };
    },
    attention(Q, K, V, mask) {
      const q = toMatrix('Q', Q), k = toMatrix('K', K), v = toMatrix('V', V);
      let m = null;
      if (mask !== undefined && mask !== null) {
        const mm = toMatrix('mask', Array.isArray(mask) ? mask.map((r) => (Array.isArray(r) ? r.map((x) => (x ? 1 : 0)) : r)) : mask);
        if (mm.rows !== q.rows || mm.cols !== k.rows) {
          throw new TypeError(`attention: mask is (${mm.rows}, ${mm.cols}) but the scores are (${q.rows}, ${k.rows})`);
        }
        m = Uint8Array.from(mm.flat);
      }
      return withHeap([q.flat, k.flat, v.flat, m], (p) => parseReply(call(
        'lesson_attention', 'string',
        ['number', 'number', 'number', 'number', 'number', 'number', 'number', 'number', 'number', 'number'],
        [p[0], q.rows, q.cols, p[1], k.rows, k.cols, p[2], v.rows, v.cols, p[3]])));
    },
    model(s) { return parseReply(call('lesson_model', 'string', ['string'], [checkText(s, 'model')])); },
    generate(prompt, opts) {
      const o = opts && typeof opts === 'object' ? opts : {};
      const num = (v, d, name, integer) => {
        if (v === undefined || v === null) return d;
        if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) {
          throw new TypeError(`generate: ${name} must be ${integer ? 'an integer' : 'a number'}`);
        }
        return v;
      };
      const temperature = num(o.temperature, 1, 'temperature', false);
      const topK = num(o.topK, 0, 'topK', true);
      const seed = num(o.seed, 1, 'seed', true);
      const maxTokens = num(o.maxTokens, 48, 'maxTokens', true);
      if (seed < 0 || seed > 2147483647) throw new RangeError('generate: seed must be from 0 to 2147483647');
      return parseReply(call('lesson_generate', 'string', ['string', 'number', 'number', 'number', 'number'],
        [checkText(prompt, 'generate', limits.promptBytes), temperature, topK, seed, maxTokens]));
    },
    nextToken(prompt) { return parseReply(call('lesson_next_token', 'string', ['string'], [checkText(prompt, 'nextToken', limits.promptBytes)])); },
    frameTimes() { return parseReply(call('lesson_frame_times', 'string', [], [])); },
    // The learner's progress as it is kept: {visited, quiz, first, round, prediction, clues}.
    progress() { return parseReply(call('lesson_progress', 'string', [], [])); },
    // Puts back progress kept elsewhere (a course's suspend data): an object as progress()
    // returns, or its JSON. Returns false, changing nothing, when it cannot be read.
    restore(saved) {
      let text;
      try { text = typeof saved === 'string' ? saved : JSON.stringify(saved); } catch (e) { return false; }
      if (typeof text !== 'string' || text.length > 65536) return false;
      return call('lesson_load_progress', 'number', ['string', 'number'], [text.replace(/\u0000/g, ''), 1]) === 1;
    },
    // A heatmap or matrix as CSV text or a PNG data URL (drawn at the device's pixel ratio, with
    // its labels): export('explorer-attention'), export('explorer-attention', 'png') or
    // export('explorer-attention.png'). exports() lists the kinds.
    export(kind, format) {
      if (typeof kind !== 'string' || kind.length > 80) throw new TypeError('export: expected a kind such as "explorer-attention"');
      let fmt = format === undefined ? 'csv' : format;
      const m = /^(.*)\.(csv|png)$/.exec(kind);
      if (m && format === undefined) { kind = m[1]; fmt = m[2]; }
      if (fmt !== 'csv' && fmt !== 'png') throw new TypeError(`export: format "${String(fmt).slice(0, 20)}" is neither "csv" nor "png"`);
      const r = parseReply(call('lesson_export', 'string', ['string'], [kind]));
      return fmt === 'csv' ? r.csv : drawMatrixPng(r);
    },
    exports() { return parseReply(call('lesson_exports', 'string', [], [])); },
    // Beyond the contract: starts "train it yourself"; state().training reports progress.
    train(seed) {
      if (started && !modelsArrived) throw new Error('train: the vocabulary and the trained models are still loading; await lesson.models');
      return call('lesson_train', 'number', ['number'], [Number.isInteger(seed) && seed >= 0 ? seed : -1]) === 1;
    },
    // Starts the RNN / LSTM / transformer race: options {seed, steps, distances}, each optional;
    // state().race reports it. Throws with the reason when the options do not make a race.
    race(options) {
      if (options !== undefined && (options === null || typeof options !== 'object' || Array.isArray(options))) {
        throw new TypeError('race: options must be an object such as {seed: 1, steps: 400, distances: [4, 8, 16]}');
      }
      return parseReply(call('lesson_race', 'string', ['string'], [JSON.stringify(options || {})]));
    },
    // Beyond the contract: stops the race (its figures so far stay).
    stopRace() { call('lesson_race_stop', null, [], []); },
  };
  Object.defineProperty(window, 'lesson', { value: Object.freeze(lesson), writable: false, configurable: false });

  function applyTheme() {
    const wanted = params.get('theme');
    const dark = wanted === 'dark' || (wanted !== 'light' && window.matchMedia &&
      window.matchMedia('(prefers-color-scheme: dark)').matches);
    if (wanted === 'dark' || wanted === 'light') document.documentElement.dataset.theme = wanted;
    Module.ccall('lesson_set_theme', null, ['number'], [dark ? 1 : 0]);
  }

  function storage() {
    try {
      return window.localStorage || null;  // throws in a sandboxed iframe
    } catch (e) {
      return null;
    }
  }

  function applyUrl() {
    const embed = params.get('embed') === '1';
    const section = params.get('section');
    if (embed) {
      Module.ccall('lesson_set_embed', null, ['number', 'number'], [1, section ? 1 : 0]);
      const link = document.getElementById('open-full');
      if (link) {
        const full = new URL(window.location.href);
        full.searchParams.delete('embed');
        link.href = full.href;
        link.hidden = false;
      }
    }
    if (section !== null && !lesson.goTo(section)) {
      reportError(`There is no section "${section.slice(0, 40)}"; showing the first one.`);
      Module.ccall('lesson_set_banner', null, ['string'], [`The link asked for a section that does not exist ("${section.slice(0, 40)}"), so the lesson starts at the beginning.`]);
    }
    const text = params.get('text');
    if (text !== null) {
      let message = null;
      const n = bytesOver(text, limits.textBytes);
      if (n > limits.textBytes) message = `The sentence in the link is ${n.toLocaleString('en')} bytes long; the lesson takes at most ${limits.textBytes.toLocaleString('en')}, so it kept its own sentence.`;
      else if (text.includes('\uFFFD')) message = 'The sentence in the link contains characters that could not be read (broken encoding); they were dropped.';
      if (message) {
        reportError(message);
        Module.ccall('lesson_set_banner', null, ['string'], [message]);
      }
      if (n <= limits.textBytes) {
        const r = lesson.setText(text);
        if (typeof r === 'string') {
          reportError(r);
          Module.ccall('lesson_set_banner', null, ['string'], [r]);
        }
      }
    }
  }

  // Sentence fields: while one is edited, a real <input> lies over it, so the browser gives
  // paste, copy, undo, input methods (IME), spellcheck settings, the on-screen keyboard and the
  // screen reader's text field. Enter or leaving the field applies the text; Esc cancels; Tab
  // and Shift+Tab apply it and move the lesson's keyboard focus on.
  const edit = { open: false };

  function placeEdit(input, r) {
    const canvas = Module.canvas.getBoundingClientRect();
    input.style.left = `${canvas.left + r.x}px`;
    input.style.top = `${canvas.top + r.y}px`;
    input.style.width = `${r.w}px`;
    input.style.height = `${r.h}px`;
  }

  function closeEdit(apply, tab) {
    const input = document.getElementById('text-edit');
    if (!input || !edit.open) return;
    edit.open = false;
    input.hidden = true;
    const value = input.value.replace(/\u0000/g, '');
    try {
      parseReply(Module.ccall('lesson_edit_end', 'string', ['string', 'number', 'number'], [value, apply ? 1 : 0, tab || 0]));
    } catch (e) {
      reportError(e.message);
      Module.ccall('lesson_set_banner', null, ['string'], [e.message]);
    }
    if (document.activeElement === input || document.activeElement === document.body) Module.canvas.focus();
  }

  function setupTextEdit() {
    const input = document.getElementById('text-edit');
    if (!input) return;
    input.addEventListener('keydown', (e) => {
      if (e.isComposing) return;  // Enter or Esc inside an input method's composition belongs to it
      if (e.key === 'Enter') { e.preventDefault(); closeEdit(true); }
      else if (e.key === 'Escape') { e.preventDefault(); closeEdit(false); }
      else if (e.key === 'Tab') { e.preventDefault(); closeEdit(true, e.shiftKey ? -1 : 1); }
    });
    input.addEventListener('input', () => {
      if (edit.open) Module.ccall('lesson_edit_draft', null, ['string'], [input.value.replace(/\u0000/g, '')]);
    });
    input.addEventListener('blur', () => closeEdit(true));
  }

  // Copies text to the system clipboard (the lesson's "Copy" buttons, pressed by the learner).
  function copyText(text) {
    const fallback = () => {
      const area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      let ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      area.remove();
      Module.canvas.focus();
      return ok;
    };
    const done = (ok) => Module.ccall('lesson_copied', null, ['number'], [ok ? 1 : 0]);
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(() => done(true), () => done(fallback()));
    } else {
      done(fallback());
    }
  }

  function onMessage(event) {
    if (!framed || event.source !== window.parent) return;
    const m = event.data;
    if (!m || typeof m !== 'object' || Array.isArray(m) || typeof m.type !== 'string') return;
    if (m.type === 'goto' && typeof m.section === 'string' && m.section.length <= 64) {
      lesson.goTo(m.section);
    } else if (m.type === 'setText' && typeof m.text === 'string') {
      const r = lesson.setText(m.text);
      if (typeof r === 'string') reportError(r);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The text mirror: the current section as real HTML (headings, paragraphs, lists, tables,
  // quizzes, and each widget's live state in words), visually hidden but read by screen readers,
  // found by find-in-page, copied, translated. The lesson describes itself (lesson_mirror); the
  // page asks a few times a second and changes only the blocks that changed. A polite live
  // region announces changes: the control that takes the keyboard focus and its value, and a
  // widget's new state; never more than one announcement per ANNOUNCE_MS.
  const MIRROR_MS = 250, ANNOUNCE_MS = 900;
  const mirror = { json: null, section: null, blocks: [], focus: null, lives: new Map(), timer: 0 };
  const announcer = { last: 0, pending: null, timer: 0, text: '' };

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    if (attrs) for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) e.setAttribute(k, v);
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  // The lesson file's inline marks: **bold** and `code`, as elements (text is never parsed as HTML).
  function inline(parent, text) {
    const parts = String(text).split(/(\*\*[^*]+\*\*|`[^`]+`)/);
    for (const part of parts) {
      if (!part) continue;
      if (part.startsWith('**') && part.endsWith('**') && part.length > 4) parent.appendChild(el('strong', null, part.slice(2, -2)));
      else if (part.startsWith('`') && part.endsWith('`') && part.length > 2) parent.appendChild(el('code', null, part.slice(1, -1)));
      else parent.appendChild(document.createTextNode(part));
    }
    return parent;
  }

  function tableEl(t) {
    const table = el('table');
    if (t.caption) table.appendChild(el('caption', null, t.caption));
    if (t.header && t.header.length) {
      const tr = el('tr');
      t.header.forEach((h) => tr.appendChild(inline(el('th', { scope: 'col' }), h)));
      table.appendChild(el('thead')).appendChild(tr);
    }
    const body = table.appendChild(el('tbody'));
    for (const row of t.rows || []) {
      const tr = body.appendChild(el('tr'));
      row.forEach((cell, i) => tr.appendChild(inline(el(i === 0 ? 'th' : 'td', i === 0 ? { scope: 'row' } : null), cell)));
    }
    return table;
  }

  function quizEl(b) {
    const box = el('fieldset', { class: 'mirror-quiz' });
    box.appendChild(inline(el('legend'), b.text || 'Question'));
    (b.items || []).forEach((option, i) => {
      const label = el('label');
      const input = el('input', { type: 'radio', name: `quiz-${b.name}`, value: String(i) });
      input.checked = b.chosen === i;
      input.addEventListener('change', () => {
        try { parseReply(call('lesson_answer_quiz', 'string', ['string', 'number'], [b.name, i])); } catch (e) { reportError(e.message); }
        refreshMirror();
      });
      label.appendChild(input);
      inline(label, ` ${option}`);
      box.appendChild(label);
    });
    if (b.chosen >= 0) {
      const right = b.chosen === b.correct;
      const p = el('p', { class: 'mirror-feedback' });
      p.appendChild(el('strong', null, right ? 'Right. ' : 'Not quite. '));
      inline(p, b.feedback || '');
      box.appendChild(p);
    }
    return box;
  }

  function widgetEl(w) {
    const box = el('section', { class: 'mirror-widget', 'aria-label': w.title || w.widget });
    box.appendChild(el('h2', null, w.title || w.widget));
    for (const line of w.lines || []) box.appendChild(inline(el('p'), line));
    for (const t of w.tables || []) box.appendChild(tableEl(t));
    return box;
  }

  function blockEl(b) {
    switch (b.kind) {
      case 'h3': return el('h2', null, b.text);
      case 'p': return inline(el('p'), b.text);
      case 'ul': case 'terms': {
        const ul = el('ul');
        for (const item of b.items || []) ul.appendChild(inline(el('li'), item));
        return ul;
      }
      case 'table': return tableEl(b.table);
      case 'callout': {
        const box = el('aside', { class: 'mirror-callout', 'aria-label': b.title || b.name || 'Note' });
        if (b.title) box.appendChild(el('h3', null, b.title));
        for (const line of b.items || []) box.appendChild(inline(el('p'), line));
        return box;
      }
      case 'quiz': return quizEl(b);
      case 'widget': return widgetEl(b.widget);
      default: return inline(el('p'), b.text || '');
    }
  }

  function announce(text) {
    if (!text) return;
    announcer.pending = text;
    if (announcer.timer) return;
    const wait = Math.max(0, announcer.last + ANNOUNCE_MS - Date.now());
    announcer.timer = setTimeout(() => {
      announcer.timer = 0;
      const region = document.getElementById('mirror-live');
      if (!region || !announcer.pending) return;
      announcer.text = announcer.pending;
      region.textContent = announcer.pending;
      announcer.pending = null;
      announcer.last = Date.now();
    }, wait);
  }

  function focusText(f) {
    if (!f) return null;
    const kinds = { option: 'option', chip: 'word', link: 'link', menu: 'menu', checkbox: 'checkbox', slider: 'slider', cell: 'number', field: 'text field', box: 'diagram box', map: 'attention map', button: 'button' };
    const value = f.value ? `, ${f.kind === 'checkbox' ? (f.value === 'on' ? 'checked' : 'not checked') : f.value}` : '';
    return `${f.label}, ${kinds[f.kind] || f.kind}${value}${f.disabled ? ', unavailable' : ''}`;
  }

  function renderMirror(data) {
    const root = document.getElementById('mirror-section');
    if (!root) return;
    const newSection = data.id !== mirror.section;
    if (newSection) {
      root.replaceChildren();
      mirror.blocks = [];
      mirror.lives = new Map();
      mirror.section = data.id;
      root.appendChild(el('h1', { id: 'mirror-title' }, data.title));
      root.appendChild(el('div', { class: 'mirror-notes' }));
      root.appendChild(el('div', { class: 'mirror-blocks' }));
    }
    const notes = root.querySelector('.mirror-notes');
    const noteText = [data.banner, ...(data.problems || [])].filter(Boolean);
    if (notes.dataset.text !== JSON.stringify(noteText)) {
      notes.dataset.text = JSON.stringify(noteText);
      notes.replaceChildren(...noteText.map((t) => el('p', { role: 'note' }, t)));
    }
    root.querySelector('h1').textContent = data.title;
    const holder = root.querySelector('.mirror-blocks');
    data.blocks.forEach((b, i) => {
      const key = JSON.stringify(b);
      const old = mirror.blocks[i];
      if (old && old.key === key) return;
      const node = blockEl(b);
      // The focus inside a block that changes (a quiz answer just chosen) stays on its counterpart.
      const active = old && old.node.contains(document.activeElement) ? document.activeElement : null;
      if (old) holder.replaceChild(node, old.node);
      else holder.appendChild(node);
      if (active && active.name) {
        const twin = [...node.querySelectorAll('input')].find((x) => x.name === active.name && x.value === active.value);
        if (twin) twin.focus();
      }
      mirror.blocks[i] = { key, node };
      if (b.kind === 'widget' && b.widget.live) {
        const before = mirror.lives.get(i);
        mirror.lives.set(i, b.widget.live);
        if (!newSection && before !== undefined && before !== b.widget.live) announce(b.widget.live);
      }
    });
    while (mirror.blocks.length > data.blocks.length) holder.removeChild(mirror.blocks.pop().node);
    if (newSection && mirror.json !== null) announce(`Section: ${data.title}`);
    // The control with the keyboard focus, announced when it changes or its value does.
    const focus = focusText(data.focus);
    if (focus && focus !== mirror.focus) announce(focus);
    mirror.focus = focus;
  }

  function refreshMirror() {
    if (!started || document.hidden) return;
    let json;
    try { json = call('lesson_mirror', 'string', [], []); } catch (e) { return; }
    if (json === mirror.json) return;
    let data;
    try { data = parseReply(json); } catch (e) { return; }
    renderMirror(data);
    mirror.json = json;
  }

  function startMirror() {
    refreshMirror();
    if (!mirror.timer) mirror.timer = setInterval(refreshMirror, MIRROR_MS);
  }

  // ---------------------------------------------------------------------------------------------
  // Export: a matrix drawn as a PNG from the numbers and labels the lesson supplies, at the
  // device's pixel ratio: title, row and column labels, cells on the lesson's colour scale (the
  // numbers written in when the cells are large enough), and the scale with its end values.
  function hexRgb(h) { const n = parseInt(h.slice(1), 16); return [(n >> 16) & 255, (n >> 8) & 255, n & 255]; }
  function mixRgb(a, b, t) { return a.map((x, i) => Math.round(x + (b[i] - x) * Math.min(1, Math.max(0, t)))); }
  function css(c) { return `rgb(${c[0]},${c[1]},${c[2]})`; }
  function luminance(c) {
    const ch = c.map((v) => { const s = v / 255; return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * ch[0] + 0.7152 * ch[1] + 0.0722 * ch[2];
  }

  function drawMatrixPng(m) {
    const dpr = Math.max(1, window.devicePixelRatio || 1);
    const rows = m.values.length, cols = rows ? m.values[0].length : 0;
    const font = '"Inter", system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
    const colors = Object.fromEntries(Object.entries(m.colors).map(([k, v]) => [k, hexRgb(v)]));
    const measure = document.createElement('canvas').getContext('2d');
    measure.font = `12px ${font}`;
    const labelW = Math.ceil(Math.max(0, ...m.rows.map((l) => measure.measureText(l).width))) + 10;
    const colLabelW = Math.ceil(Math.max(0, ...m.cols.map((l) => measure.measureText(l).width)));
    const cell = cols <= 8 ? 52 : cols <= 16 ? 40 : Math.max(10, Math.min(24, Math.floor(720 / cols)));
    const cellH = Math.max(cell, rows > 24 ? 14 : 18);
    const numbers = cell >= 36;
    const vertical = colLabelW > cell - 4;
    const colLabelH = vertical ? colLabelW + 8 : 20;
    const pad = 16, width = Math.max(pad * 2 + labelW + cols * cell, 420);
    // The title, wrapped to the image's width.
    measure.font = `600 15px ${font}`;
    const words = m.title.split(' ');
    const lines = [];
    let line = '';
    for (const w of words) {
      const next = line ? `${line} ${w}` : w;
      if (measure.measureText(next).width > width - 2 * pad && line) { lines.push(line); line = w; } else line = next;
    }
    if (line) lines.push(line);
    const titleH = lines.length * 20 + 8;
    const gridTop = pad + titleH + colLabelH, gridLeft = pad + labelW;
    const height = gridTop + rows * cellH + 64;
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    const g = canvas.getContext('2d');
    g.scale(dpr, dpr);
    g.fillStyle = css(colors.background);
    g.fillRect(0, 0, width, height);
    g.fillStyle = css(colors.text);
    g.font = `600 15px ${font}`;
    g.textBaseline = 'top';
    lines.forEach((l, i) => g.fillText(l, pad, pad + i * 20));
    // The scale: attention weights 0 … 1 in orange; other numbers ±max|x| blue – red.
    let maxAbs = 0;
    for (const r of m.values) for (const x of r) if (Number.isFinite(x)) maxAbs = Math.max(maxAbs, Math.abs(x));
    const scale = maxAbs > 0 ? maxAbs : 1;
    const colorOf = (x) => {
      if (!Number.isFinite(x)) return colors.border;
      if (m.attention) return mixRgb(colors.background, colors.attention, x);
      return x < 0 ? mixRgb(colors.background, colors.negative, -x / scale) : mixRgb(colors.background, colors.positive, x / scale);
    };
    g.font = `12px ${font}`;
    g.fillStyle = css(colors.muted);
    m.cols.forEach((l, j) => {
      const cx = gridLeft + (j + 0.5) * cell;
      if (vertical) {
        g.save();
        g.translate(cx + 4, gridTop - 4);
        g.rotate(-Math.PI / 2);
        g.textBaseline = 'alphabetic';
        g.fillText(l, 0, 0);
        g.restore();
      } else {
        g.textAlign = 'center';
        g.fillText(l, cx, gridTop - 16);
        g.textAlign = 'left';
      }
    });
    g.textBaseline = 'middle';
    m.rows.forEach((l, i) => g.fillText(l, pad, gridTop + (i + 0.5) * cellH));
    for (let i = 0; i < rows; ++i) {
      for (let j = 0; j < cols; ++j) {
        const x = m.values[i][j];
        const c = colorOf(x);
        g.fillStyle = css(c);
        g.fillRect(gridLeft + j * cell, gridTop + i * cellH, cell - 1, cellH - 1);
        if (numbers) {
          g.fillStyle = luminance(c) > 0.18 ? '#000' : '#fff';
          g.textAlign = 'center';
          g.font = `11px ${font}`;
          g.fillText(Number.isFinite(x) ? x.toFixed(2) : String(x), gridLeft + (j + 0.5) * cell, gridTop + (i + 0.5) * cellH);
          g.textAlign = 'left';
        }
      }
    }
    // The legend.
    const ly = gridTop + rows * cellH + 16, lw = 200;
    const lo = m.attention ? 0 : -scale, hi = m.attention ? 1 : scale;
    for (let k = 0; k < lw; ++k) {
      g.fillStyle = css(colorOf(lo + ((hi - lo) * k) / (lw - 1)));
      g.fillRect(pad + k, ly, 1, 10);
    }
    g.strokeStyle = css(colors.border);
    g.strokeRect(pad - 0.5, ly - 0.5, lw + 1, 11);
    g.fillStyle = css(colors.muted);
    g.font = `11px ${font}`;
    g.textBaseline = 'top';
    const fmt = (v) => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3)).replace('-', '\u2212');
    g.fillText(fmt(lo), pad, ly + 14);
    g.textAlign = 'right';
    g.fillText(fmt(hi), pad + lw, ly + 14);
    g.textAlign = 'left';
    g.fillText(m.attention ? 'attention weight' : 'value', pad + lw + 12, ly - 1);
    g.fillText(`${rows} × ${cols}, computed in your browser by the lesson's attention library`, pad, ly + 30);
    return canvas.toDataURL('image/png');
  }

  function saveFile(name, href) {
    const a = el('a', { href, download: name });
    a.style.display = 'none';
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function download(json) {
    let r;
    try { r = JSON.parse(json); } catch (e) { return; }
    const name = `${String(r.kind).replace(/[^a-z0-9-]/gi, '')}.${r.format === 'png' ? 'png' : 'csv'}`;
    try {
      if (r.format === 'png') {
        saveFile(name, lesson.export(r.kind, 'png'));
      } else {
        const url = URL.createObjectURL(new Blob([lesson.export(r.kind, 'csv')], { type: 'text/csv' }));
        saveFile(name, url);
        setTimeout(() => URL.revokeObjectURL(url), 10000);
      }
      Module.ccall('lesson_saved', null, ['number', 'string'], [1, name]);
    } catch (e) {
      reportError(e.message);
      Module.ccall('lesson_saved', null, ['number', 'string'], [0, name]);
      Module.ccall('lesson_set_banner', null, ['string'], [`The file could not be saved: ${e.message}`]);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The learner's preferences: high contrast (prefers-contrast: more, or forced colours) and
  // reduced motion (no coasting after a flick).
  function applyPreferences() {
    const q = (m) => !!(window.matchMedia && window.matchMedia(m).matches);
    const contrast = q('(prefers-contrast: more)') || q('(forced-colors: active)') || params.get('contrast') === 'more';
    const still = q('(prefers-reduced-motion: reduce)');
    Module.ccall('lesson_set_preferences', null, ['number', 'number'], [contrast ? 1 : 0, still ? 1 : 0]);
  }

  function setupPreferences() {
    applyPreferences();
    if (!window.matchMedia) return;
    for (const m of ['(prefers-contrast: more)', '(forced-colors: active)', '(prefers-reduced-motion: reduce)']) {
      window.matchMedia(m).addEventListener('change', applyPreferences);
    }
  }

  Module.lessonHooks = {
    init() {
      started = true;
      limits = parseReply(Module.ccall('lesson_limits', 'string', [], []));
      setupPreferences();
      applyTheme();
      setupTextEdit();
      if (window.matchMedia) window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', applyTheme);
      const store = storage();
      if (store) {
        try {
          const saved = store.getItem(STORAGE_KEY);
          if (saved && saved.length < 65536) Module.ccall('lesson_load_progress', 'number', ['string', 'number'], [saved, 0]);
        } catch (e) { /* unreadable progress is ignored */ }
      }
      applyUrl();
      // The explorer's token, layer and head index the trained model's tokens and layers: they
      // are applied once the models have arrived (see firstFrame); the rest of the view now.
      const view = viewFromParams(params);
      if (view) {
        for (const key of EXPLORER_KEYS) {
          if (key in view) (nav.explorerView = nav.explorerView || {})[key] = view[key];
          delete view[key];
        }
      }
      applyView(view && Object.keys(view).length ? view : null);
      window.addEventListener('message', onMessage);
      window.addEventListener('popstate', onPopState);
      Module.ccall('lesson_set_dom_text_input', null, ['number'], [1]);
      // SDL cancels mousedown, which would stop a click from focusing the canvas; keys go to
      // the lesson only while it has focus.
      Module.canvas.addEventListener('pointerdown', () => Module.canvas.focus(), true);
    },
    firstFrame() {
      document.getElementById('loading').hidden = true;
      // The text mirror from the next task: the first frame is on screen a few milliseconds
      // sooner, and the mirror follows at once.
      setTimeout(startMirror, 0);
      resolveReady(lesson);
      post('ready', { version: lesson.version });
      // The models after the first frame, from a task of their own: nothing they need holds the
      // lesson's start.
      setTimeout(() => {
        Module.lessonData.later().then(() => {
          Module.ccall('lesson_models_arrived', null, [], []);
          modelsArrived = true;
          applyView(nav.explorerView || null);
          refreshMirror();
          resolveModels(lesson);
        }).catch((e) => { reportError(`the models could not be read: ${e.message}`); rejectModels(e); });
      }, 0);
    },
    section(id) { post('section', { id }); },
    view(json) { showView(json); },
    progress(json) {
      const store = storage();
      if (store) {
        try { store.setItem(STORAGE_KEY, json); } catch (e) { /* full or refused: progress is just not kept */ }
      }
      try { post('progress', { completed: JSON.parse(json).visited }); } catch (e) { /* ignore */ }
    },
    // Opens the page's input over a sentence field (see closeEdit).
    editText(json) {
      const r = JSON.parse(json);
      const input = document.getElementById('text-edit');
      if (!input) return;
      placeEdit(input, r);
      input.value = r.text;
      input.inputMode = r.inputMode === 'decimal' ? 'decimal' : 'text';
      input.setAttribute('aria-label', r.inputMode === 'decimal' ? 'Number' : 'Sentence');
      input.hidden = false;
      edit.open = true;
      input.focus();
      // Tabbed to: all selected, as a web page's field; clicked or tapped: the caret at the end.
      if (r.selectAll) input.select();
      else input.setSelectionRange(input.value.length, input.value.length);
    },
    moveEdit(json) {
      const input = document.getElementById('text-edit');
      if (input && edit.open) placeEdit(input, JSON.parse(json));
    },
    closeEdit() { setTimeout(() => closeEdit(true), 0); },  // not from inside the frame that asked
    copyText(text) { copyText(text); },
    // "Copy link to this view": the address of the view the lesson reports.
    copyLink(json) {
      let href = nav.url;
      try { href = viewUrl(JSON.parse(json)).href; } catch (e) { /* the address shown */ }
      copyText(href || window.location.href);
    },
    download(json) { download(json); },
    // A font for characters beyond the lesson's own (other scripts, CJK, emoji), fetched only
    // when some text needs it; the lesson redraws with it once it is in the file system.
    fetchFont(file) {
      const arrived = (ok) => Module.ccall('lesson_font_arrived', null, ['string', 'number'], [file, ok ? 1 : 0]);
      if (!/^fallback-[a-z]+\.ttf$/.test(file)) { arrived(false); return; }
      fetch(`data/fonts/${file}`)
        .then((r) => { if (!r.ok) throw new Error(`HTTP ${r.status}`); return r.arrayBuffer(); })
        .then((bytes) => {
          Module.FS.mkdirTree('/fallback');
          Module.FS.writeFile(`/fallback/${file}`, new Uint8Array(bytes));
          arrived(true);
        })
        .catch(() => arrived(false));
    },
    releaseKeyboard() { Module.canvas.blur(); },
    error(message) { reportError(message); },
    fatal(message) {
      Module.lessonUI.showFailure(message);
    },
    failed(message) {
      post('error', { message });
      rejectReady(new Error(message));
      rejectModels(new Error(message));
    },
  };
})();
