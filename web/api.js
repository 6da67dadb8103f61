// api.js — window.lesson, the page's contract with tests and embedding pages (DESIGN.md).
/* global Module */
(function () {
  'use strict';
  let resolveReady, rejectReady;
  const ready = new Promise((resolve, reject) => { resolveReady = resolve; rejectReady = reject; });
  let started = false;

  function call(name, returnType, argTypes, args) {
    if (!started) throw new Error('lesson: not ready yet; wait for lesson.ready');
    return Module.ccall(name, returnType, argTypes, args);
  }

  function parseReply(text) {
    const value = JSON.parse(text);
    if (value && typeof value === 'object' && typeof value.error === 'string') throw new Error(value.error);
    return value;
  }

  // An array of equal-length arrays of finite numbers, flattened row-major into the WASM heap.
  function toMatrix(name, rows) {
    if (!Array.isArray(rows) || rows.length === 0) throw new TypeError(`attention: ${name} must be a non-empty array of rows`);
    const cols = Array.isArray(rows[0]) ? rows[0].length : 0;
    if (cols === 0) throw new TypeError(`attention: ${name}[0] must be a non-empty array of numbers`);
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

  const lesson = {
    ready,
    get version() { return started ? call('lesson_version', 'string', [], []) : undefined; },
    attention(Q, K, V, mask) {
      const q = toMatrix('Q', Q), k = toMatrix('K', K), v = toMatrix('V', V);
      let m = null;
      if (mask !== undefined && mask !== null) {
        const mm = toMatrix('mask', mask.map((r) => (Array.isArray(r) ? r.map((x) => (x ? 1 : 0)) : r)));
        if (mm.rows !== q.rows || mm.cols !== k.rows) {
          throw new TypeError(`attention: mask is (${mm.rows}, ${mm.cols}) but the scores are (${q.rows}, ${k.rows})`);
        }
        m = Uint8Array.from(mm.flat);
      }
      return withHeap([q.flat, k.flat, v.flat, m], ([qp, kp, vp, mp]) => parseReply(call(
        'lesson_attention', 'string',
        ['number', 'number', 'number', 'number', 'number', 'number', 'number', 'number', 'number', 'number'],
        [qp, q.rows, q.cols, kp, k.rows, k.cols, vp, v.rows, v.cols, mp])));
    },
    frameTimes() { return parseReply(call('lesson_frame_times', 'string', [], [])); },
  };
  Object.defineProperty(window, 'lesson', { value: Object.freeze(lesson), writable: false, configurable: false });

  function applyTheme() {
    const wanted = new URLSearchParams(window.location.search).get('theme');
    const dark = wanted === 'dark' || (wanted !== 'light' && window.matchMedia &&
      window.matchMedia('(prefers-color-scheme: dark)').matches);
    if (wanted === 'dark' || wanted === 'light') document.documentElement.dataset.theme = wanted;
    Module.ccall('lesson_set_theme', null, ['number'], [dark ? 1 : 0]);
  }

  Module.lessonHooks = {
    init() {
      started = true;
      applyTheme();
      if (window.matchMedia) {
        window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', applyTheme);
      }
    },
    firstFrame() {
      document.getElementById('loading').hidden = true;
      resolveReady(lesson);
    },
    error(message) { console.warn('lesson:', message); },
    fatal(message) {
      Module.lessonUI.showFailure(message);
      rejectReady(new Error(message));
    },
  };
  const previousAbort = Module.onAbort;
  Module.onAbort = (what) => {
    if (previousAbort) previousAbort(what);
    rejectReady(new Error('lesson aborted: ' + what));
  };
})();
