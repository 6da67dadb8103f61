// Hostile input, case by case: URL parameters, messages from the embedding page, odd and huge
// text, extreme window sizes and zoom, storage that is full or refuses, a lost WebGL context,
// data files that are slow or fail. After each case the page must still answer
// lesson.state(), report no uncaught error, draw, and keep the learner's progress.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { canvasStats, launch, serve, shotPath, sleep } from './harness.mjs';

const KEY = 'attention-lesson/progress/v1';
const DEFAULT_TEXT = 'The animal did not cross the street because it was too tired';
let browser, site, progressJson, visitedBefore;
let cases = 0;

before(async () => {
  browser = await launch();
  site = await serve();
  // Real progress, made as a learner makes it: three sections visited.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(site.url + '?section=intro');
  await page.evaluate(() => window.lesson.ready);
  for (const id of ['text-to-vectors', 'attention-steps', 'attention-explorer']) {
    await page.evaluate((s) => window.lesson.goTo(s), id);
    await sleep(400);
  }
  progressJson = await page.evaluate((k) => window.localStorage.getItem(k), KEY);
  visitedBefore = JSON.parse(progressJson).visited;
  assert.ok(visitedBefore.length >= 3, `progress was kept: ${progressJson}`);
  await context.close();
});
after(async () => {
  await browser?.close();
  await site?.close();
  console.log(`# hostile cases checked: ${cases}`);
});

// A learner's browser with that progress already stored, and the page's errors collected.
async function open(url, { width = 1280, height = 800, init, initArg, route, seed = true, wait = true } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  if (seed) await context.addInitScript(([k, v]) => { try { if (!localStorage.getItem(k)) localStorage.setItem(k, v); } catch (e) { /* refused */ } }, [KEY, progressJson]);
  if (init) await context.addInitScript(init, initArg);
  if (route) await route(context);
  const page = await context.newPage();
  const uncaught = [], consoleErrors = [];
  let dialogs = 0;
  page.on('pageerror', (e) => uncaught.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('dialog', (d) => { dialogs++; d.dismiss().catch(() => {}); });
  await page.goto(url);
  // Ready, and the models fetched after it (lesson.models resolves when they are in, or failed).
  if (wait) await page.evaluate(() => window.lesson.ready.then(() => window.lesson.models));
  return { context, page, uncaught, consoleErrors, dialogs: () => dialogs };
}

// What every case ends with. expectedConsole: console errors the case provokes on purpose (a file
// that fails to load is reported as an error by design); anything else fails.
async function healthy(t, { page, uncaught, consoleErrors, dialogs }, { expectedConsole = [], progress = true, draws = true } = {}) {
  const st = await page.evaluate(() => window.lesson.state());
  assert.equal(typeof st.section, 'string', 'lesson.state() answers');
  assert.ok(await page.evaluate(() => window.lesson.goTo('intro') && window.lesson.state().section === 'intro'), 'the lesson still navigates');
  assert.deepEqual(uncaught, [], 'no uncaught error');
  const unexpected = consoleErrors.filter((m) => !expectedConsole.some((re) => re.test(m)));
  assert.deepEqual(unexpected, [], 'no console error beyond the expected');
  assert.equal(dialogs(), 0, 'nothing received was executed');
  assert.equal(await page.evaluate(() => document.querySelectorAll('body img, script:not([src])').length), 0, 'nothing was injected');
  assert.equal(await page.evaluate(() => Object.prototype.polluted), undefined, 'no prototype was polluted');
  if (progress) {
    const visited = (await page.evaluate(() => window.lesson.progress())).visited;
    for (const id of visitedBefore) assert.ok(visited.includes(id), `progress kept: ${id} is still visited (${visited})`);
  }
  if (draws) assert.ok((await canvasStats(page)).distinctColours > 20, 'the lesson still draws');
  cases++;
  return st;
}

// Progress kept for the session: the section counts as visited.
async function visited(page, id) {
  await page.waitForFunction((s) => window.lesson.progress().visited.includes(s), id, { timeout: 10000 });
}

function hostile(name, fn) {
  test(name, { timeout: 120000 }, fn);
}

// ------------------------------------------------------------------------------------------------
// URL parameters

const urlCases = [
  ['a 10,000-character section id', 'section=' + 'x'.repeat(10000), (st) => { assert.equal(st.section, 'intro'); assert.match(st.message, /does not exist/); }],
  ['a script in the section id, percent-encoded', 'section=%3Cscript%3Ealert(1)%3C%2Fscript%3E', (st) => assert.match(st.message, /does not exist/)],
  ['repeated parameters: the first of each counts', 'section=check&section=intro&text=first%20it&text=second', (st) => { assert.equal(st.section, 'check'); assert.equal(st.text, 'first it'); }],
  ['numbers out of range or not numbers in the view parameters', 'section=attention-explorer&token=-5&layer=99999999999&head=%00&n=1e9&block=NaN&stage=-0&box=Infinity', (st) => assert.ok(st.message.length > 0, 'the refusal is said')],
  ['NaN, Infinity, 1e38 and -0 as the worked example\'s Q, K, V', 'section=attention-steps&q=NaN,Infinity,1e38,-0,,&k=%20&v=1,2', (st) => assert.ok(st.message.length > 0, 'the refusal is said')],
  ['markup in theme and embed', 'theme=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E&embed=%3Cb%3E', () => {}],
  ['a lone surrogate, percent-encoded, in the text', 'text=%ED%A0%80it%20was', (st) => assert.match(st.message, /could not be read/)],
  ['a 70,000-byte text', 'text=' + 'a'.repeat(70000), (st) => { assert.equal(st.text, DEFAULT_TEXT); assert.match(st.message, /70,000 bytes/); assert.match(st.message, /65,536/); }],
  ['prototype keys as parameter names', '__proto__[polluted]=1&constructor[prototype][polluted]=1&hasOwnProperty=1&section=check', (st) => assert.equal(st.section, 'check')],
  ['500 unknown parameters and markup in the fragment', Array.from({ length: 500 }, (_, i) => `p${i}=%3Cimg%20src%3Dx%3E`).join('&') + '#%3Cimg%20src=x%20onerror=alert(1)%3E', (st) => assert.equal(st.section, 'intro')],
];
for (const [name, query, check] of urlCases) {
  hostile(`URL: ${name}`, async (t) => {
    const c = await open(site.url + '?' + query);
    await sleep(150);
    check(await c.page.evaluate(() => window.lesson.state()));
    await healthy(t, c);
    await c.context.close();
  });
}

// ------------------------------------------------------------------------------------------------
// Messages from the embedding page: one course page framing the lesson, many senders' mistakes.

let course;
async function framed() {
  if (course) return course;
  const host = await serve({ pages: { '/course.html': `<!doctype html><title>course</title><link rel="icon" href="data:,"><iframe id="f" width="1000" height="700" src="${site.url}?section=intro&embed=1"></iframe>` } });
  const c = await open(host.url + 'course.html', { wait: false, width: 1100, height: 800 });
  await c.page.evaluate(() => {
    window.__errors = [];
    window.addEventListener('message', (e) => { if (e.data && e.data.type === 'error') window.__errors.push(e.data.message); });
  });
  let frame = null;
  for (let i = 0; i < 200 && !frame; ++i) { frame = c.page.frames().find((f) => f.url().includes('embed=1')); if (!frame) await sleep(50); }
  await frame.evaluate(() => window.lesson.ready);
  const send = (messages) => c.page.evaluate((ms) => { const w = document.getElementById('f').contentWindow; for (const m of ms) w.postMessage(m, '*'); }, messages);
  course = { ...c, host, frame, send, state: () => frame.evaluate(() => window.lesson.state()) };
  return course;
}
after(async () => { await course?.context.close(); await course?.host.close(); });

async function healthyFrame(t) {
  const c = await framed();
  const st = await c.state();
  assert.equal(typeof st.section, 'string');
  assert.deepEqual(c.uncaught, []);
  assert.deepEqual(c.consoleErrors, []);
  assert.equal(await c.frame.evaluate(() => Object.prototype.polluted), undefined, 'no prototype was polluted');
  assert.equal(await c.frame.evaluate(() => document.querySelectorAll('body img, script:not([src])').length), 0);
  const visited = (await c.frame.evaluate(() => window.lesson.progress())).visited;
  for (const id of visitedBefore) assert.ok(visited.includes(id), `progress kept: ${id}`);
  cases++;
}

hostile('message: wrong shapes change nothing', async (t) => {
  const c = await framed();
  const before = await c.state();
  await c.send([null, 42, 'goto', [1, 2], { type: 42 }, { type: 'goto' }, { type: 'goto', section: { toString: 'check' } },
    { type: 'goto', section: ['check'] }, { type: 'setText' }, { type: 'setText', text: 42 }, { type: 'setText', text: ['x'] }, { source: 'attention-lesson' }]);
  await sleep(300);
  const st = await c.state();
  assert.equal(st.section, before.section);
  assert.equal(st.text, before.text);
  await healthyFrame(t);
});

hostile('message: a 10 MB text is refused with a message to the parent', async (t) => {
  const c = await framed();
  const before = await c.state();
  await c.send([{ type: 'setText', text: 'x'.repeat(10 * 1024 * 1024) }]);
  await sleep(800);
  assert.equal((await c.state()).text, before.text);
  const errors = await c.page.evaluate(() => window.__errors.slice());
  assert.ok(errors.some((m) => /65,536/.test(m)), `the parent is told why: ${errors}`);
  await healthyFrame(t);
});

hostile('message: prototype-pollution keys', async (t) => {
  const c = await framed();
  await c.page.evaluate(() => {
    const w = document.getElementById('f').contentWindow;
    w.postMessage(JSON.parse('{"__proto__": {"polluted": 1}, "type": "goto", "section": "check"}'), '*');
    w.postMessage({ type: 'goto', section: 'check', constructor: { prototype: { polluted: 1 } } }, '*');
    w.postMessage(JSON.parse('{"type": "__proto__", "polluted": 1}'), '*');
    w.postMessage(JSON.parse('{"type": "setText", "text": "it", "__proto__": {"toString": 1}}'), '*');
  });
  await sleep(300);
  assert.equal((await c.state()).section, 'check', 'the well-formed part of the message still counts');
  await healthyFrame(t);
});

hostile('message: unknown types are ignored', async (t) => {
  const c = await framed();
  const before = await c.state();
  await c.send(['eval', 'constructor', 'toString', 'hasOwnProperty', 'ready', 'error', 'progress', 'section', ''].map((type) => ({ type, section: 'intro', text: 'x', code: 'document.body.remove()' })));
  await sleep(300);
  const st = await c.state();
  assert.equal(st.section, before.section);
  assert.equal(st.text, before.text);
  await healthyFrame(t);
});

hostile('message: a flood of 1,000 section changes ends on the last one', async (t) => {
  const c = await framed();
  const ids = ['intro', 'text-to-vectors', 'encoder-block', 'attention-steps', 'attention-explorer', 'generation', 'rnn-vs-transformer', 'check'];
  await c.send(Array.from({ length: 1000 }, (_, i) => ({ type: 'goto', section: ids[i % ids.length] })));
  await c.frame.waitForFunction(() => window.lesson.state().section === 'check', null, { timeout: 20000 });  // 999 % 8 = 7
  await healthyFrame(t);
});

hostile('message: a flood of 1,000 texts ends on the last one', async (t) => {
  const c = await framed();
  await c.send(Array.from({ length: 1000 }, (_, i) => ({ type: 'setText', text: `sentence number ${i} and it` })));
  await c.frame.waitForFunction(() => window.lesson.state().text === 'sentence number 999 and it', null, { timeout: 30000 });
  await healthyFrame(t);
});

hostile('message: NUL, lone surrogates and bidi overrides in a text', async (t) => {
  const c = await framed();
  await c.send([{ type: 'setText', text: 'the\u0000 cat \uD800 sat \u202Eon\u202C it' }]);
  await sleep(300);
  const st = await c.state();
  assert.ok(!st.text.includes('\u0000'), 'NUL is dropped');
  assert.ok(st.text.includes('\uFFFD'), 'the lone surrogate became U+FFFD');
  assert.ok(st.tokens.length > 0);
  await healthyFrame(t);
});

// ------------------------------------------------------------------------------------------------
// Odd and huge text through the API (one page).

let textPage;
async function textCase() {
  if (!textPage) textPage = await open(site.url + '?section=text-to-vectors');
  return textPage;
}
after(async () => { await textPage?.context.close(); });

const texts = [
  ['NUL characters', 'the\u0000cat\u0000 sat it', (r, st) => { assert.equal(typeof r, 'number'); assert.ok(!st.text.includes('\u0000')); }],
  ['lone surrogates', 'it \uD800 was \uDC00 tired', (r, st) => { assert.equal(typeof r, 'number'); assert.ok(st.text.includes('\uFFFD')); }],
  ['right-to-left text with an override', 'שלום \u202Eעולם\u202C مرحبا it', (r) => assert.equal(typeof r, 'number')],
  ['500 combining marks on one letter', 'a' + '\u0301'.repeat(500) + ' it was', (r) => assert.equal(typeof r, 'number')],
  ['zero-width characters', '\u200Bthe\u200D cat\uFEFF \u2060it\u200B', (r, st) => { assert.equal(typeof r, 'number'); assert.ok(st.tokens.some((x) => x.text === 'it')); }],
  ['emoji and letters beyond the BMP', '🤖 it 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👩‍👩‍👧', (r) => assert.equal(typeof r, 'number')],
  ['whitespace only', ' \t\n  ', (r, st) => { assert.match(r, /empty/); assert.notEqual(st.text.trim(), ''); }],
];
for (const [name, text, check] of texts) {
  hostile(`text: ${name}`, async (t) => {
    const c = await textCase();
    const r = await c.page.evaluate((s) => window.lesson.setText(s), text);
    await sleep(100);
    check(r, await c.page.evaluate(() => window.lesson.state()));
    await healthy(t, c);
  });
}

hostile('text: 64 KB exactly is taken, and BERT\'s 512 cut the rest with a note', async (t) => {
  const c = await textCase();
  const text = 'a '.repeat(32768);  // 65,536 bytes, 32,768 one-piece words
  assert.equal(typeof await c.page.evaluate((s) => window.lesson.setText(s), text), 'number');
  await c.page.evaluate(() => window.lesson.goTo('text-to-vectors'));
  const tok = await c.page.evaluate((s) => window.lesson.tokenize(s), text);
  assert.equal(tok.tokens.length, 510, '512 with [CLS] and [SEP]');
  assert.equal(tok.truncated, true);
  assert.equal(tok.dropped, 32768 - 510);
  // The page's text (the mirror screen readers read) says how many tokens were dropped.
  await c.page.waitForFunction(() => /32,258 were dropped/.test(document.getElementById('mirror').textContent), null, { timeout: 5000 });
  await c.page.screenshot({ path: shotPath('hostile-64kb-text') });
  await healthy(t, c);
});

hostile('text: one byte over 64 KB is refused with the figures, and the sentence is kept', async (t) => {
  const c = await textCase();
  const before = (await c.page.evaluate(() => window.lesson.state())).text;
  const r = await c.page.evaluate(() => window.lesson.setText('é'.repeat(32768) + 'x'));  // 65,537 bytes in 32,769 characters
  assert.match(r, /65,537 bytes/);
  assert.equal((await c.page.evaluate(() => window.lesson.state())).text, before);
  await healthy(t, c);
});

hostile('text: tokenize refuses 10 MB with a RangeError naming the limit', async (t) => {
  const c = await textCase();
  const r = await c.page.evaluate(() => { try { window.lesson.tokenize('x'.repeat(10 * 1024 * 1024)); return 'no error'; } catch (e) { return `${e.name}: ${e.message}`; } });
  assert.match(r, /RangeError: .*65,536/);
  await healthy(t, c);
});

hostile('numbers: NaN, ±Inf, 1e38, −0 and empty matrices in lesson.attention', async (t) => {
  const c = await textCase();
  const results = await c.page.evaluate(() => {
    const run = (Q, K, V) => { try { return { ok: window.lesson.attention(Q, K, V) }; } catch (e) { return { error: e.message }; } };
    return {
      nan: run([[NaN, 1]], [[1, 1]], [[1, 1]]),
      inf: run([[Infinity, 1]], [[1, 1]], [[1, 1]]),
      big: run([[1e38, 1e38]], [[1e38, 1e38]], [[1, 1]]),
      beyond: run([[1e39, 0]], [[1, 1]], [[1, 1]]),
      negzero: run([[-0, 0]], [[0, -0]], [[-0, 2]]),
      empty: run([], [], []),
      emptyRow: run([[]], [[]], [[]]),
      notNumber: run([['1', 2]], [[1, 2]], [[1, 2]]),
    };
  });
  assert.match(results.nan.error, /Q\[0\]\[0\] is not a finite number/);
  assert.match(results.inf.error, /Q\[0\]\[0\] is not a finite number/);
  assert.match(results.big.error, /overflow/);
  assert.match(results.beyond.error, /Q\[0\]\[0\] = 1e\+39 is too large for a float/);
  // −0 is a number: Q·Kᵀ = 0, so the one weight is 1 and the output is V's row.
  assert.deepEqual(results.negzero.ok.weights, [[1]]);
  assert.deepEqual(results.negzero.ok.output.map((r) => r.map((x) => x + 0)), [[0, 2]]);
  assert.match(results.empty.error, /non-empty/);
  assert.match(results.emptyRow.error, /non-empty/);
  assert.match(results.notNumber.error, /not a finite number/);
  await healthy(t, c);
});

// ------------------------------------------------------------------------------------------------
// Window sizes and zoom

hostile('resize: a 1×1 window, then back', async (t) => {
  const c = await open(site.url + '?section=attention-explorer');
  await c.page.setViewportSize({ width: 1, height: 1 });
  await sleep(400);
  assert.equal(typeof (await c.page.evaluate(() => window.lesson.state())).section, 'string');
  await c.page.setViewportSize({ width: 1280, height: 800 });
  await sleep(400);
  await healthy(t, c);
  await c.context.close();
});

hostile('resize: a 4K window', async (t) => {
  const c = await open(site.url + '?section=attention-explorer', { width: 3840, height: 2160 });
  await sleep(300);
  const size = await c.page.evaluate(() => ({ w: document.getElementById('canvas').width, h: document.getElementById('canvas').height }));
  assert.deepEqual(size, { w: 3840, h: 2160 }, 'the canvas fills a 4K window at its pixels');
  await c.page.screenshot({ path: shotPath('hostile-4k') });
  await healthy(t, c);
  await c.context.close();
});

hostile('resize: 60 sizes in a second', async (t) => {
  const c = await open(site.url + '?section=encoder-block');
  for (let i = 0; i < 60; ++i) {
    await c.page.setViewportSize({ width: 200 + ((i * 173) % 1600), height: 150 + ((i * 97) % 900) });
    await sleep(16);
  }
  await c.page.setViewportSize({ width: 1280, height: 800 });
  await sleep(400);
  await healthy(t, c);
  await c.context.close();
});

for (const zoom of [0.5, 1.25, 2, 3]) {
  hostile(`zoom ${zoom * 100}%: the canvas is sharp and the lesson works`, async (t) => {
    // Browser zoom: CSS pixels grow, so the viewport in CSS pixels shrinks and devicePixelRatio grows.
    const c = await open(site.url + '?section=attention-explorer');
    const cdp = await c.context.newCDPSession(c.page);
    await cdp.send('Emulation.setDeviceMetricsOverride', { width: Math.round(1280 / zoom), height: Math.round(800 / zoom), deviceScaleFactor: zoom, mobile: false });
    // The lesson lays itself out again at the next frames: every token inside the canvas.
    await c.page.waitForFunction((z) => {
      const st = window.lesson.state(), w = document.getElementById('canvas').getBoundingClientRect().width;
      return st.tokens.length > 5 && st.tokens.every((tk) => tk.x >= 0 && tk.w > 0 && tk.x + tk.w <= w + 1);
    }, zoom, { timeout: 15000 });
    const m = await c.page.evaluate(() => { const cv = document.getElementById('canvas'); return { w: cv.width, css: cv.getBoundingClientRect().width, dpr: window.devicePixelRatio }; });
    assert.ok(Math.abs(m.w - m.css * m.dpr) <= 2, `canvas backing ${m.w} = ${m.css} CSS px × ${m.dpr}`);
    const st = await c.page.evaluate(() => window.lesson.state());
    assert.ok(st.tokens.length > 5 && st.tokens.every((tk) => tk.x >= 0 && tk.w > 0 && tk.x + tk.w <= m.css + 1), 'tokens lie inside the canvas');
    await c.page.screenshot({ path: shotPath(`hostile-zoom-${zoom * 100}`) });
    await healthy(t, c);
    await c.context.close();
  });
}

// ------------------------------------------------------------------------------------------------
// Storage

hostile('storage: localStorage full (setItem throws QuotaExceededError)', async (t) => {
  const c = await open(site.url + '?section=intro', {
    init: () => { Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); }; },
  });
  await c.page.evaluate(() => window.lesson.goTo('generation'));
  await visited(c.page, 'generation');
  await healthy(t, c, { progress: false });
  await c.context.close();
});

hostile('storage: localStorage throws on access (blocked by the browser)', async (t) => {
  const c = await open(site.url + '?section=intro', {
    seed: false,
    init: () => { Object.defineProperty(window, 'localStorage', { get() { throw new DOMException('denied', 'SecurityError'); } }); },
  });
  await c.page.evaluate(() => window.lesson.goTo('check'));
  await visited(c.page, 'check');
  await healthy(t, c, { progress: false });
  await c.context.close();
});

for (const [name, stored] of [['not JSON', '{{{'], ['wrong types', '{"visited": 5, "quiz": [1], "round": "x", "prediction": {}}'],
  ['unknown sections and huge', JSON.stringify({ visited: Array.from({ length: 5000 }, (_, i) => `s${i}`), quiz: {} })]]) {
  hostile(`storage: stored progress ${name}`, async (t) => {
    const c = await open(site.url + '?section=intro', { seed: false, init: ([k, v]) => localStorage.setItem(k, v), initArg: [KEY, stored] });
    await c.page.evaluate(() => window.lesson.goTo('check'));
    await visited(c.page, 'check');
    await healthy(t, c, { progress: false });
    await c.context.close();
  });
}

// ------------------------------------------------------------------------------------------------
// WebGL

hostile('WebGL: the context is lost during training, training goes on, the restore draws again', async (t) => {
  const c = await open(site.url + '?section=attention-explorer');
  assert.equal(await c.page.evaluate(() => window.lesson.train(3)), true);
  await sleep(500);
  const stepBefore = (await c.page.evaluate(() => window.lesson.state().training)).step;
  const ext = await c.page.evaluate(() => { window.__ext = document.getElementById('canvas').getContext('webgl2').getExtension('WEBGL_lose_context'); window.__ext.loseContext(); return true; });
  assert.ok(ext);
  await sleep(1500);
  const lost = await c.page.evaluate(() => window.lesson.state().training);
  assert.ok(lost.step > stepBefore || lost.finished, `training went on while the context was lost (${stepBefore} → ${lost.step})`);
  await c.page.evaluate(() => window.__ext.restoreContext());
  await sleep(800);
  await c.page.screenshot({ path: shotPath('hostile-context-restored-training') });
  await healthy(t, c);
  await c.context.close();
});

hostile('WebGL: the context is lost and never comes back', async (t) => {
  const c = await open(site.url + '?section=attention-steps');
  await c.page.evaluate(() => document.getElementById('canvas').getContext('webgl2').getExtension('WEBGL_lose_context').loseContext());
  await sleep(500);
  assert.equal(await c.page.evaluate(() => window.lesson.goTo('check')), true);
  assert.equal(await c.page.evaluate(() => window.lesson.setText('it works without drawing')), 6, '[CLS] it works without drawing [SEP]');
  assert.equal((await c.page.evaluate(() => window.lesson.state())).text, 'it works without drawing');
  await healthy(t, c, { draws: false });
  await c.context.close();
});

// ------------------------------------------------------------------------------------------------
// Data files: each failing, then all slow

const dataFiles = ['lessons/attention-lesson.md', 'data/vocab.txt', 'models/coref.bin', 'models/coref-vocab.txt',
  'models/race-reference.txt', 'models/story.bin', 'models/story-vocab.txt'];
for (const file of dataFiles) {
  hostile(`fetch: ${file} fails (HTTP 500)`, async (t) => {
    const c = await open(site.url + '?section=intro', {
      route: (context) => context.route(`**/${file}`, (r) => r.fulfill({ status: 500, body: 'broken' })),
    });
    await sleep(200);
    const st = await c.page.evaluate(() => window.lesson.state());
    assert.ok(st.problems.length > 0, `the page says what is missing: ${JSON.stringify(st.problems)}`);
    await healthy(t, c, { expectedConsole: [new RegExp(`could not load ${file.replace('.', '\\.')}`), /status of 500/] });
    await c.context.close();
  });
}

hostile('fetch: every data file and the WebAssembly arrive 2 s late', async (t) => {
  const c = await open(site.url + '?section=text-to-vectors', {
    route: (context) => context.route(/\/(index\.wasm|data\/|models\/|lessons\/)/, async (r) => { await sleep(2000); await r.continue(); }),
  });
  const st = await c.page.evaluate(() => window.lesson.state());
  assert.deepEqual(st.problems, []);
  await healthy(t, c);
  await c.context.close();
});

hostile('fetch: a fallback font for other scripts fails', async (t) => {
  const c = await open(site.url + '?section=text-to-vectors', {
    route: (context) => context.route('**/fonts/**', (r) => r.fulfill({ status: 404, body: 'gone' })),
  });
  assert.equal(typeof await c.page.evaluate(() => window.lesson.setText('中文 한국어 it')), 'number');
  await sleep(800);
  await healthy(t, c, { expectedConsole: [/font/i, /status of 404/] });
  await c.context.close();
});

test('at least 30 hostile cases were checked', () => {
  assert.ok(cases >= 30, `${cases} cases`);
});
