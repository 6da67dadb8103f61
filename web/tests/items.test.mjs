// Defects found by using the lesson by hand, each pinned by a test that presses real controls
// (mouse, keys, fingers) the way the person who found it did.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fingers, frames, launch, openLesson, serve, settled, shotPath, sleep } from './harness.mjs';

const PHONE = { width: 390, height: 844, dpr: 2, touch: true };
const SEED = 'The animal did not cross the street because it was too tired';
let browser, site;
before(async () => { browser = await launch(); site = await serve(); });
after(async () => { await browser?.close(); await site?.close(); });

const state = (page) => page.evaluate(() => window.lesson.state());
const control = async (page, pred) => (await state(page)).controls.find(pred);
// Scrolls the control into view with the wheel (over the page, right of its column), then clicks it.
async function click(page, c) {
  assert.ok(c, 'the control is drawn');
  const { height, width } = page.viewportSize();
  for (let i = 0; i < 30 && (c.y < 70 || c.y + c.h > height - 20); ++i) {
    await page.mouse.move(width - 40, height / 2);
    await page.mouse.wheel(0, Math.max(-500, Math.min(500, c.y - height / 3)));
    await frames(page, 2);
    c = (await state(page)).controls.find((x) => x.id === c.id);
  }
  await page.mouse.click(c.x + c.w / 2, c.y + c.h / 2);
  await frames(page, 3);
}

test('1. explorer: "Head 1" and "Head 2" select their head; Layer "1" and Head "1" are different controls', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=attention-explorer`);
  await frames(page);
  const heads = (await state(page)).controls.filter((c) => c.kind === 'option' && ['1', '2', '3', '4'].includes(c.label));
  assert.equal(heads.length, 6, 'Layer 1, 2 and Head 1..4');
  assert.equal(new Set(heads.map((c) => c.id)).size, 6, 'six ids');
  const head1 = heads.filter((c) => c.label === '1')[1];
  await click(page, head1);
  let st = await state(page);
  assert.equal(st.head, 0, 'Head 1 selects head 0');
  assert.equal(st.layer, 1, 'and leaves the layer alone');
  await click(page, heads.filter((c) => c.label === '2')[1]);
  assert.equal((await state(page)).head, 1, 'Head 2 selects head 1');
  await click(page, heads.filter((c) => c.label === '1')[0]);
  st = await state(page);
  assert.equal(st.layer, 0, 'Layer 1 selects layer 0');
  assert.equal(st.head, 1, 'and leaves the head alone');
  await page.screenshot({ path: shotPath('explorer-head-1') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('2. encoder block: N = 1 runs one block of the same width, with its maps and change', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=encoder-block`);
  await frames(page);
  await click(page, await control(page, (c) => c.label === '−'));
  const st = await state(page);
  assert.equal(st.encoder.n, 1);
  assert.equal(st.encoder.change.length, 1, 'the sentence ran through the one block');
  assert.ok(Number.isFinite(st.encoder.change[0]) && st.encoder.change[0] > 0);
  assert.equal(st.message, '', 'no error banner');
  await page.screenshot({ path: shotPath('encoder-block-n1') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('3. intro: the clue chips start unmarked, and "because" toggles like the others; the sentence is the lesson\'s', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=intro`);
  await frames(page);
  const chips = (await state(page)).controls.filter((c) => c.kind === 'chip' && c.y > 200 && !['attention', 'query', 'key', 'value', 'softmax', 'token'].includes(c.label.toLowerCase()));
  const words = chips.map((c) => c.label);
  assert.deepEqual(words.slice(0, 12), SEED.split(' '), 'the clue words are the lesson\'s sentence ("…was too tired")');
  const because = chips.find((c) => c.label === 'because');
  assert.equal(because.value, '', 'not marked before anyone touches it');
  await click(page, because);
  assert.equal((await control(page, (c) => c.id === because.id)).value, 'marked', 'a click marks it');
  await click(page, because);
  assert.equal((await control(page, (c) => c.id === because.id)).value, '', 'a second click unmarks it');
  assert.equal(chips.find((c) => c.label === 'it').value, 'the word asked about');
  assert.deepEqual(errors, []);
  await context.close();
});

test('4. ← and → go to the focused slider and step tabs, and turn the page only otherwise', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=attention-steps`);
  await frames(page);
  let tab = await control(page, (c) => c.kind === 'option' && c.label === '2  ÷ √d_k');
  await click(page, tab);
  tab = await control(page, (c) => c.id === tab.id);
  await page.keyboard.press('Tab');  // on from the tab clicked: the next tab
  await frames(page, 2);
  await page.keyboard.press('Shift+Tab');
  await frames(page, 3);
  assert.equal((await state(page)).focus, tab.id, 'the clicked tab has the keyboard focus');
  await page.keyboard.press('ArrowRight');
  await frames(page, 3);
  let st = await state(page);
  assert.equal(st.section, 'attention-steps', '→ did not turn the page');
  assert.equal(st.worked.step, 3, '→ chose the next step');
  await page.keyboard.press('ArrowLeft');
  await frames(page, 3);
  assert.equal((await state(page)).worked.step, 2, '← chose the step before');
  // The slider: Tab to it, then arrows change d_k.
  st = await state(page);
  const slider = st.controls.find((c) => c.kind === 'slider');
  for (let i = 0; i < 60 && (await state(page)).focus !== slider.id; ++i) { await page.keyboard.press('Tab'); await frames(page, 3); }
  st = await state(page);
  assert.equal(st.focus, slider.id, 'Tab reaches the slider');
  assert.equal(st.textInput, false, 'Tab onto the slider does not turn it into a text box');
  const before = Number(slider.value);
  await page.keyboard.press('ArrowRight');
  await frames(page, 3);
  st = await state(page);
  assert.equal(st.section, 'attention-steps');
  assert.ok(Number(st.controls.find((c) => c.kind === 'slider').value) > before, 'd_k went up');
  // With the focus on a button that takes no arrows, → turns the page.
  await page.mouse.click(4, 4);
  await frames(page, 2);
  await page.keyboard.press('ArrowRight');
  await frames(page, 3);
  assert.equal((await state(page)).section, 'attention-explorer');
  assert.deepEqual(errors, []);
  await context.close();
});

test('5. after a mouse click, Tab goes on from the control clicked', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=attention-explorer`);
  await frames(page);
  const controls = (await state(page)).controls;
  const head2 = controls.filter((c) => c.kind === 'option' && c.label === '2')[1];  // Layer 2, then Head 2
  const i = controls.indexOf(head2);
  await click(page, controls[i]);  // Head 2
  await page.keyboard.press('Tab');
  await frames(page, 2);
  assert.equal((await state(page)).focus, controls[i + 1].id, `Tab moved to "${controls[i + 1].label}", the control after Head 2`);
  await page.keyboard.press('Enter');
  await frames(page, 2);
  const st = await state(page);
  assert.equal(st.section, 'attention-explorer', 'Enter did not jump to the intro');
  assert.equal(st.head, 2, 'Enter pressed Head 3');
  assert.deepEqual(errors, []);
  await context.close();
});

test('6. one sentence everywhere: the explorer reached from the encoder block shows it, with "it" selected', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=encoder-block`);
  await frames(page);
  await page.evaluate(() => window.lesson.goTo('attention-explorer'));
  await frames(page, 3);
  let st = await state(page);
  assert.equal(st.controls.find((c) => c.kind === 'field').value, SEED, 'the field shows the sentence the chips show');
  assert.equal(st.tokens[st.selected].text, 'it', '"it" is selected');
  await page.evaluate(() => window.lesson.goTo('text-to-vectors'));
  await frames(page, 3);
  st = await state(page);
  assert.equal(st.controls.find((c) => c.kind === 'field').value, SEED, 'text-to-vectors shows the same sentence');
  assert.deepEqual(errors, []);
  await context.close();
});

test('7. each page turn is a history entry: Back returns to the previous section (embed mode replaces)', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=intro`);
  await frames(page);
  await page.mouse.click(1200, 760);  // an empty spot: the canvas has the keyboard
  for (let i = 0; i < 2; ++i) { await page.keyboard.press('ArrowRight'); await frames(page, 3); }
  assert.equal((await state(page)).section, 'encoder-block');
  await page.goBack();
  await page.waitForFunction(() => window.lesson.state().section === 'text-to-vectors', null, { timeout: 5000 });
  await page.goBack();
  await page.waitForFunction(() => window.lesson.state().section === 'intro', null, { timeout: 5000 });
  await page.goForward();
  await page.waitForFunction(() => window.lesson.state().section === 'text-to-vectors', null, { timeout: 5000 });
  const embedded = await openLesson(browser, `${site.url}?section=intro&embed=1`);
  const length = await embedded.page.evaluate(() => window.history.length);
  await embedded.page.evaluate(() => window.lesson.goTo('check'));
  await frames(embedded.page, 3);
  assert.equal(await embedded.page.evaluate(() => window.history.length), length, 'embed mode adds no history entry');
  await embedded.context.close();
  assert.deepEqual(errors, []);
  await context.close();
});

test('8. the compact contents menu opens below its button and closes once a section is chosen', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=intro`, PHONE);
  const finger = await fingers(page);
  await frames(page);
  const menu = await control(page, (c) => c.kind === 'menu');
  await finger.tap(menu.x + menu.w / 2, menu.y + menu.h / 2);
  await frames(page, 3);
  const links = (await state(page)).controls.filter((c) => c.kind === 'link');
  assert.ok(links.length >= 7);
  assert.ok(links.every((l) => l.y >= menu.y + menu.h), 'the menu lies below its button, not over its label');
  const target = links.find((l) => l.label === 'The encoder block');
  await finger.tap(target.x + target.w / 2, target.y + target.h / 2);
  await frames(page, 3);
  const st = await state(page);
  assert.equal(st.section, 'encoder-block');
  assert.equal(st.controls.filter((c) => c.kind === 'link').length, 0, 'the menu closed');
  await page.screenshot({ path: shotPath('phone-menu-after-choice') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('9. reload and shared links keep the token, layer, head and edited Q/K/V', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=attention-explorer`);
  await frames(page);
  const animal = (await state(page)).tokens.find((t) => t.text === 'animal');
  await page.mouse.click(animal.x + animal.w / 2, animal.y + animal.h / 2);
  await frames(page, 2);
  const controls = (await state(page)).controls;
  await click(page, controls.find((c) => c.kind === 'option' && c.label === '1'));  // Layer 1
  await click(page, controls.filter((c) => c.kind === 'option' && c.label === '3')[0]);  // Head 3 (layers: 1, 2)
  await page.waitForFunction(() => /head=3/.test(window.location.search), null, { timeout: 5000 });
  const url = page.url();
  assert.match(url, /token=2/);
  assert.match(url, /layer=1/);
  const want = await state(page);
  await page.reload();
  await page.evaluate(() => window.lesson.models);  // the explorer's token needs the vocabulary
  await frames(page, 3);
  const got = await state(page);
  assert.deepEqual([got.selected, got.layer, got.head], [want.selected, want.layer, want.head]);
  assert.deepEqual([got.selected, got.layer, got.head], [2, 0, 2]);
  // An edited worked example travels in the link too.
  await page.evaluate(() => window.lesson.goTo('attention-steps'));
  await frames(page, 3);
  const cell = (await state(page)).controls.find((c) => c.kind === 'cell');
  await page.mouse.move(cell.x + cell.w / 2, cell.y + cell.h / 2);
  await page.mouse.down();
  for (let i = 1; i <= 6; ++i) { await page.mouse.move(cell.x + cell.w / 2 + i * 10, cell.y + cell.h / 2); await frames(page, 1); }
  await page.mouse.up();
  await page.waitForFunction(() => /[?&]q=/.test(window.location.search), null, { timeout: 5000 });
  const q = (await state(page)).worked.q;
  assert.notEqual(q[0][0], 0.9, 'the drag changed Q');
  await page.reload();
  await page.evaluate(() => window.lesson.ready);
  await frames(page, 3);
  const after = (await state(page)).worked.q;
  assert.ok(Math.abs(after[0][0] - q[0][0]) < 1e-3, `Q[0][0] ${after[0][0]} kept after reload (${q[0][0]})`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('10. phone: a tap on a Q/K/V cell opens a number input (no stuck tip); the number typed is applied', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=attention-steps`, PHONE);
  const finger = await fingers(page);
  await frames(page);
  let cell = (await state(page)).controls.find((c) => c.kind === 'cell');
  for (let i = 0; i < 20 && cell.y + cell.h > 700; ++i) {
    await finger.drag({ x: 6, y: 600 }, { x: 6, y: 300 }, { steps: 8, stepMs: 20, holdMs: 150 });
    await settled(page);
    cell = (await state(page)).controls.find((c) => c.kind === 'cell');
  }
  await finger.tap(cell.x + cell.w / 2, cell.y + cell.h / 2);
  await page.locator('#text-edit').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#text-edit').getAttribute('inputmode'), 'decimal', 'the phone shows its number keyboard');
  assert.equal(await page.locator('#text-edit').inputValue(), '0.90');
  assert.equal((await state(page)).tooltip, false, 'no mouse tip stays on screen');
  await page.locator('#text-edit').fill('1.5');
  await page.locator('#text-edit').press('Enter');
  await frames(page, 3);
  assert.equal((await state(page)).worked.q[0][0], 1.5);
  // Not a number: refused with a message, the cell keeps its value.
  await finger.tap(cell.x + cell.w / 2, cell.y + cell.h / 2);
  await page.locator('#text-edit').waitFor({ state: 'visible' });
  await page.locator('#text-edit').fill('lots');
  await page.locator('#text-edit').press('Enter');
  await frames(page, 3);
  const st = await state(page);
  assert.equal(st.worked.q[0][0], 1.5);
  assert.match(st.message, /not a number/);
  assert.deepEqual(errors, []);
  await context.close();
});

test('12. keyboard: the first Tab shows the focus ring on the first control; no mouse tip for the keyboard', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=attention-steps`);
  await page.focus('#canvas');
  await page.keyboard.press('Tab');
  await frames(page, 2);
  const st = await state(page);
  assert.equal(st.focus, st.controls[0].id, 'the first Tab focuses the first control, visibly');
  // Tab to a Q/K/V cell: no "Drag, or double-click" tip.
  const cell = st.controls.find((c) => c.kind === 'cell');
  for (let i = 0; i < 60 && (await state(page)).focus !== cell.id; ++i) { await page.keyboard.press('Tab'); await frames(page, 3); }
  assert.equal((await state(page)).focus, cell.id);
  assert.equal((await state(page)).tooltip, false, 'no mouse tip for a keyboard user');
  await page.keyboard.press('ArrowRight');
  await frames(page, 3);
  assert.ok(Math.abs((await state(page)).worked.q[0][0] - 0.95) < 1e-6, '→ nudges the focused cell by 0.05');
  assert.deepEqual(errors, []);
  await context.close();
});

test('14. phone: d_k stays on one line while the slider is dragged; a glossary term tapped twice leaves no tip', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=attention-steps`, PHONE);
  const finger = await fingers(page);
  await frames(page);
  let s = (await state(page)).controls.find((c) => c.kind === 'slider');
  for (let i = 0; i < 30 && !(s.y > 100 && s.y + s.h < 700); ++i) {
    await finger.drag({ x: 6, y: 650 }, { x: 6, y: 350 }, { steps: 8, stepMs: 20, holdMs: 150 });
    await settled(page);
    s = (await state(page)).controls.find((c) => c.kind === 'slider');
  }
  const after0 = (await state(page)).controls;
  const nextAfter = after0[after0.findIndex((c) => c.kind === 'slider') + 1];
  await finger.drag({ x: s.x + 10, y: s.y + s.h / 2 }, { x: s.x + s.w - 10, y: s.y + s.h / 2 }, { steps: 12, stepMs: 30, holdMs: 100 });
  await settled(page);
  const after1 = (await state(page)).controls;
  const nextNow = after1[after1.findIndex((c) => c.kind === 'slider') + 1];
  assert.ok(Math.abs(nextNow.y - nextAfter.y) < 1, 'the layout below the slider did not move');
  await page.evaluate(() => window.lesson.goTo('intro'));
  await frames(page, 3);
  const findTerm = async () => (await state(page)).controls.find((c) => c.kind === 'chip' && c.label === 'attention');
  let term = await findTerm();
  assert.ok(term, 'the glossary chip "attention"');
  for (let i = 0; i < 20 && term.y + term.h > 700; ++i) {
    await finger.drag({ x: 6, y: 600 }, { x: 6, y: 300 }, { steps: 8, stepMs: 20, holdMs: 150 });
    await settled(page);
    term = await findTerm();
  }
  await finger.tap(term.x + term.w / 2, term.y + term.h / 2);
  await frames(page, 3);
  await finger.tap(term.x + term.w / 2, term.y + term.h / 2);
  await frames(page, 3);
  assert.equal((await state(page)).tooltip, false, 'no tip stuck on screen');
  assert.deepEqual(errors, []);
  await context.close();
});
