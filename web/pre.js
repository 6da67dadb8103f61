// pre.js — runs before the generated loader: the loading screen and the Module settings.
/* global Module */
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
  }

  function setProgress(fraction, text) {
    const bar = byId('loading-progress');
    if (bar && Number.isFinite(fraction)) bar.value = Math.max(0, Math.min(1, fraction));
    if (text) byId('loading-text').textContent = text;
  }

  function webgl2Available() {
    try {
      const probe = document.createElement('canvas');
      return !!probe.getContext('webgl2');
    } catch (e) {
      return false;
    }
  }

  Module.canvas = byId('canvas');
  Module.lessonUI = { showFailure, setProgress };
  Module.print = (text) => console.log(text);
  Module.printErr = (text) => console.warn(text);
  Module.setStatus = (text) => {
    // Emscripten reports "Downloading data... (loaded/total)" while it fetches.
    const m = /\((\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)\)/.exec(text || '');
    if (m) setProgress(Number(m[1]) / Number(m[2]), 'Loading the lesson…');
  };
  Module.onAbort = (what) => showFailure('The lesson stopped: ' + what);
  if (typeof WebAssembly !== 'object') {
    showFailure('This browser does not support WebAssembly, which the lesson needs.');
    Module.noInitialRun = true;
  } else if (!webgl2Available()) {
    showFailure('This browser or device has WebGL2 switched off or unavailable; the lesson draws with WebGL2.');
    Module.noInitialRun = true;
  }
})();
