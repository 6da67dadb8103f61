// The first page: the lesson loads, draws, and window.lesson computes the worked example.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { canvasStats, launch, openLesson, serve, shotPath } from './harness.mjs';

let browser, site;
before(async () => { browser = await launch(); site = await serve(); });
after(async () => { await browser?.close(); await site?.close(); });

const Q = [[0.9, 0.2, 0.5], [0.3, 0.8, 0.4]];
const K = [[0.7, 0.4, 0.6], [0.2, 0.9, 0.3]];
const V = [[0.5, 0.8, 0.2], [0.7, 0.1, 0.9]];
const round2 = (m) => m.map((r) => r.map((x) => Math.round(x * 100) / 100));

test('the lesson loads, draws a non-blank canvas and logs no error', async () => {
  const { page, context, errors } = await openLesson(browser, site.url + '?section=attention-steps');
  const version = await page.evaluate(() => window.lesson.version);
  assert.match(version, /^\d+\.\d+\.\d+$/);
  assert.equal(await page.locator('#loading').isHidden(), true, 'the loading screen is gone');
  const stats = await canvasStats(page);
  assert.ok(stats.distinctColours > 20, `the canvas shows more than a flat colour (${stats.distinctColours} colours)`);
  assert.deepEqual((await page.evaluate(() => window.lesson.state())).problems, [], 'no error card');
  assert.ok(stats.darkSamples < stats.samples * 0.5, 'the canvas is not mostly black');
  await page.screenshot({ path: shotPath('foundation-1280x800') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('the page counts as loaded before the lesson starts: window.lesson.ready exists at once, the load event does not wait for index.js', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__seen = {};
    document.addEventListener('DOMContentLoaded', () => {
      window.__seen.readyPromise = !!(window.lesson && typeof window.lesson.ready.then === 'function' && typeof window.lesson.models.then === 'function');
    });
    window.addEventListener('load', () => {
      window.__seen.loadAt = performance.now();
      window.__seen.scriptRunAtLoad = typeof Module !== 'undefined';
    });
  });
  await page.goto(site.url);
  const readyAt = await page.evaluate(() => window.lesson.ready.then(() => performance.now()));
  const seen = await page.evaluate(() => window.__seen);
  assert.equal(seen.readyPromise, true, 'window.lesson.ready and .models are there before the lesson\'s script');
  assert.equal(seen.scriptRunAtLoad, false, 'index.js runs after the load event');
  assert.ok(seen.loadAt < readyAt, `the load event (${seen.loadAt.toFixed(0)} ms) comes before the first frame (${readyAt.toFixed(0)} ms)`);
  assert.equal(await page.evaluate(() => typeof window.lesson.state), 'function', 'then window.lesson is the whole API');
  await context.close();
});

test('a data file that cannot be fetched is an error the tests see, and the lesson says what is missing', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.route('**/models/coref.bin', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.goto(site.url + '?section=attention-explorer');
  await page.evaluate(() => window.lesson.ready);
  // The models are fetched after the first frame; lesson.models resolves when they are in, or failed.
  await page.evaluate(() => window.lesson.models);
  assert.ok(errors.some((e) => e.includes('could not load models/coref.bin')), `console errors: ${JSON.stringify(errors)}`);
  const problems = (await page.evaluate(() => window.lesson.state())).problems;
  assert.equal(problems.length, 1);
  assert.match(problems[0], /trained model could not be loaded/);
  await context.close();
});

test('lesson.attention returns the worked example of the lesson', async () => {
  const { page, context, errors } = await openLesson(browser, site.url);
  const r = await page.evaluate(([q, k, v]) => window.lesson.attention(q, k, v), [Q, K, V]);
  assert.deepEqual(round2(r.scaled), [[0.58, 0.29], [0.44, 0.52]]);
  assert.deepEqual(round2(r.weights), [[0.57, 0.43], [0.48, 0.52]]);
  assert.deepEqual(round2(r.output), [[0.59, 0.5, 0.5], [0.6, 0.44, 0.56]]);
  assert.deepEqual(round2(r.scores), [[1.01, 0.51], [0.77, 0.9]]);
  for (const row of r.weights) assert.ok(Math.abs(row[0] + row[1] - 1) < 1e-6);
  assert.deepEqual(errors, []);
  await context.close();
});

test('lesson.attention applies a mask and rejects bad input with a clear message', async () => {
  const { page, context } = await openLesson(browser, site.url);
  const masked = await page.evaluate(([q, k, v]) => window.lesson.attention(q, k, v, [[1, 0], [1, 1]]), [Q, K, V]);
  assert.deepEqual(masked.weights[0], [1, 0]);
  const messages = await page.evaluate(([q, k, v]) => {
    const attempt = (f) => { try { f(); return 'no error'; } catch (e) { return e.message; } };
    return [
      attempt(() => window.lesson.attention(q, [[1, 2], [3, 4]], v)),
      attempt(() => window.lesson.attention(q, k, [[1, 2, 3]])),
      attempt(() => window.lesson.attention([[NaN, 1, 2]], k, v)),
      attempt(() => window.lesson.attention('Q', k, v)),
      attempt(() => window.lesson.attention([[1, 2], [3]], k, v)),
    ];
  }, [Q, K, V]);
  assert.match(messages[0], /\(2, 3\).*\(2, 2\)/);
  assert.match(messages[1], /\(2, 3\).*\(1, 3\)/);
  assert.match(messages[2], /not a finite number/);
  assert.match(messages[3], /non-empty array/);
  assert.match(messages[4], /not rectangular/);
  // The lesson still works afterwards.
  const again = await page.evaluate(([q, k, v]) => window.lesson.attention(q, k, v), [Q, K, V]);
  assert.deepEqual(round2(again.weights), [[0.57, 0.43], [0.48, 0.52]]);
  await context.close();
});

test('text is crisp at devicePixelRatio 2: the canvas has twice the CSS pixels', async () => {
  const { page, context, errors } = await openLesson(browser, site.url, { width: 1280, height: 800, dpr: 2 });
  const size = await page.evaluate(() => {
    const c = document.getElementById('canvas');
    return { w: c.width, h: c.height, cssW: c.clientWidth, cssH: c.clientHeight };
  });
  assert.equal(size.w, size.cssW * 2);
  assert.equal(size.h, size.cssH * 2);
  await page.screenshot({ path: shotPath('foundation-1280x800@2x') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('until the vocabulary and the models arrive, the sections that need them say so; then they work', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  // The vocabulary is held back until the test lets it through: a slow network, made certain.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route('**/data/vocab.txt', async (route) => { await held; await route.continue(); });
  await page.goto(site.url + '?section=text-to-vectors');
  await page.evaluate(() => window.lesson.ready);
  const loading = await page.evaluate(() => window.lesson.state());
  assert.equal(loading.modelsLoading, true);
  assert.equal(loading.model, '', 'no model is named while none is in');
  assert.ok(loading.widgets.some((w) => w.widget === 'pipeline' && /^Loading BERT's vocabulary/.test(w.title)),
    `the pipeline says it is loading: ${JSON.stringify(loading.widgets.map((w) => w.title))}`);
  await assert.rejects(page.evaluate(() => window.lesson.tokenize('the dog')), /still loading; await lesson.models/);
  await page.screenshot({ path: shotPath('models-loading') });
  release();
  await page.evaluate(() => window.lesson.models);
  const loaded = await page.evaluate(() => window.lesson.state());
  assert.equal(loaded.modelsLoading, false);
  assert.match(loaded.model, /encoder trained by scripts\/train/);
  assert.deepEqual(await page.evaluate(() => window.lesson.tokenize('the dog').tokens), ['the', 'dog']);
  assert.deepEqual(errors, []);
  await context.close();
});
