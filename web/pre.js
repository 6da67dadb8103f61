// pre.js — runs before the generated loader: the loading screen, the downloads (WebAssembly,
// lesson text; the vocabulary and the models later) with a real progress bar, and clear messages
// when something fails.
/* global Module, FS, addRunDependency, removeRunDependency */
(function () {
  'use strict';
  const byId = (id) => document.getElementById(id);

  function showFailure(message) {
    const loading = byId('loading');
    if (loading) loading.hidden = true;
    const box = byId('failure');
    if (box) {
      byId('failure-text').textContent = String(message);  // text, never markup
      box.hidden = false;
    }
    const canvas = byId('canvas');
    if (canvas) canvas.hidden = true;
    if (Module.lessonHooks && Module.lessonHooks.failed) Module.lessonHooks.failed(String(message));
  }

  // Every download reports here; the bar shows the bytes transferred of all of them. A server
  // that compresses sends the compressed length (Content-Length) and, as web/server.mjs does, the
  // file's own length (X-Decoded-Length); the share of a file received is counted on the file's
  // bytes and shown as bytes transferred.
  // The page is written at most once a frame, however many chunks arrive in between.
  const downloads = new Map();
  let drawPending = false;
  function drawProgress() {
    drawPending = false;
    let got = 0, all = 0;
    for (const d of downloads.values()) { got += d.share * d.transfer; all += d.transfer; }
    const bar = byId('loading-progress');
    if (bar && all > 0) bar.value = got / all;
    const text = byId('loading-text');
    if (text && all > 0) text.textContent = `Loading the lesson… ${(got / 1048576).toFixed(1)} of ${(all / 1048576).toFixed(1)} MB`;
  }
  function report(name, share, transfer) {
    downloads.set(name, { share, transfer });
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(drawProgress);
  }

  // The body of a response as a stream that reports its progress on the way.
  function counted(response, name) {
    const transfer = Number(response.headers.get('Content-Length')) || 0;
    const encoded = !!response.headers.get('Content-Encoding');
    const size = Number(response.headers.get('X-Decoded-Length')) || (encoded ? 0 : transfer);
    const progress = (loaded) => report(name, size > 0 ? Math.min(1, loaded / size) : 0, Math.max(transfer, size ? 0 : loaded));
    progress(0);
    const reader = response.body.getReader();
    let loaded = 0;
    return new ReadableStream({
      async pull(controller) {
        const chunk = await reader.read();
        if (chunk.done) {
          report(name, 1, transfer || loaded);
          controller.close();
          return;
        }
        loaded += chunk.value.length;
        progress(loaded);
        controller.enqueue(chunk.value);
      },
      cancel(reason) { return reader.cancel(reason); },
    });
  }

  async function fetchOk(url) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return response;
  }

  // quiet: not counted by the loading screen (a file fetched after the first frame).
  async function download(url, name, quiet) {
    const response = await fetchOk(url);
    if (quiet || !response.body || !response.body.getReader) {
      const buffer = new Uint8Array(await response.arrayBuffer());
      if (!quiet) report(name, 1, Number(response.headers.get('Content-Length')) || buffer.length);
      return buffer;
    }
    return new Uint8Array(await new Response(counted(response, name)).arrayBuffer());
  }

  // The WebAssembly module, compiled while it downloads (streaming compilation), its bytes
  // counted on the way; where the browser cannot stream, compiled once downloaded.
  async function compileWasm(url, name) {
    if (typeof WebAssembly.compileStreaming !== 'function' || typeof ReadableStream !== 'function') {
      return WebAssembly.compile(await download(url, name));
    }
    const response = await fetchOk(url);
    if (!response.body || !response.body.getReader) return WebAssembly.compile(await response.arrayBuffer());
    return WebAssembly.compileStreaming(new Response(counted(response, name), { headers: { 'Content-Type': 'application/wasm' } }));
  }

  function webgl2Available() {
    return typeof WebGL2RenderingContext === 'function';
  }

  // Files the lesson reads at run time, so an author can edit the text without touching C++:
  // before the first frame, the text; after it, BERT's vocabulary, the trained models and the
  // race's reference run, which only some sections use (api.js asks for them once the lesson is
  // drawn; those sections say they are loading).
  const DATA_FILES = [
    { url: 'lessons/attention-lesson.md', path: '/lessons/attention-lesson.md' },
  ];
  const LATER_FILES = [
    { url: 'data/vocab.txt', path: '/data/vocab.txt' },
    { url: 'models/coref.bin', path: '/data/coref.bin' },
    { url: 'models/coref-vocab.txt', path: '/data/coref-vocab.txt' },
    { url: 'models/race-reference.txt', path: '/data/race-reference.txt' },
    { url: 'models/story.bin', path: '/data/story.bin' },
    { url: 'models/story-vocab.txt', path: '/data/story-vocab.txt' },
  ];
  const fetchAll = (files, quiet) => Promise.all(files.map((f) => download(f.url, f.url, quiet).then(
    (bytes) => ({ f, bytes }),
    (error) => ({ f, error }))));
  // Writes what arrived into the file system; a file that failed is logged (an error, not a
  // warning: the lesson says what is missing, and the tests fail on it).
  function store(results) {
    // (No destructuring here: Debian's emscripten 3.1.6 JS optimizer mangles it in loops.)
    for (const r of results) {
      if (r.error) {
        console.error('lesson: could not load', r.f.url, '-', r.error.message);
        continue;
      }
      FS.mkdirTree(r.f.path.slice(0, r.f.path.lastIndexOf('/')));
      FS.writeFile(r.f.path, r.bytes);
    }
  }
  const dataPromise = fetchAll(DATA_FILES, false);
  const wasmPromise = compileWasm('index.wasm', 'index.wasm');
  // For api.js, after the first frame: fetches the later files and writes them into the file
  // system; resolves when each has arrived or failed.
  Module.lessonData = { later: () => fetchAll(LATER_FILES, true).then(store) };

  Module.canvas = byId('canvas');
  Module.lessonUI = { showFailure };
  Module.print = (text) => console.log(text);
  Module.printErr = (text) => console.warn(text);
  Module.onAbort = (what) => showFailure('The lesson stopped unexpectedly (' + what + '). Reloading the page may help.');
  Module.instantiateWasm = (imports, receive) => {
    wasmPromise
      .then((module) => WebAssembly.instantiate(module, imports).then((instance) => receive(instance, module)))
      .catch((error) => showFailure('The lesson\'s WebAssembly could not be loaded: ' + error.message));
    return {};
  };
  // Appended, not assigned: the embedded fonts register their own preRun step before this file.
  Module.preRun = Module.preRun || [];
  Module.preRun.push(function () {
    addRunDependency('lesson-data');
    dataPromise.then((results) => {
      store(results);
      removeRunDependency('lesson-data');
    });
  });
  if (typeof WebAssembly !== 'object') {
    showFailure('This browser does not support WebAssembly, which the lesson needs.');
    Module.noInitialRun = true;
  } else if (!webgl2Available()) {
    showFailure('This browser or device has WebGL2 switched off or unavailable; the lesson draws with WebGL2.');
    Module.noInitialRun = true;
  }
})();
