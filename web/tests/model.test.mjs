// The trained model: "it" attends to the word it refers to, in the explorer's default view
// (last layer, mean of the heads), on sentences built from held-out triples; its label says what
// the loaded file holds; training in the browser from the default seed works.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { frames, launch, openLesson, serve, shotPath } from './harness.mjs';

let browser, site;
before(async () => { browser = await launch(); site = await serve(); });
after(async () => { await browser?.close(); await site?.close(); });

const SUBJECTS = ['animal', 'dog', 'cat', 'horse', 'cow', 'child', 'man', 'woman', 'bird', 'fox', 'deer', 'rabbit'];
const PLACES = ['street', 'road', 'river', 'bridge', 'field', 'park', 'lake', 'hill', 'yard', 'track'];
const SUBJECT_ADJ = ['tired', 'sleepy', 'scared', 'hungry', 'weak', 'lazy', 'afraid', 'exhausted'];
const PLACE_ADJ = ['wide', 'busy', 'long', 'crowded', 'steep', 'icy', 'flooded', 'muddy'];
const ADJECTIVES = [...SUBJECT_ADJ, ...PLACE_ADJ];

// Whether a (subject, place, adjective) triple is held out of training: the MurmurHash3
// finaliser of src/core/coref.cpp, written again here. The first triples it picks are pinned
// below and in tests/test_coref.cpp, both from an independent Python version.
function heldOut(s, p, a) {
  let h = (Math.imul(s, 0x9E3779B1) ^ Math.imul(p + 101, 0x85EBCA77) ^ Math.imul(a + 1009, 0xC2B2AE3D)) >>> 0;
  h ^= h >>> 16; h = Math.imul(h, 0x85EBCA6B) >>> 0;
  h ^= h >>> 13; h = Math.imul(h, 0xC2B2AE35) >>> 0;
  h = (h ^ (h >>> 16)) >>> 0;  // unsigned, as in C++ (^ alone gives a signed 32-bit result)
  return h % 100 < 15;
}
const HELD_OUT = [];
for (let s = 0; s < SUBJECTS.length; s++)
  for (let p = 0; p < PLACES.length; p++)
    for (let a = 0; a < ADJECTIVES.length; a++) if (heldOut(s, p, a)) HELD_OUT.push([s, p, a]);

// The label the explorer must show for the shipped file, worked out from what the file holds:
// 2 layers, 4 heads, d_model 32, feed-forward 128 (GELU), a head over the compact vocabulary.
async function shippedLabel(url) {
  const vocab = (await (await fetch(url + 'models/coref-vocab.txt')).text()).split('\n').filter((l) => l).length;
  const d = 32, f = 128, layers = 2;
  const perLayer = 4 * d * d + 4 * d + 2 * d + (d * f + f + f * d + d) + 2 * d;  // attention, LN1, FFN, LN2
  const count = vocab * d + layers * perLayer + d * vocab + vocab;               // embedding, blocks, head
  return `encoder trained by scripts/train, seed 9 (2 layers, 4 heads, d_model 32, feed-forward 128 wide (GELU), ${count.toLocaleString('en-US')} parameters)`;
}

// The control that `pick` finds in state().controls, after scrolling the page (mouse wheel)
// until it is on the screen.
async function controlOnScreen(page, pick, viewportHeight) {
  const find = async () => pick((await page.evaluate(() => window.lesson.state())).controls);
  let c = await find();
  await page.mouse.move(150, viewportHeight / 2);  // the wheel scrolls what is under the pointer
  for (let i = 0; i < 12 && c && c.y + c.h > viewportHeight - 20; i++) {
    await page.mouse.wheel(0, 300);
    await page.waitForTimeout(150);
    await frames(page);
    c = await find();
  }
  // Wait for the scroll to come to rest: the control is where it will be clicked.
  for (let i = 0, last = null; i < 20 && c && last?.y !== c.y; i++) {
    last = c;
    await page.waitForTimeout(100);
    await frames(page);
    c = await find();
  }
  return c;
}

// Clicks "it" in the explorer and returns the weights of the two nouns in state().row.
async function clickIt(page, sentence, subject, place) {
  const count = await page.evaluate((s) => window.lesson.setText(s), sentence);
  assert.equal(typeof count, 'number', `setText accepted "${sentence}"`);
  await frames(page);
  const st = await page.evaluate(() => window.lesson.state());
  const words = st.tokens.map((t) => t.text);
  const it = words.indexOf('it');
  const t = st.tokens[it];
  await page.mouse.click(t.x + t.w / 2, t.y + t.h / 2);
  await frames(page);
  const now = await page.evaluate(() => window.lesson.state());
  assert.equal(now.selected, it);
  return { subject: now.row[words.indexOf(subject)], place: now.row[words.indexOf(place)], model: now.model };
}

test('seed sentence and its "wide" twin: "it" attends to animal, then to street', async () => {
  const { page, context, errors } = await openLesson(browser, site.url + '?section=attention-explorer');
  const tired = await clickIt(page, 'The animal did not cross the street because it was too tired', 'animal', 'street');
  assert.equal(tired.model, await shippedLabel(site.url));
  assert.ok(tired.subject > tired.place, `tired: animal ${tired.subject} > street ${tired.place}`);
  await page.screenshot({ path: shotPath('explorer-trained-tired') });
  const wide = await clickIt(page, 'The animal did not cross the street because it was too wide', 'animal', 'street');
  assert.ok(wide.place > wide.subject, `wide: street ${wide.place} > animal ${wide.subject}`);
  await page.screenshot({ path: shotPath('explorer-trained-wide') });
  const m = await page.evaluate(() => window.lesson.model('The animal did not cross the street because it was too wide'));
  assert.equal(m.tokens[m.referent.index], 'street');
  assert.equal(m.attention.length, 2);
  assert.equal(m.attention[0].length, 4);
  console.log(`# tired: it→animal ${tired.subject.toFixed(3)}, it→street ${tired.place.toFixed(3)}; wide: it→animal ${wide.subject.toFixed(3)}, it→street ${wide.place.toFixed(3)}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('held-out triples: the split is the one the library trains around', () => {
  assert.equal(HELD_OUT.length, 293);
  assert.deepEqual(HELD_OUT.slice(0, 8), [[0, 0, 10], [0, 1, 12], [0, 2, 0], [0, 3, 3], [0, 4, 0], [0, 4, 2], [0, 5, 11], [0, 6, 0]]);
});

test('in the default view "it" favours the right noun in at least 95% of held-out sentences', async () => {
  const { page, context } = await openLesson(browser, site.url + '?section=attention-explorer');
  let right = 0, n = 0;
  const verbs = ['cross', 'enter', 'leave', 'reach'];
  // 40 triples spread over the 293 held out (never seen in training), both referents.
  for (let i = 0; i < 40; i++) {
    const [s, p, a] = HELD_OUT[Math.floor((i * HELD_OUT.length) / 40)];
    const subject = SUBJECTS[s], place = PLACES[p], adj = ADJECTIVES[a];
    const placeRef = a >= SUBJECT_ADJ.length;
    const sentence = `The ${subject} ${i % 3 ? 'did not' : "didn't"} ${verbs[i % 4]} the ${place} ${['because', 'since', 'as'][i % 3]} it was ${['too', 'very', 'so', 'really'][i % 4]} ${adj}`;
    const r = await clickIt(page, sentence, subject, place);
    n++;
    if (placeRef ? r.place > r.subject : r.subject > r.place) right++;
  }
  console.log(`# default view, held-out triples: right noun favoured in ${right} of ${n} sentences`);
  assert.ok(right / n >= 0.95, `${right} of ${n}`);
  await context.close();
});

test('benchmark: training from scratch in the browser, from the default seed, to 95% held-out accuracy', async () => {
  const { page, context, errors } = await openLesson(browser, site.url + '?section=attention-explorer');
  await frames(page);
  const seed = (await page.evaluate(() => window.lesson.state())).training.seed;
  assert.equal(seed, 1, 'the page offers seed 1 until the learner picks another');
  // Press the explorer's own button, as a learner would.
  const button = await controlOnScreen(page, (cs) => cs.find((c) => c.label === 'Train from this seed'), 800);
  assert.ok(button, 'the explorer shows a Train button beside the seed');
  await page.mouse.click(button.x + button.w / 2, button.y + button.h / 2);
  let st;
  for (let i = 0; i < 600; i++) {
    await page.waitForTimeout(250);
    st = (await page.evaluate(() => window.lesson.state())).training;
    if (st.finished) break;
  }
  assert.ok(st.finished, 'training finished');
  assert.equal(st.seed, 1);
  assert.equal((await page.evaluate(() => window.lesson.state())).model.startsWith('encoder you trained in this browser, seed 1 ('), true);
  console.log(`# in-browser training, seed ${st.seed}: attention favours the referent in ${(100 * st.heldOutAttention).toFixed(1)}% of held-out sentences; ${st.step} steps in ${(st.elapsedMs / 1000).toFixed(1)} s; held-out accuracy ${(100 * st.heldOutAccuracy).toFixed(1)}%; 95% reached after ${(st.msTo95 / 1000).toFixed(1)} s`);
  assert.ok(st.msTo95 > 0, 'held-out accuracy reached 95%');
  assert.ok(st.heldOutAccuracy >= 0.95);
  await page.mouse.wheel(0, 900);
  await page.waitForTimeout(200);
  await page.screenshot({ path: shotPath('explorer-trained-in-browser') });
  assert.deepEqual(errors, []);
  await context.close();
});

// Screenshots to look at: the explorer's seed choice, and the LayerNorm figures of the encoder
// block, on a desktop and on a phone.
for (const size of [{ name: 'desktop', width: 1280, height: 800, dpr: 1 }, { name: 'phone', width: 390, height: 844, dpr: 2 }]) {
  test(`screenshots: the explorer's seed choice and the LayerNorm figures (${size.name})`, async () => {
    const { page, context, errors } = await openLesson(browser, site.url + '?section=attention-explorer', size);
    await frames(page);
    let st = await page.evaluate(() => window.lesson.state());
    const plus = await controlOnScreen(page, (cs) => cs.find((c) => c.label === 'seed +'), size.height);
    assert.ok(plus, 'the explorer has a seed control');
    assert.equal(plus.value, '1');
    await page.mouse.click(plus.x + plus.w / 2, plus.y + plus.h / 2);
    await frames(page);
    st = await page.evaluate(() => window.lesson.state());
    assert.equal(st.training.seed, 2, '+ picks the next seed');
    await page.screenshot({ path: shotPath(`explorer-seed-${size.name}`) });

    await page.evaluate(() => window.lesson.goTo('encoder-block'));
    await frames(page);
    const norm = await controlOnScreen(page, (cs) => cs.find((c) => c.kind === 'box' && c.label === 'Add & LayerNorm'), size.height);
    assert.ok(norm, 'the diagram has an Add & LayerNorm box');
    await page.mouse.click(norm.x + norm.w / 2, norm.y + norm.h / 2);
    await frames(page);
    st = await page.evaluate(() => window.lesson.state());
    assert.equal(st.controls.find((c) => c.kind === 'box' && c.label === 'Add & LayerNorm').value, 'selected');
    const ffn = st.controls.find((c) => c.kind === 'box' && c.label.startsWith('Feed-forward'));
    assert.equal(ffn.label, 'Feed-forward network (×4 wider)', 'the factor is the shipped model\'s 128 / 32');
    // The details sit beside the diagram on a desktop and below it on a phone.
    if (size.name === 'phone') { await page.mouse.wheel(0, 500); await page.waitForTimeout(300); await frames(page); }
    await page.screenshot({ path: shotPath(`encoder-layernorm-${size.name}`) });
    if (size.name === 'phone') { await page.mouse.wheel(0, 1000); await page.waitForTimeout(300); await frames(page); }
    else { await page.mouse.wheel(0, 500); await page.waitForTimeout(300); await frames(page); }
    await page.screenshot({ path: shotPath(`encoder-layernorm-${size.name}-2`) });
    assert.deepEqual(errors, []);
    await context.close();
  });
}
