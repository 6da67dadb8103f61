// The trained model: "it" attends to the word it refers to, in the explorer's default view
// (last layer, mean of the heads); the random twin does not; training in the browser works.
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
  assert.match(tired.model, /trained/);
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

test('in the default view "it" favours the right noun in at least 95% of varied sentences', async () => {
  const { page, context } = await openLesson(browser, site.url + '?section=attention-explorer');
  let right = 0, n = 0;
  const verbs = ['cross', 'enter', 'leave', 'reach'];
  for (let i = 0; i < 24; i++) {
    const subject = SUBJECTS[i % SUBJECTS.length], place = PLACES[(i * 7) % PLACES.length];
    const placeRef = i % 2 === 1;
    const adj = placeRef ? PLACE_ADJ[(i * 5) % PLACE_ADJ.length] : SUBJECT_ADJ[(i * 3) % SUBJECT_ADJ.length];
    const sentence = `The ${subject} ${i % 3 ? 'did not' : "didn't"} ${verbs[i % 4]} the ${place} ${['because', 'since', 'as'][i % 3]} it was ${['too', 'very', 'so', 'really'][i % 4]} ${adj}`;
    const r = await clickIt(page, sentence, subject, place);
    n++;
    if (placeRef ? r.place > r.subject : r.subject > r.place) right++;
  }
  console.log(`# default view: right noun favoured in ${right} of ${n} sentences`);
  assert.ok(right / n >= 0.95, `${right} of ${n}`);
  await context.close();
});

test('benchmark: training from scratch in the browser to 95% held-out accuracy', async () => {
  const { page, context, errors } = await openLesson(browser, site.url + '?section=attention-explorer');
  assert.equal(await page.evaluate(() => window.lesson.train(9)), true);
  let st;
  for (let i = 0; i < 600; i++) {
    await page.waitForTimeout(250);
    st = (await page.evaluate(() => window.lesson.state())).training;
    if (st.finished) break;
  }
  assert.ok(st.finished, 'training finished');
  console.log(`# in-browser training: ${st.step} steps in ${(st.elapsedMs / 1000).toFixed(1)} s; held-out accuracy ${(100 * st.heldOutAccuracy).toFixed(1)}%; 95% reached after ${(st.msTo95 / 1000).toFixed(1)} s`);
  assert.ok(st.msTo95 > 0, 'held-out accuracy reached 95%');
  assert.ok(st.heldOutAccuracy >= 0.95);
  await page.mouse.wheel(0, 900);
  await page.waitForTimeout(200);
  await page.screenshot({ path: shotPath('explorer-trained-in-browser') });
  assert.deepEqual(errors, []);
  await context.close();
});
