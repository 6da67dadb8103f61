// pre.js — runs before the generated loader: the loading screen, the downloads (WebAssembly,
// lesson text; the vocabulary and the models later) with a real progress bar, and clear messages
// when something fails.
/* global Module, FS, addRunDependency, removeRunDependency */
(function () {
  'use strict';
  const byId = (id) => document.getElementById(id);

  function showFailure(message) {
    if (window.lessonBoot) window.lessonBoot.fail(message);  // the page's failure box
    if (Module.lessonHooks && Module.lessonHooks.failed) Module.lessonHooks.failed(String(message));
  }

  // The downloads and the loading bar: boot.js, from the page's head, has already started the
  // WebAssembly's.
  const boot = window.lessonBoot;
  const download = boot ? boot.download : () => Promise.reject(new Error('boot.js did not load'));

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
  const early = (boot && boot.early) || {};
  const fetchAll = (files, quiet) => Promise.all(files.map((f) => (early[f.url] || download(f.url, f.url, quiet)).then(
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
  const wasmPromise = () => (boot && boot.wasm ? boot.wasm : Promise.reject(new Error('boot.js did not load')));
  // For api.js, after the first frame: fetches the later files and writes them into the file
  // system; resolves when each has arrived or failed.
  Module.lessonData = { later: () => fetchAll(LATER_FILES, true).then(store) };

  Module.canvas = byId('canvas');
  Module.lessonUI = { showFailure };
  Module.print = (text) => console.log(text);
  Module.printErr = (text) => console.warn(text);
  Module.onAbort = (what) => showFailure('The lesson stopped unexpectedly (' + what + '). Reloading the page may help.');
  Module.instantiateWasm = (imports, receive) => {
    if (Module.noInitialRun) return {};  // the page already says what this browser lacks
    wasmPromise()
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
