// SCORM packages (scripts/package) in a real SCORM runtime: npm scorm-again's Scorm12API and
// Scorm2004API installed in a parent page, as an LMS does, launching the unzipped package in an
// iframe. The learner visits every section and answers the quizzes by clicking the canvas; the
// test reads what the runtime recorded (status, score, suspend data, session time), relaunches
// with that suspend data in a fresh browser profile and checks the lesson resumes. The manifests
// are checked against what the SCORM schemas require, with the browser's own XML parser.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { after, before, test } from 'node:test';
import { startServer } from '../server.mjs';
import { ROOT, WEB_DIR, fingers, frames, launch, openLesson, serve, shotPath } from './harness.mjs';

const PACKAGES = {
  '1.2': join(ROOT, 'build/attention-lesson-scorm12.zip'),
  '2004': join(ROOT, 'build/attention-lesson-scorm2004.zip'),
};
const RUNTIME = join(ROOT, 'node_modules/scorm-again/dist');
const NS = {
  '1.2': { cp: 'http://www.imsproject.org/xsd/imscp_rootv1p1p2', adlcp: 'http://www.adlnet.org/xsd/adlcp_rootv1p2', type: 'scormtype', schemaversion: '1.2' },
  '2004': { cp: 'http://www.imsglobal.org/xsd/imscp_v1p1', adlcp: 'http://www.adlnet.org/xsd/adlcp_v1p3', type: 'scormType', schemaversion: '2004 4th Edition' },
};
const IMSSS = 'http://www.imsglobal.org/xsd/imsss';

// The LMS's page: the runtime's API object on window (as SCORM requires), filled before launch
// with what the LMS knows (the manifest's mastery score, the suspend data of the last session).
const LMS_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>LMS</title><link rel="icon" href="data:,">
<style>html,body{margin:0;height:100%;overflow:hidden} iframe{display:block;border:0;width:100%;height:100%}</style>
<script src="/lms-runtime/scorm-again.min.js"></script>
<script>
  const q = new URLSearchParams(location.search);
  const version = q.get('v');
  const api = version === '2004' ? new Scorm2004API({ logLevel: 5 }) : new Scorm12API({ logLevel: 5 });
  api.loadFromFlattenedJSON(JSON.parse(q.get('init') || '{}'));
  window.__calls = [];
  for (const name of ['LMSInitialize', 'LMSFinish', 'Initialize', 'Terminate']) api.on(name, () => window.__calls.push(name));
  if (version === '2004') window.API_1484_11 = api; else window.API = api;
  window.__api = api;
</script></head>
<body><iframe id="sco" title="course content" src="/launch.html"></iframe></body></html>`;

// Quizzes as the lesson's text states them, read here independently of the lesson's parser:
// for each "::: quiz id" block, its section and the index of its right option.
function quizzesOfLessonText() {
  const lines = readFileSync(join(ROOT, 'lessons/attention-lesson.md'), 'utf8').split('\n');
  const out = [];
  let section = null, quiz = null;
  for (const line of lines) {
    const heading = /^## ([a-z0-9-]+):/.exec(line);
    if (heading) section = heading[1];
    const start = /^::: quiz (\S+)/.exec(line);
    if (start) { quiz = { id: start[1], section, right: -1, options: 0 }; continue; }
    if (!quiz) continue;
    const option = /^- \[( |x)\]/.exec(line);
    if (option) { if (option[1] === 'x') quiz.right = quiz.options; quiz.options++; }
    if (line.trim() === ':::') { out.push(quiz); quiz = null; }
  }
  return out;
}

function filesUnder(dir) {
  const out = [];
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p); else out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

let browser;
const unpacked = {};  // version → { dir, server, url, entries }
before(async () => {
  const stale = Object.values(PACKAGES).some((zip) => !existsSync(zip) || statSync(zip).mtimeMs < statSync(join(WEB_DIR, 'index.html')).mtimeMs);
  if (stale) execFileSync(join(ROOT, 'scripts/package'), { stdio: 'inherit' });
  browser = await launch();
  for (const [version, zip] of Object.entries(PACKAGES)) {
    const dir = mkdtempSync(join(tmpdir(), `attention-scorm-${version}-`));
    execFileSync('unzip', ['-q', zip, '-d', dir]);
    const entries = execFileSync('unzip', ['-Z1', zip], { encoding: 'utf8' }).split('\n').filter((l) => l);
    const server = await startServer({ root: dir, port: 0, extraRoots: { '/lms-runtime/': RUNTIME }, pages: { '/lms.html': LMS_PAGE } });
    unpacked[version] = { dir, server, url: `http://127.0.0.1:${server.address().port}/`, entries };
  }
});
after(async () => {
  await browser?.close();
  for (const u of Object.values(unpacked)) {
    await new Promise((ok) => u.server.close(ok));
    rmSync(u.dir, { recursive: true, force: true });
  }
});

// [SECTION] The manifest ------------------------------------------------------------------------------

for (const version of Object.keys(PACKAGES)) {
  test(`SCORM ${version}: imsmanifest.xml is well-formed, names one SCO, and lists every file of the package`, async () => {
    const { dir, entries } = unpacked[version];
    assert.ok(entries.includes('imsmanifest.xml'), 'the manifest is at the root of the zip');
    const text = readFileSync(join(dir, 'imsmanifest.xml'), 'utf8');
    const page = await browser.newPage();
    // The browser's XML parser (namespace-aware): a parse error is a <parsererror> document.
    const m = await page.evaluate(({ text, ns, IMSSS }) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      const error = doc.getElementsByTagName('parsererror')[0];
      if (error) return { error: error.textContent };
      const root = doc.documentElement;
      const all = (name, uri = ns.cp) => Array.from(doc.getElementsByTagNameNS(uri, name));
      const ids = Array.from(doc.querySelectorAll('[identifier]')).map((e) => e.getAttribute('identifier'));
      const resources = all('resource').map((r) => ({
        identifier: r.getAttribute('identifier'), type: r.getAttribute('type'), href: r.getAttribute('href'),
        scormType: r.getAttributeNS(ns.adlcp, ns.type), files: Array.from(r.getElementsByTagNameNS(ns.cp, 'file')).map((f) => f.getAttribute('href')),
      }));
      const organizations = all('organizations')[0];
      return {
        rootName: root.localName, rootNs: root.namespaceURI, rootId: root.getAttribute('identifier'), ids,
        schema: all('schema')[0]?.textContent, schemaversion: all('schemaversion')[0]?.textContent,
        defaultOrg: organizations?.getAttribute('default'), orgIds: all('organization').map((o) => o.getAttribute('identifier')),
        items: all('item').map((i) => ({ identifier: i.getAttribute('identifier'), identifierref: i.getAttribute('identifierref'),
          title: i.getElementsByTagNameNS(ns.cp, 'title')[0]?.textContent })),
        resources,
        masteryscore: doc.getElementsByTagNameNS(ns.adlcp, 'masteryscore')[0]?.textContent ?? null,
        minNormalizedMeasure: doc.getElementsByTagNameNS(IMSSS, 'minNormalizedMeasure')[0]?.textContent ?? null,
        satisfiedByMeasure: doc.getElementsByTagNameNS(IMSSS, 'primaryObjective')[0]?.getAttribute('satisfiedByMeasure') ?? null,
      };
    }, { text, ns: NS[version], IMSSS });
    await page.close();
    assert.equal(m.error, undefined, `the manifest is not well-formed XML: ${m.error}`);
    assert.equal(m.rootName, 'manifest');
    assert.equal(m.rootNs, NS[version].cp, 'the content packaging namespace of this SCORM version');
    assert.ok(m.rootId, 'the manifest has an identifier');
    assert.equal(new Set(m.ids).size, m.ids.length, `identifiers are unique: ${m.ids}`);
    for (const id of m.ids) assert.match(id, /^[A-Za-z_][\w.-]*$/, `identifier ${id} is an XML ID (xs:ID)`);
    assert.equal(m.schema, 'ADL SCORM');
    assert.equal(m.schemaversion, NS[version].schemaversion);
    assert.ok(m.orgIds.includes(m.defaultOrg), `organizations default="${m.defaultOrg}" names an organization`);
    assert.equal(m.resources.length, 1, 'one resource');
    assert.equal(m.items.length, 1, 'one item');
    const [sco] = m.resources;
    assert.equal(m.items[0].identifierref, sco.identifier, 'the item refers to the resource');
    assert.ok(m.items[0].title, 'the item has a title');
    assert.equal(sco.type, 'webcontent');
    assert.equal(sco.scormType, 'sco', `adlcp:${NS[version].type}="sco"`);
    assert.ok(entries.includes(sco.href), `the launch page ${sco.href} is in the zip`);
    // Every file of the zip is listed, and every listed file is in the zip.
    const listed = sco.files.map((f) => decodeURI(f)).sort();
    const packed = entries.filter((e) => e !== 'imsmanifest.xml').sort();
    assert.deepEqual(listed, packed);
    // Every file of the web build is in the package (but the Brotli / gzip copies the build writes
    // for servers that send them: an LMS serves the plain files).
    const missing = filesUnder(WEB_DIR).filter((f) => !/\.(br|gz)$/.test(f) && !entries.includes(f));
    assert.ok(!entries.some((e) => /\.(br|gz)$/.test(e)), 'no compressed copies in the package');
    assert.deepEqual(missing, [], 'files of build/web missing from the package');
    for (const f of ['index.html', 'scorm-adapter.js']) assert.ok(entries.includes(f), f);
    if (version === '1.2') {
      assert.equal(m.masteryscore, '80');
    } else {
      assert.equal(m.minNormalizedMeasure, '0.80');
      assert.equal(m.satisfiedByMeasure, 'true');
    }
  });
}

// [SECTION] A learner in the runtime ---------------------------------------------------------------------

// Where the LMS puts what it knows before launch.
const KEYS = {
  '1.2': { init: { mastery: 'cmi.student_data.mastery_score', suspend: 'cmi.suspend_data', location: 'cmi.core.lesson_location', entry: 'cmi.core.entry' } },
  '2004': { init: { mastery: 'cmi.scaled_passing_score', suspend: 'cmi.suspend_data', location: 'cmi.location', entry: 'cmi.entry' } },
};

// What the runtime holds, as it would send it to the LMS's server (session time is write-only
// through the API, so it is read from the runtime's own rendering of its data).
async function cmi(page, version) {
  return page.evaluate((v) => {
    const c = window.__api.renderCMIToJSONObject().cmi;
    return v === '2004'
      ? { completion: c.completion_status, success: c.success_status, raw: c.score.raw, min: c.score.min, max: c.score.max,
        scaled: c.score.scaled, progress: c.progress_measure, suspend: c.suspend_data, location: c.location,
        sessionTime: c.session_time, exit: c.exit }
      : { status: c.core.lesson_status, raw: c.core.score.raw, min: c.core.score.min, max: c.core.score.max,
        suspend: c.suspend_data, location: c.core.lesson_location, sessionTime: c.core.session_time, exit: c.core.exit };
  }, version);
}

// Opens the LMS page, which launches the package; returns the page and the lesson's frame.
async function launchInLms(version, init, { context: existing } = {}) {
  const context = existing ?? await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error' || (m.type() === 'warning' && /scorm/.test(m.text()))) errors.push(m.text()); });
  await page.goto(`${unpacked[version].url}lms.html?v=${version}&init=${encodeURIComponent(JSON.stringify(init))}`);
  let frame = null;
  for (let i = 0; i < 200 && !frame; i++) {
    frame = page.frames().find((f) => /\/index\.html/.test(f.url()));
    if (!frame) await page.waitForTimeout(50);
  }
  assert.ok(frame, 'the launch page frames the lesson');
  await frame.evaluate(() => window.lesson.ready.then(() => true));
  await frames(frame, 3);
  return { context, page, frame, errors };
}

// Where the lesson's canvas is on the LMS page (two iframes deep).
async function offsetOf(page) {
  const box = await page.frameLocator('#sco').locator('#lesson').boundingBox();  // in the page's own pixels
  return { x: box.x, y: box.y };
}

const stateOf = (frame) => frame.evaluate(() => window.lesson.state());

// Scrolls the lesson (mouse wheel) until `pick(state)` gives a rectangle fully on screen; returns it.
async function reveal(page, frame, pick, height = 800) {
  const off = await offsetOf(page);
  let r = null;
  for (let i = 0; i < 40; i++) {
    r = pick(await stateOf(frame));
    if (!r) return null;
    if (r.y >= 60 && r.y + r.h <= height - 20) break;
    const dy = Math.max(-500, Math.min(500, r.y - height / 3));
    await page.mouse.move(off.x + 1200, off.y + height / 2);
    await page.mouse.wheel(0, dy);
    await frames(frame, 2);
  }
  // Let the scroll come to rest, so the rectangle is where the click lands.
  for (let i = 0, last = null; i < 20 && r && last?.y !== r.y; i++) {
    last = r;
    await frames(frame, 2);
    r = pick(await stateOf(frame));
  }
  return r;
}

// Scrolls (mouse wheel over `page`) until `pick(state)` of the lesson in `frame` ends 24 px above
// the foot of a `height`-tall screen, so a screenshot shows what is above it.
async function bottomAlign(page, frame, pick, height) {
  const off = page === frame ? { x: 0, y: 0 } : await offsetOf(page);
  let r = null;
  for (let i = 0; i < 40; i++) {
    r = pick(await stateOf(frame));
    if (!r) return null;
    const dy = r.y + r.h - (height - 24);
    if (Math.abs(dy) < 8) break;
    await page.mouse.move(off.x + page.viewportSize().width - 30, off.y + height / 2);  // over the page, not the contents
    await page.mouse.wheel(0, Math.max(-600, Math.min(600, dy)));
    await frames(frame, 3);
  }
  for (let i = 0, last = null; i < 20 && r && last?.y !== r.y; i++) {
    last = r;
    await frames(frame, 2);
    r = pick(await stateOf(frame));
  }
  return r;
}

async function click(page, frame, r) {
  const off = await offsetOf(page);
  await page.mouse.click(off.x + r.x + r.w / 2, off.y + r.y + r.h / 2);
  await frames(frame, 3);
}

// Visits every section by its link in the contents, in lesson order.
async function visitAll(page, frame) {
  const sections = await frame.evaluate(() => window.lesson.sections());
  for (const s of sections) {
    const link = await reveal(page, frame, (st) => st.controls.find((c) => c.kind === 'link' && c.label === s.title));
    assert.ok(link, `a link to ${s.id} in the contents`);
    await click(page, frame, link);
    assert.equal((await stateOf(frame)).section, s.id);
  }
  return sections;
}

// Answers quiz `q` with option `option`, clicking its answer on the canvas.
async function answer(page, frame, q, option) {
  if ((await stateOf(frame)).section !== q.section) {
    const title = (await frame.evaluate(() => window.lesson.sections())).find((s) => s.id === q.section).title;
    const link = await reveal(page, frame, (st) => st.controls.find((c) => c.kind === 'link' && c.label === title));
    await click(page, frame, link);
  }
  const box = await reveal(page, frame, (st) => st.answers.find((a) => a.quiz === q.id && a.option === option));
  assert.ok(box, `answer ${option} of ${q.id} is on screen`);
  await click(page, frame, box);
  assert.equal((await stateOf(frame)).quiz[q.id], option, `${q.id}: option ${option} chosen`);
}

async function leave(page) {
  // The LMS closes the content: the launch page is unloaded.
  await page.evaluate(() => { document.getElementById('sco').src = 'about:blank'; });
  await page.waitForFunction(() => window.__calls.some((c) => c === 'LMSFinish' || c === 'Terminate'), null, { timeout: 10000 });
}

// "HHHH:MM:SS.SS" or "PT#H#M#S" in seconds.
function seconds(text, version) {
  if (version === '1.2') {
    const m = /^(\d{2,4}):(\d{2}):(\d{2}(?:\.\d{1,2})?)$/.exec(text);
    assert.ok(m, `SCORM 1.2 timespan: ${text}`);
    return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
  }
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/.exec(text);
  assert.ok(m && text !== 'PT', `ISO 8601 duration: ${text}`);
  return Number(m[1] || 0) * 3600 + Number(m[2] || 0) * 60 + Number(m[3] || 0);
}

for (const version of Object.keys(PACKAGES)) {
  test(`SCORM ${version}: a full run in scorm-again reports completion, score and suspend data, and a relaunch resumes`, { timeout: 600000 }, async () => {
    const quizzes = quizzesOfLessonText();
    assert.ok(quizzes.length >= 2 && quizzes.every((q) => q.right >= 0 && q.options >= 2), 'quizzes in the lesson text');
    const mastery = version === '2004' ? '0.8' : '80';
    const k = KEYS[version];
    const started = Date.now();
    const { context, page, frame, errors } = await launchInLms(version, { [k.init.mastery]: mastery });
    let c = await cmi(page, version);
    assert.deepEqual(await page.evaluate(() => window.__calls), [version === '2004' ? 'Initialize' : 'LMSInitialize']);
    if (version === '1.2') assert.equal(c.status, 'incomplete');
    else assert.equal(c.completion, 'incomplete');

    // Every section, by clicking the contents.
    const sections = await visitAll(page, frame);
    c = await cmi(page, version);
    if (version === '1.2') assert.equal(c.status, 'completed', 'every section visited, quiz not answered: completed');
    else {
      assert.equal(c.completion, 'completed');
      assert.equal(c.success, 'unknown', 'no score yet');
      assert.equal(Number(c.progress), 1);
    }
    assert.equal(c.raw, '', 'no score before the quiz is answered');

    // The quizzes, clicked on the canvas. Wrong first picks that are then corrected still count wrong.
    const wrongFirst = version === '1.2' ? 1 : 2;
    for (const [i, q] of quizzes.entries()) {
      if (i < wrongFirst) await answer(page, frame, q, (q.right + 1) % q.options);
      await answer(page, frame, q, q.right);
    }
    const expected = Math.round((100 * (quizzes.length - wrongFirst)) / quizzes.length);
    const st = await stateOf(frame);
    assert.equal(st.summary.quizTotal, quizzes.length);
    assert.equal(st.summary.rightFirstTry, quizzes.length - wrongFirst);
    assert.equal(st.summary.score, expected);
    c = await cmi(page, version);
    assert.equal(Number(c.raw), expected, `raw score ${c.raw}, by hand ${expected}`);
    assert.equal(c.min, '0');
    assert.equal(c.max, '100');
    const passed = expected >= 80;
    if (version === '1.2') {
      assert.equal(c.status, passed ? 'passed' : 'failed');
    } else {
      assert.equal(Number(c.scaled), expected / 100);
      assert.equal(c.success, passed ? 'passed' : 'failed');
    }

    if (version === '2004') {
      // "Try the quiz again" (a control on the canvas): the answers go, the visits stay; every answer
      // right at the first pick now passes.
      const retry = await reveal(page, frame, (s) => s.controls.find((x) => x.label === 'Try the quiz again'));
      assert.ok(retry && retry.kind === 'button' && !retry.disabled, 'Try the quiz again is a control');
      await click(page, frame, retry);
      const after = await stateOf(frame);
      assert.deepEqual(after.quiz, {});
      assert.equal(after.summary.answered, 0);
      assert.equal(after.summary.round, 2);
      assert.deepEqual(after.summary.notVisited, []);
      assert.equal((await cmi(page, version)).success, 'failed', 'the last full result stands until the quiz is answered again');
      for (const q of quizzes) await answer(page, frame, q, q.right);
      c = await cmi(page, version);
      assert.equal(c.raw, '100');
      assert.equal(c.success, 'passed');
      assert.equal(c.completion, 'completed');
    }

    // The summary on screen, as the learner sees it at the end.
    const tryAgain = await bottomAlign(page, frame, (s) => s.controls.find((x) => x.label === 'Try the quiz again'), 800);
    assert.ok(tryAgain);
    await page.screenshot({ path: shotPath(`scorm${version.replace('.', '')}-summary-1280x800`) });

    const suspend = (await cmi(page, version)).suspend;
    assert.ok(suspend.length > 0 && suspend.length <= 4096, `suspend data within SCORM 1.2's 4,096 characters (${suspend.length})`);
    const saved = JSON.parse(suspend);
    assert.deepEqual([...saved.visited].sort(), sections.map((s) => s.id).sort());
    for (const q of quizzes) assert.equal(saved.first[q.id], version === '1.2' && quizzes.indexOf(q) < wrongFirst ? (q.right + 1) % q.options : q.right);

    await leave(page);
    const elapsed = (Date.now() - started) / 1000;
    c = await cmi(page, version);
    const t = seconds(c.sessionTime, version);
    assert.ok(t > 1 && t <= elapsed + 1, `session time ${c.sessionTime} (${t} s) within the ${elapsed.toFixed(1)} s the run took`);
    assert.equal(c.exit, 'suspend');
    assert.deepEqual(errors, []);
    console.log(`SCORM ${version} CMI after a full run: ${JSON.stringify(c)}`);
    await context.close();

    // Relaunch in a fresh browser profile (no localStorage): the suspend data alone brings the
    // progress back, and the lesson opens where the learner stopped.
    const again = await launchInLms(version, { [k.init.mastery]: mastery, [k.init.suspend]: c.suspend, [k.init.location]: c.location,
      [k.init.entry]: 'resume' });
    await frames(again.frame, 3);
    const resumed = await stateOf(again.frame);
    assert.equal(resumed.section, c.location);
    assert.deepEqual([...resumed.completed].sort(), sections.map((s) => s.id).sort());
    assert.equal(resumed.summary.score, Number(c.raw));
    assert.equal(resumed.summary.answered, quizzes.length);
    const c2 = await cmi(again.page, version);
    if (version === '1.2') assert.equal(c2.status, c.status);
    else assert.equal(`${c2.completion}/${c2.success}`, `${c.completion}/${c.success}`);
    assert.equal(c2.raw, c.raw);
    assert.deepEqual(again.errors, []);
    await again.context.close();
  });
}

// [SECTION] Without an LMS, and the summary on a phone -----------------------------------------------------

test('without an LMS the launch page is the plain lesson', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(`${unpacked['1.2'].url}launch.html?section=check`);
  let frame = null;
  for (let i = 0; i < 200 && !frame; i++) {
    frame = page.frames().find((f) => /\/index\.html/.test(f.url()));
    if (!frame) await page.waitForTimeout(50);
  }
  await frame.evaluate(() => window.lesson.ready.then(() => true));
  await frames(frame, 3);
  assert.equal((await stateOf(frame)).section, 'check', 'the link\'s section reaches the lesson');
  assert.equal(await page.evaluate(() => typeof window.API), 'undefined');
  assert.deepEqual(errors, []);
  await context.close();
});

test('the end-of-lesson summary on a phone (390×844, touch)', async () => {
  const site = await serve();
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=check`, { width: 390, height: 844, dpr: 2, touch: true });
  const quizzes = quizzesOfLessonText();
  const sections = (await page.evaluate(() => window.lesson.sections())).map((s) => s.id);
  // Progress as a course would restore it: every section, one first pick wrong, a prediction.
  const first = Object.fromEntries(quizzes.map((q, i) => [q.id, i === 0 ? (q.right + 1) % q.options : q.right]));
  assert.equal(await page.evaluate((p) => window.lesson.restore(p), { visited: sections.slice(0, -2).concat(['check']), first, quiz: first, prediction: 1 }), true);
  await frames(page, 3);
  const st = await page.evaluate(() => window.lesson.state());
  assert.equal(st.summary.rightFirstTry, quizzes.length - 1);
  assert.equal(st.summary.predictionHeld, false);
  assert.equal(st.summary.notVisited.length, 1);
  // Scrolled so that the summary's last control sits at the foot of the screen; its controls are
  // finger-sized.
  await bottomAlign(page, page, (st) => st.controls.find((x) => x.label === 'Try the quiz again'), 844);
  const controls = (await page.evaluate(() => window.lesson.state())).controls;
  const retry = controls.find((x) => x.label === 'Try the quiz again');
  assert.ok(retry && retry.h >= 40 && retry.w >= 40, 'Try the quiz again: at least 40 px');
  const links = controls.filter((x) => x.kind === 'link' && x.label.endsWith('→'));
  assert.equal(links.length, 1, 'a link to the section not visited yet');
  assert.ok(links[0].h >= 40);
  await page.screenshot({ path: shotPath('summary-390x844') });
  // "Try the quiz again" by a tap: answers cleared, visits kept.
  const finger = await fingers(page);
  await finger.tap(retry.x + retry.w / 2, retry.y + retry.h / 2);
  await frames(page, 3);
  const after = await page.evaluate(() => window.lesson.state());
  assert.deepEqual(after.quiz, {});
  assert.equal(after.summary.answered, 0);
  assert.equal(after.summary.visited.length, sections.length - 1);
  assert.equal(after.summary.prediction, 'the street');
  assert.deepEqual(errors, []);
  await context.close();
  await site.close();
});

