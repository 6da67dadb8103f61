// boot.js — loaded from the page's head, before the much larger index.js: starts the
// WebAssembly's download and compilation at once, so that they overlap index.js arriving and
// running, keeps the loading screen's progress bar, defines window.lesson's promises and adds
// index.js once the page has loaded. pre.js and api.js (inside index.js) take it from here
// through window.lessonBoot.
(function () {
  'use strict';
  const byId = (id) => document.getElementById(id);

  // Every download reports here; the bar shows the bytes transferred of all of them. A server
  // that compresses sends the compressed length (Content-Length) and, as web/server.mjs does, the
  // file's own length (X-Decoded-Length); the share of a file received is counted on the file's
  // bytes and shown as bytes transferred.
  // The page is written at most ten times a second, however many chunks arrive in between: each
  // repaint of the loading screen is work for the compositor while the lesson starts (on a
  // software renderer the lesson's WebGL context then waits for it).
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
    setTimeout(() => requestAnimationFrame(drawProgress), 100);
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

  // A browser without WebAssembly or WebGL2 downloads nothing: pre.js says what is missing.
  const able = typeof WebAssembly === 'object' && typeof WebGL2RenderingContext === 'function';
  const wasm = able ? compileWasm('index.wasm', 'index.wasm') : null;
  if (wasm) wasm.catch(() => {});  // pre.js reports a failure, once it has the page's boxes
  // The files main() reads before the first frame, by URL: asked for now, not once index.js runs.
  const early = {};
  if (able) {
    for (const url of ['lessons/attention-lesson.md']) {
      early[url] = download(url, url);
      early[url].catch(() => {});  // pre.js reports it
    }
  }

  // The page's failure box (pre.js adds the lesson's own hook when it has run).
  function fail(message) {
    const loading = byId('loading');
    if (loading) loading.hidden = true;
    const box = byId('failure');
    if (box) {
      byId('failure-text').textContent = String(message);  // text, never markup
      box.hidden = false;
    }
    const canvas = byId('canvas');
    if (canvas) canvas.hidden = true;
  }

  // window.lesson from the start: its `ready` and `models` promises exist before the lesson's
  // script arrives; api.js settles them and puts the whole API in this object's place.
  const settle = {};
  const ready = new Promise((resolve, reject) => { settle.resolveReady = resolve; settle.rejectReady = reject; });
  const models = new Promise((resolve, reject) => { settle.resolveModels = resolve; settle.rejectModels = reject; });
  ready.catch(() => {});  // a failed start is reported on the page; nobody has to await it
  models.catch(() => {});
  window.lesson = { ready, models };

  // The lesson's script (index.js, named by the build in #lesson-script) once the page has
  // loaded, not as part of loading it: until the page's load event the browser shows it as
  // loading (in headless Chromium, frames of its own interface drawn 60 times a second that took
  // a core from the lesson's start), and the load event would wait for the script and, when the
  // WebAssembly is in first, for the lesson's whole start. The download above is not held.
  function startLesson() {
    const template = byId('lesson-script');
    const planned = template && template.content.querySelector('script');
    const script = document.createElement('script');
    script.src = (planned && planned.getAttribute('src')) || 'index.js';
    script.async = true;
    script.onerror = () => {
      fail('The lesson\'s script (' + script.src + ') could not be loaded.');
      settle.rejectReady(new Error('the lesson\'s script could not be loaded'));
    };
    document.body.appendChild(script);
  }
  if (document.readyState === 'complete') startLesson();
  else window.addEventListener('load', startLesson, { once: true });

  window.lessonBoot = { report, download, wasm, early, fail, lesson: { ready, models, ...settle } };
})();
