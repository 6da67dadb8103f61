// embed-example.js — a course page's side of the lesson's postMessage contract.
(function () {
  'use strict';
  const explorer = document.getElementById('explorer');
  const log = document.getElementById('log');
  const lessonOrigin = new URL(explorer.src, window.location.href).origin;

  function send(frame, message) {
    frame.contentWindow.postMessage(message, '*');  // '*' also reaches a sandboxed (opaque-origin) frame
  }
  function note(text) {
    const li = document.createElement('li');
    li.textContent = text;  // text, never HTML
    log.appendChild(li);
  }

  window.addEventListener('message', (event) => {
    const m = event.data;
    if (!m || m.source !== 'attention-lesson') return;  // not from a lesson
    const from = event.source === explorer.contentWindow ? 'explorer' : 'steps';
    note(`${from}: ${m.type} ${JSON.stringify(Object.assign({}, m, { source: undefined, type: undefined }))}`);
  });
  document.getElementById('go-explorer').addEventListener('click', () => send(explorer, { type: 'goto', section: 'attention-explorer' }));
  document.getElementById('go-vectors').addEventListener('click', () => send(explorer, { type: 'goto', section: 'text-to-vectors' }));
  document.getElementById('set-wide').addEventListener('click', () =>
    send(explorer, { type: 'setText', text: 'The animal did not cross the street because it was too wide' }));
  void lessonOrigin;
})();
