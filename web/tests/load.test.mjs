// Under load: typing in the sentence field without pause must keep frames within the budget of
// the frame-time test (median within one 60 Hz frame, the 95th percentile within two). Training
// runs in the page's frames: whole steps while the next fits in 20 ms, at least one, and one step
// of the "it" model takes about 27 ms in headless Chromium here, so a training frame holds one
// step. While it runs the page must stay interactive: median within 50 ms (20 frames a second),
// p95 within 100 ms.
// Prints the figures.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launch, openLesson, serve, sleep } from './harness.mjs';

const BUDGET_MEDIAN_MS = 1000 / 60;
const BUDGET_P95_MS = 2000 / 60;
const TRAINING_MEDIAN_MS = 50;
const TRAINING_P95_MS = 100;
let browser, site;
before(async () => { browser = await launch(); site = await serve(); });
after(async () => { await browser?.close(); await site?.close(); });

// Frame times are kept in a ring of the last 512; this reads the ones drawn since `from`.
async function frameTimesSince(page, from) {
  const t = await page.evaluate(() => window.lesson.frameTimes());
  const n = t.ms.length, out = [];
  for (let i = Math.max(from, t.count - n); i < t.count; ++i) out.push(t.ms[i % n]);
  return { count: t.count, ms: out };
}

// Samples every second while `work` runs, so no frame falls out of the ring.
async function measure(page, work) {
  let from = (await page.evaluate(() => window.lesson.frameTimes())).count;
  const all = [];
  let done = false;
  const sampler = (async () => {
    while (!done) {
      await sleep(1000);
      const s = await frameTimesSince(page, from);
      all.push(...s.ms);
      from = s.count;
    }
  })();
  await work();
  done = true;
  await sampler;
  all.push(...(await frameTimesSince(page, from)).ms);
  all.sort((a, b) => a - b);
  const q = (p) => all[Math.min(all.length - 1, Math.floor(p * all.length))];
  return { frames: all.length, median: q(0.5), p95: q(0.95), max: all[all.length - 1] };
}

const report = (what, f) => console.log(`# ${what}: ${f.frames} frames, median ${f.median.toFixed(2)} ms, p95 ${f.p95.toFixed(2)} ms, max ${f.max.toFixed(1)} ms`);

test('typing a key every 16 ms for 10 s in the sentence field keeps frames within budget', { timeout: 120000 }, async () => {
  const { page, context, errors } = await openLesson(browser, site.url + '?section=text-to-vectors');
  const field = (await page.evaluate(() => window.lesson.state().textField));
  await page.mouse.click(field.x + field.w / 2, field.y + field.h / 2);
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'text-edit');
  await page.keyboard.press('End');
  const letters = ' the cat sat on the mat because it was tired';
  let typed = 0;
  const f = await measure(page, async () => {
    const end = Date.now() + 10000;
    while (Date.now() < end) {
      const started = Date.now();
      await page.keyboard.press(letters[typed % letters.length] === ' ' ? 'Space' : letters[typed % letters.length]);
      typed++;
      await sleep(Math.max(0, 16 - (Date.now() - started)));
    }
  });
  report(`typing (${typed} keys in 10 s)`, f);
  // What was typed is what the field holds, and Enter applies it to the lesson.
  const value = await page.evaluate(() => document.getElementById('text-edit').value);
  assert.equal(value.length, 'The animal did not cross the street because it was too tired'.length + typed, 'no key was lost');
  await page.keyboard.press('Enter');
  await page.waitForFunction((v) => window.lesson.state().text === v, value);
  assert.ok(f.frames > 100, 'the page kept drawing');
  assert.ok(f.median <= BUDGET_MEDIAN_MS && f.p95 <= BUDGET_P95_MS, `frame time within budget: median ${f.median.toFixed(2)}, p95 ${f.p95.toFixed(2)} ms`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('training while switching sections every half second keeps the page interactive (20 frames a second or more)', { timeout: 120000 }, async () => {
  const { page, context, errors } = await openLesson(browser, site.url + '?section=attention-explorer');
  assert.equal(await page.evaluate(() => window.lesson.train(2)), true);
  const ids = (await page.evaluate(() => window.lesson.sections())).map((s) => s.id);
  const stepBefore = (await page.evaluate(() => window.lesson.state().training)).step;
  const f = await measure(page, async () => {
    for (let i = 0; i < 20; ++i) {
      // The section changes as the contents menu changes it (the menu's own presses are tested in
      // controls.test.mjs); here what counts is the frame time while training runs behind it.
      await page.evaluate((id) => window.lesson.goTo(id), ids[i % ids.length]);
      await sleep(500);
    }
  });
  const tr = await page.evaluate(() => window.lesson.state().training);
  report(`training (steps ${stepBefore} → ${tr.step}) while switching sections`, f);
  assert.ok(tr.step > stepBefore + 20 || tr.finished, 'training went on in every section');
  assert.ok(f.median <= TRAINING_MEDIAN_MS && f.p95 <= TRAINING_P95_MS, `frame time within budget: median ${f.median.toFixed(2)}, p95 ${f.p95.toFixed(2)} ms`);
  assert.deepEqual(errors, []);
  await context.close();
});
