// "Transformers vs RNNs", measured in the browser: before a run the section shows the reference
// run of scripts/race; the on-screen button starts a default race that completes (in under 60 s),
// the page keeps drawing frames while it runs, every figure of state().race is finite, and the
// table drawn on screen carries the run's own figures; Stop stops; bad options are refused.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { frames, launch, openLesson, serve, shotPath, sleep } from './harness.mjs';

let browser, site;
before(async () => { browser = await launch(); site = await serve(); });
after(async () => { await browser?.close(); await site?.close(); });

const MODELS = ['rnn', 'lstm', 'transformer'];
const state = (page) => page.evaluate(() => window.lesson.state());

async function pressButton(page, label) {
  const s = await state(page);
  const c = s.controls.find((x) => x.label === label && !x.disabled);
  assert.ok(c, `a "${label}" button on screen (controls: ${s.controls.map((x) => x.label).join(', ')})`);
  await page.mouse.click(c.x + c.w / 2, c.y + c.h / 2);
  await frames(page, 3);
}

// Scrolls the page (the canvas scrolls inside) and takes a screenshot at each screenful.
async function shots(page, name, count) {
  for (let i = 0; i < count; i++) {
    await frames(page, 3);
    await page.screenshot({ path: shotPath(`${name}-${i + 1}`) });
    const { scroll } = await state(page);
    if (scroll.y >= scroll.max) break;
    await page.mouse.move(300, 400);
    await page.mouse.wheel(0, 700);
    await frames(page, 6);
  }
}

function checkFigures(race) {
  for (const key of MODELS) {
    const m = race.models[key];
    assert.ok(m, `state().race.models.${key}`);
    assert.ok(Number.isInteger(m.params) && m.params > 1000, `${key} params ${m.params}`);
    assert.ok(m.accuracyByDistance.length >= 1);
    for (const a of m.accuracyByDistance) {
      assert.ok(Number.isFinite(a.accuracy) && a.accuracy >= 0 && a.accuracy <= 1, `${key} accuracy at ${a.distance}: ${a.accuracy}`);
    }
    for (const g of m.gradientByDistance) assert.ok(Number.isFinite(g.norm) && g.norm >= 0, `${key} gradient at ${g.distance}: ${g.norm}`);
    for (const t of m.msPerStepByLength) assert.ok(Number.isFinite(t.ms) && t.ms >= 0, `${key} ms at ${t.length}: ${t.ms}`);
    assert.ok(Number.isFinite(m.msPerStep) && m.msPerStep > 0, `${key} msPerStep ${m.msPerStep}`);
    assert.ok(Number.isFinite(m.gflops) && m.gflops > 0, `${key} gflops ${m.gflops}`);
  }
  // One sequential step per token for the recurrent networks (the GFLOP/s sentence has 64), one
  // per layer (2) for the transformer.
  assert.equal(race.models.rnn.sequentialSteps, 64);
  assert.equal(race.models.lstm.sequentialSteps, 64);
  assert.equal(race.models.transformer.sequentialSteps, 2);
}

// The figures as the table words them (whole percent, GFLOP/s to two decimals).
const pct = (x) => `${Math.round(100 * x)}%`;

function checkTable(race) {
  const table = race.table.join('\n');
  assert.equal(race.table.length, 4, 'four rows: parallelism, long-range, training speed, scalability');
  const { rnn, lstm, transformer } = race.models;
  const first = (m) => m.accuracyByDistance[0].accuracy, last = (m) => m.accuracyByDistance.at(-1).accuracy;
  assert.ok(table.includes(`RNN ${pct(first(rnn))} → ${pct(last(rnn))}`), `the RNN's accuracies in:\n${table}`);
  assert.ok(table.includes(`LSTM ${pct(first(lstm))} → ${pct(last(lstm))}`), `the LSTM's accuracies in:\n${table}`);
  assert.ok(table.includes(`accuracy ${pct(first(transformer))} → ${pct(last(transformer))}`), `the transformer's in:\n${table}`);
  assert.ok(table.includes(`${rnn.gflops.toFixed(2)} GFLOP/s (RNN)`), `the RNN's GFLOP/s in:\n${table}`);
  assert.ok(table.includes(`${transformer.gflops.toFixed(2)} GFLOP/s, all tokens at once`), `the transformer's GFLOP/s in:\n${table}`);
  // The seed's verdicts stay beside the figures.
  assert.ok(table.includes('Vanishing gradient'));
  assert.ok(table.includes('All tokens at once'));
}

test('before a run the section shows the reference run of scripts/race, labelled as such', async () => {
  const { page, context, errors } = await openLesson(browser, site.url + '?section=rnn-vs-transformer');
  await frames(page, 4);
  const s = await state(page);
  assert.equal(s.section, 'rnn-vs-transformer');
  assert.equal(s.race.source, 'reference');
  assert.equal(s.race.running, false);
  assert.equal(s.race.complete, true);
  checkFigures(s.race);
  checkTable(s.race);
  // The numbers shown are the file's: read it independently.
  const text = await (await fetch(site.url + 'models/race-reference.txt')).text();
  const line = text.split('\n').find((l) => l.startsWith('accuracy rnn '));
  const fileAcc = line.split(' ').slice(2).map(Number);
  assert.deepEqual(s.race.models.rnn.accuracyByDistance.map((a) => a.accuracy), fileAcc);
  assert.deepEqual(s.problems, []);
  await shots(page, 'race-before-1280x800', 6);
  await context.close();
  const phone = await openLesson(browser, site.url + '?section=rnn-vs-transformer', { width: 390, height: 844, touch: true, dpr: 2 });
  await shots(phone.page, 'race-before-390x844', 10);
  await phone.context.close();
  assert.deepEqual(errors, []);
});

test('a default race runs from the button, in under 60 s, and the table shows its figures', async () => {
  const { page, context, errors } = await openLesson(browser, site.url + '?section=rnn-vs-transformer');
  await frames(page, 4);
  // Frames the page draws in 2 s with nothing running, to compare with the race running (the
  // machine's speed and load set both).
  const idle0 = (await page.evaluate(() => window.lesson.frameTimes())).count;
  await sleep(2000);
  const idle = (await page.evaluate(() => window.lesson.frameTimes())).count - idle0;
  await pressButton(page, 'Run the race in this browser');
  const started = Date.now();
  let s = await state(page);
  assert.equal(s.race.running, true);
  assert.equal(s.race.source, 'browser');
  // While it runs the page keeps drawing (a slice of work per frame) and the step advances.
  const firstStep = s.race.step;
  const before = (await page.evaluate(() => window.lesson.frameTimes())).count;
  await sleep(2000);
  s = await state(page);
  assert.ok(s.race.step > firstStep, 'the race advances');
  const drawn = (await page.evaluate(() => window.lesson.frameTimes())).count - before;
  console.log(`frames drawn in 2 s: ${idle} idle, ${drawn} racing`);
  assert.ok(drawn >= Math.min(20, idle / 3), `the page keeps drawing while the race runs (${drawn} frames in 2 s, ${idle} idle)`);
  while (s.race.running && Date.now() - started < 180000) {
    await sleep(1000);
    s = await state(page);
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`default race in the browser: ${seconds.toFixed(1)} s (${s.race.elapsedMs.toFixed(0)} ms of run)`);
  assert.equal(s.race.complete, true, 'the race completed');
  assert.ok(seconds < 60, `a default race takes under 60 s (took ${seconds.toFixed(1)} s)`);
  assert.equal(s.race.steps, 600);
  assert.equal(s.race.step, 600);
  checkFigures(s.race);
  await frames(page, 3);
  s = await state(page);
  checkTable(s.race);
  console.log('browser run table:\n' + JSON.stringify(Object.fromEntries(MODELS.map((k) => [k, {
    params: s.race.models[k].params,
    accuracy: s.race.models[k].accuracyByDistance.map((a) => `${a.distance}:${pct(a.accuracy)}`).join(' '),
    gradient: s.race.models[k].gradientByDistance.map((g) => g.norm.toExponential(2)).join(' '),
    msPerStep: s.race.models[k].msPerStep.toFixed(2),
    msByLength: s.race.models[k].msPerStepByLength.map((t) => `${t.length}:${t.ms.toFixed(2)}`).join(' '),
    gflops: s.race.models[k].gflops.toFixed(2),
    sequentialSteps: s.race.models[k].sequentialSteps,
  }])), null, 1));
  await page.mouse.move(300, 400);
  await page.mouse.wheel(0, -100000);
  await shots(page, 'race-after-1280x800', 6);
  await page.setViewportSize({ width: 390, height: 844 });
  await frames(page, 6);
  await page.mouse.wheel(0, -100000);
  await shots(page, 'race-after-390x844', 10);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Stop stops the race; bad options are refused with a reason and the lesson keeps working', async () => {
  const { page, context, errors } = await openLesson(browser, site.url + '?section=rnn-vs-transformer');
  await frames(page, 3);
  await assert.rejects(page.evaluate(() => window.lesson.race({ distances: [1, 4] })), /between 2 and 64/);
  await assert.rejects(page.evaluate(() => window.lesson.race({ steps: 0 })), /steps/);
  await assert.rejects(page.evaluate(() => window.lesson.race({ distances: [16, 8] })), /increase/);
  await assert.rejects(page.evaluate(() => window.lesson.race('fast')), /options must be an object/);
  let s = await state(page);
  assert.equal(s.race.source, 'reference', 'a refused race leaves the reference on screen');
  const r = await page.evaluate(() => window.lesson.race({ seed: 3, steps: 400, distances: [4, 8, 16] }));
  assert.equal(r.ok, true);
  await sleep(800);
  await pressButton(page, 'Stop');
  await frames(page, 3);
  s = await state(page);
  assert.equal(s.race.running, false);
  assert.equal(s.race.stopped, true);
  assert.equal(s.race.seed, 3);
  const at = s.race.step;
  assert.ok(at > 0 && at < 400, `stopped part-way (step ${at})`);
  await sleep(500);
  assert.equal((await state(page)).race.step, at, 'no more steps after Stop');
  assert.ok((await page.evaluate(() => window.lesson.goTo('check'))));
  assert.deepEqual(errors, []);
  await context.close();
});
