// scorm-adapter.js — the launch page of the lesson's SCORM packages (scripts/package).
//
// It frames the lesson (index.html, the same build as on the web), finds the learning management
// system's API object the way SCORM says (window.parent, then window.opener, and their parents:
// `API` for SCORM 1.2, `API_1484_11` for SCORM 2004), and reports what the lesson's events tell:
// lesson status, the raw score (quiz answers right at the first try, 0–100), the suspend data
// (the lesson's progress, so that a learner resumes where they stopped), the location (the
// section), the session time, and Terminate / LMSFinish when the learner leaves. It talks to the
// lesson only through window.lesson and the lesson's postMessage events. Without an LMS it shows
// the plain lesson.
(function () {
  'use strict';
  const script = document.currentScript;
  const VERSION = (script && script.dataset.scorm) === '2004' ? '2004' : '1.2';
  const DEFAULT_MASTERY = Number(script && script.dataset.mastery);  // the manifest's, in case the LMS does not say
  const frame = document.getElementById('lesson');
  const FORWARDED = ['section', 'text', 'theme', 'token', 'layer', 'head', 'q', 'k', 'v'];

  // [SECTION] Finding the API ----------------------------------------------------------------------

  // Walks up from `win` through its parents (at most 500 levels, as ADL's sample code does).
  function searchUp(win, name) {
    for (let level = 0; win && level < 500; ++level) {
      try {
        if (win[name]) return win[name];
      } catch (e) { /* a window of another origin */ }
      let parent = null;
      try { parent = win.parent; } catch (e) { parent = null; }
      if (!parent || parent === win) break;
      win = parent;
    }
    return null;
  }

  function findApi(name) {
    let api = null;
    try { api = window.parent && window.parent !== window ? searchUp(window.parent, name) : null; } catch (e) { api = null; }
    if (!api) {
      try { api = window.opener ? searchUp(window.opener, name) : null; } catch (e) { api = null; }
    }
    return api;
  }

  // One shape over both versions' calls and element names.
  function connect() {
    const order = VERSION === '2004' ? ['2004', '1.2'] : ['1.2', '2004'];
    for (const v of order) {
      const api = findApi(v === '2004' ? 'API_1484_11' : 'API');
      if (!api) continue;
      if (v === '2004') {
        return {
          version: v,
          init: () => api.Initialize(''), finish: () => api.Terminate(''), commit: () => api.Commit(''),
          get: (k) => api.GetValue(k), set: (k, x) => api.SetValue(k, String(x)), error: () => api.GetLastError(),
          keys: { suspend: 'cmi.suspend_data', location: 'cmi.location', exit: 'cmi.exit', sessionTime: 'cmi.session_time', entry: 'cmi.entry' },
          suspendLimit: 64000, locationLimit: 1000,
        };
      }
      return {
        version: v,
        init: () => api.LMSInitialize(''), finish: () => api.LMSFinish(''), commit: () => api.LMSCommit(''),
        get: (k) => api.LMSGetValue(k), set: (k, x) => api.LMSSetValue(k, String(x)), error: () => api.LMSGetLastError(),
        keys: { suspend: 'cmi.suspend_data', location: 'cmi.core.lesson_location', exit: 'cmi.core.exit', sessionTime: 'cmi.core.session_time', entry: 'cmi.core.entry' },
        suspendLimit: 4096, locationLimit: 255,
      };
    }
    return null;
  }

  // [SECTION] Values ------------------------------------------------------------------------------

  // Session time: SCORM 1.2 writes HHHH:MM:SS.SS, SCORM 2004 an ISO 8601 duration (PT1H2M3.4S).
  function sessionTime(ms, version) {
    const cs = Math.max(0, Math.round(ms / 10));
    const h = Math.floor(cs / 360000), m = Math.floor((cs % 360000) / 6000), s = (cs % 6000) / 100;
    if (version === '2004') return `PT${h}H${m}M${s.toFixed(2)}S`;
    const pad = (x, n) => String(x).padStart(n, '0');
    return `${pad(Math.min(h, 9999), 4)}:${pad(m, 2)}:${pad(s.toFixed(2), 5)}`;
  }

  // The lesson's progress as suspend data, within the version's limit (SCORM 1.2: 4,096
  // characters). What matters least goes first: the clues, then the last answers picked (the
  // first picks make the score).
  function suspendData(progress, limit) {
    const p = Object.assign({}, progress);
    let text = JSON.stringify(p);
    for (const key of ['clues', 'quiz']) {
      if (text.length <= limit) break;
      delete p[key];
      text = JSON.stringify(p);
    }
    return text.length <= limit ? text : null;
  }

  // [SECTION] The session ---------------------------------------------------------------------------

  const session = {
    lms: null, started: 0, live: false, finished: false,
    mastery: DEFAULT_MASTERY, success: '', sent: {}, unsaved: false,
  };

  function set(key, value) {
    const text = String(value);
    if (session.sent[key] === text) return;
    if (String(safe(() => session.lms.set(key, text))) === 'true') {
      session.sent[key] = text;
      session.unsaved = true;
    }
    else console.warn(`scorm: the LMS refused ${key} = ${text.slice(0, 80)} (error ${safe(() => session.lms.error())})`);
  }

  function start() {
    const lms = connect();
    if (!lms) return;  // no LMS: the plain lesson
    let ok = false;
    try { ok = String(lms.init()) === 'true'; } catch (e) { ok = false; }
    if (!ok) {
      console.warn(`scorm: the LMS did not initialize the session (error ${safe(() => lms.error())}); the lesson runs without reporting.`);
      return;
    }
    session.lms = lms;
    session.started = Date.now();
    // The mastery score the LMS read from the manifest; the manifest's own when it says nothing.
    const given = String(safe(() => lms.get(lms.version === '2004' ? 'cmi.scaled_passing_score' : 'cmi.student_data.mastery_score')) || '');
    // (0.57 × 100 is 56.99999999999999 in floating point: rounded, so that a score of 57 passes 0.57.)
    const m = Math.round((lms.version === '2004' ? Number(given) * 100 : Number(given)) * 1e6) / 1e6;
    if (given.trim() !== '' && Number.isFinite(m) && m >= 0 && m <= 100) session.mastery = m;
    // A result reported in an earlier session stands until the quiz is answered in full again.
    const prior = lms.version === '2004' ? safe(() => lms.get('cmi.success_status')) : safe(() => lms.get('cmi.core.lesson_status'));
    if (prior === 'passed' || prior === 'failed') session.success = prior;
    if (lms.version === '1.2' && (prior === 'not attempted' || prior === '')) set('cmi.core.lesson_status', 'incomplete');
    if (lms.version === '2004' && safe(() => lms.get('cmi.completion_status')) !== 'completed') set('cmi.completion_status', 'incomplete');
    commit();
  }

  // Commit: asks the LMS to store what was set (only when something was).
  function commit() {
    if (!session.unsaved) return;
    session.unsaved = false;
    safe(() => session.lms.commit());
  }

  function safe(fn) {
    try { return fn(); } catch (e) { return ''; }
  }

  // The lesson is ready: put back the progress the LMS kept, go where the learner stopped.
  function resume(lesson) {
    const lms = session.lms;
    const saved = safe(() => lms.get(lms.keys.suspend));
    let restored = false;
    if (saved) {
      restored = lesson.restore(saved);
      if (!restored) console.warn('scorm: the suspend data could not be read; the lesson starts afresh.');
    }
    // A new attempt starts from nothing, whatever this browser kept from other sessions.
    if (!restored) lesson.restore({ visited: [] });
    const location = safe(() => lms.get(lms.keys.location));
    if (location && restored) lesson.goTo(location);
    session.live = true;
    report(lesson);
  }

  function report(lesson) {
    if (!session.lms || !session.live || session.finished) return;
    const lms = session.lms;
    let state, progress;
    try {
      state = lesson.state();
      progress = lesson.progress();
    } catch (e) {
      return;
    }
    const s = state.summary;
    if (s.quizDone && typeof s.score === 'number') {
      // Passed or failed against the mastery score; without one, only completion is reported.
      if (Number.isFinite(session.mastery)) session.success = s.score >= session.mastery ? 'passed' : 'failed';
      const score = lms.version === '2004'
        ? { 'cmi.score.min': 0, 'cmi.score.max': 100, 'cmi.score.raw': s.score, 'cmi.score.scaled': (s.score / 100).toFixed(4) }
        : { 'cmi.core.score.min': 0, 'cmi.core.score.max': 100, 'cmi.core.score.raw': s.score };
      for (const [k, v] of Object.entries(score)) set(k, v);
    }
    if (lms.version === '2004') {
      set('cmi.completion_status', s.complete ? 'completed' : 'incomplete');
      set('cmi.progress_measure', (s.visited.length / Math.max(1, s.sections)).toFixed(4));
      if (session.success) set('cmi.success_status', session.success);
    } else {
      set('cmi.core.lesson_status', !s.complete ? 'incomplete' : session.success || 'completed');
    }
    const data = suspendData(progress, lms.suspendLimit);
    if (data !== null) set(lms.keys.suspend, data);
    else console.warn('scorm: the progress does not fit in the suspend data; it is not kept.');
    if (state.section && state.section.length <= lms.locationLimit) set(lms.keys.location, state.section);
    commit();
  }

  function finish() {
    if (!session.lms || session.finished) return;
    const lesson = lessonOf();
    if (lesson) report(lesson);
    const lms = session.lms;
    set(lms.keys.sessionTime, sessionTime(Date.now() - session.started, lms.version));
    set(lms.keys.exit, 'suspend');  // the progress is kept for the next launch
    commit();
    session.finished = true;
    safe(() => lms.finish());
  }

  function lessonOf() {
    try {
      return frame.contentWindow && frame.contentWindow.lesson ? frame.contentWindow.lesson : null;
    } catch (e) {
      return null;  // not the same origin: nothing to report
    }
  }

  // [SECTION] The lesson's events -------------------------------------------------------------------

  window.addEventListener('message', (event) => {
    if (event.source !== frame.contentWindow) return;
    const m = event.data;
    if (!m || typeof m !== 'object' || m.source !== 'attention-lesson' || typeof m.type !== 'string') return;
    if (m.type === 'error') {
      console.warn('lesson:', String(m.message));
      return;
    }
    const lesson = lessonOf();
    if (!lesson || !session.lms) return;
    if (m.type === 'ready') resume(lesson);
    else if (m.type === 'progress' || m.type === 'section') report(lesson);
  });
  window.addEventListener('pagehide', finish);
  window.addEventListener('beforeunload', finish);

  start();
  // The lesson, with the address's view parameters (a link to a section works here too).
  const params = new URLSearchParams(window.location.search);
  const forward = new URLSearchParams();
  for (const key of FORWARDED) if (params.has(key)) forward.set(key, params.get(key));
  const query = forward.toString();
  frame.src = `index.html${query ? `?${query}` : ''}`;
}());
