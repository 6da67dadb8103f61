// Sentence fields type like a web page's (paste, copy, input methods, Esc, Tab), no key press is
// lost however short, and "Copy" buttons put the lesson's numbers on the system clipboard.
// Real input throughout: mouse clicks, keys held as long as a person holds them (or much
// shorter), DevTools IME events, the system clipboard of a context with clipboard permissions.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromiumOnly, frames, launch, openLesson, serve, shotPath, sleep } from './harness.mjs';

const CLIP = { permissions: ['clipboard-read', 'clipboard-write'] };
const SEED = 'The animal did not cross the street because it was too tired';
let browser, site;
before(async () => { browser = await launch(); site = await serve(); });
after(async () => { await browser?.close(); await site?.close(); });

const state = (page) => page.evaluate(() => window.lesson.state());
const clipboard = (page) => page.evaluate(() => navigator.clipboard.readText());
async function clipboardMatching(page, re) {
  for (let i = 0; i < 100; ++i) {
    const text = await clipboard(page);
    if (re.test(text)) return text;
    await sleep(50);
  }
  return clipboard(page);
}

// A mouse click on the section's sentence field opens the page's own input over it.
async function openField(page) {
  await frames(page);
  const f = (await state(page)).textField;
  assert.ok(f.w > 100, 'the sentence field is drawn');
  await page.mouse.click(f.x + f.w / 2, f.y + f.h / 2);
  await page.locator('#text-edit').waitFor({ state: 'visible' });
  await page.waitForFunction(() => document.activeElement?.id === 'text-edit');
  const box = await page.locator('#text-edit').boundingBox();
  assert.ok(Math.abs(box.x - f.x) <= 1 && Math.abs(box.y - f.y) <= 1 && Math.abs(box.width - f.w) <= 1,
    'the input lies exactly over the field');
  return page.locator('#text-edit');
}

async function pressKey(page, key, holdMs = 80) {
  await page.keyboard.down(key);
  await sleep(holdMs);
  await page.keyboard.up(key);
}

test('the field shows the sentence in use; paste from the system clipboard replaces the selection', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=attention-explorer`, CLIP);
  const input = await openField(page);
  assert.equal(await input.inputValue(), SEED, 'the field opens with the sentence the chips show');
  const pasted = 'The dog did not cross the road because it was too tired';
  await page.evaluate((t) => navigator.clipboard.writeText(t), pasted);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+V');
  assert.equal(await input.inputValue(), pasted);
  await page.screenshot({ path: shotPath('input-pasted') });
  await pressKey(page, 'Enter');
  await frames(page);
  const st = await state(page);
  assert.equal(st.text, pasted, 'Enter applied the pasted sentence');
  assert.equal(st.tokens[2].text, 'dog');
  assert.equal(st.editing, false);
  assert.equal(await input.isHidden(), true);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a pasted paragraph: BERT reads its first 510 pieces and the page says how many were dropped; past 64 KB it is refused and nothing is lost', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=text-to-vectors`, CLIP);
  // 700 sentences of four one-piece tokens ("the cat sat ."): 2,800 pieces, 9,100 bytes.
  const paragraph = 'the cat sat. '.repeat(700).trim();
  await openField(page);
  await page.evaluate((t) => navigator.clipboard.writeText(t), paragraph);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+V');
  await pressKey(page, 'Enter');
  await page.waitForFunction((t) => window.lesson.state().text === t, paragraph);
  await page.waitForFunction(() => /the other 2,290 were dropped/.test(document.getElementById('mirror').textContent), null, { timeout: 5000 });
  await page.screenshot({ path: shotPath('input-pasted-paragraph') });
  // 70,000 bytes: the field says so while it is open, and Enter changes nothing.
  await openField(page);
  await page.evaluate(() => navigator.clipboard.writeText('x'.repeat(70000)));
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+V');
  await frames(page, 3);
  await page.screenshot({ path: shotPath('input-pasted-too-long') });
  await pressKey(page, 'Enter');
  await frames(page, 3);
  const st = await state(page);
  assert.equal(st.text, paragraph, 'the sentence in use is kept');
  assert.match(st.message, /70,000 bytes long.*65,536/, 'the learner is told why');
  assert.deepEqual(errors, []);
  await context.close();
});

test('Ctrl+A, Ctrl+C in the field puts the sentence on the system clipboard', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=attention-explorer`, CLIP);
  await page.evaluate(() => navigator.clipboard.writeText('nothing yet'));
  await openField(page);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+C');
  assert.equal(await clipboard(page), SEED);
  assert.deepEqual(errors, []);
  await context.close();
});

test('an input method commits 日本語 into the field (composition, then insertText)', { skip: chromiumOnly('needs CDP (Input.imeSetComposition)') }, async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=text-to-vectors`);
  const input = await openField(page);
  await page.keyboard.press('Control+A');
  const cdp = await context.newCDPSession(page);
  await cdp.send('Input.imeSetComposition', { text: 'にほんご', selectionStart: 4, selectionEnd: 4 });
  await frames(page);
  await cdp.send('Input.insertText', { text: '日本語' });
  assert.equal(await input.inputValue(), '日本語', 'the composition replaced the selected sentence');
  await frames(page, 3);
  await page.screenshot({ path: shotPath('input-ime') });
  await pressKey(page, 'Enter');
  await frames(page);
  assert.equal((await state(page)).text, '日本語');
  const t = await page.evaluate(() => window.lesson.tokenize('日本語'));
  assert.deepEqual(t.tokens, ['日', '本', '語'], 'BERT splits CJK characters');
  assert.deepEqual(errors, []);
  await context.close();
});

test('ten Backspace presses held 5 ms each, 25 ms apart, delete ten characters', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=attention-explorer`);
  const input = await openField(page);
  await page.keyboard.press('End');
  for (let i = 0; i < 10; ++i) {
    await pressKey(page, 'Backspace', 5);
    await sleep(25);
  }
  assert.equal(await input.inputValue(), SEED.slice(0, -10));
  await pressKey(page, 'Enter');
  await frames(page);
  assert.equal((await state(page)).text, SEED.slice(0, -10));
  assert.deepEqual(errors, []);
  await context.close();
});

test('Esc cancels an edit; Tab applies it and moves the keyboard focus on', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=attention-explorer`);
  let input = await openField(page);
  await page.keyboard.type(' and slow');
  await pressKey(page, 'Escape');
  await frames(page);
  assert.equal((await state(page)).text, SEED, 'Esc left the sentence as it was');
  assert.equal(await input.isHidden(), true);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'canvas', 'the keyboard is back on the lesson');

  input = await openField(page);
  await page.keyboard.press('End');
  await page.keyboard.type(' today');
  await pressKey(page, 'Tab');
  await frames(page, 3);
  assert.equal((await state(page)).text, `${SEED} today`, 'Tab applied the sentence');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'canvas');
  assert.deepEqual(errors, []);
  await context.close();
});

test('keys for the canvas are never lost: five → presses held 5 ms, 25 ms apart, turn five pages', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=intro`);
  await page.mouse.click(1200, 760);  // an empty spot: the canvas takes the keyboard
  await frames(page);
  for (let i = 0; i < 5; ++i) {
    await pressKey(page, 'ArrowRight', 5);
    await sleep(25);
  }
  await page.waitForFunction(() => window.lesson.state().section === 'generation', null, { timeout: 5000 })
    .catch(() => {});
  assert.equal((await state(page)).section, 'generation', 'each press turned one page');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a short mouse click (held 5 ms) still presses a control', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=attention-explorer`);
  await frames(page);
  const tok = (await state(page)).tokens.find((t) => t.text === 'street');
  await page.mouse.move(tok.x + tok.w / 2, tok.y + tok.h / 2);
  await page.mouse.down();
  await sleep(5);
  await page.mouse.up();
  await frames(page, 4);
  assert.equal((await state(page)).selected, 7);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Copy buttons put token IDs and the worked example\'s matrices on the system clipboard', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=attention-steps`, CLIP);
  await frames(page);
  const copy = (await state(page)).controls.find((c) => c.label === 'Copy these matrices');
  assert.ok(copy, 'the worked example has a Copy button');
  // Scroll it into view with the wheel (a desktop), then click it.
  let c = copy;
  for (let i = 0; i < 20 && c.y + c.h > 790; ++i) {
    await page.mouse.move(640, 400);
    await page.mouse.wheel(0, 300);
    await frames(page, 2);
    c = (await state(page)).controls.find((x) => x.label === 'Copy these matrices');
  }
  await page.mouse.click(c.x + c.w / 2, c.y + c.h / 2);
  const text = await clipboardMatching(page, /^Q\n/);
  const table = (title) => {
    const lines = text.split('\n');
    const at = lines.indexOf(title);
    assert.ok(at >= 0, `the copy has "${title}"`);
    return lines.slice(at + 2, at + 4).map((l) => l.split('\t'));
  };
  // The lesson's worked example (Thinking / Machines, d_k = 3), to the seed's two decimals.
  assert.deepEqual(table('Q').map((r) => r.slice(1).map(Number)), [[0.9, 0.2, 0.5], [0.3, 0.8, 0.4]]);
  const near = (rows, want) => rows.forEach((r, i) => r.slice(1).forEach((x, j) =>
    assert.ok(Math.abs(Number(x) - want[i][j]) < 0.006, `${x} ≈ ${want[i][j]}`)));
  near(table('Scaled = Scores / sqrt(d_k)'), [[0.58, 0.29], [0.44, 0.52]]);
  near(table('Attention = softmax'), [[0.57, 0.43], [0.48, 0.52]]);
  near(table('Output = Attention x V'), [[0.59, 0.50, 0.50], [0.60, 0.44, 0.56]]);
  assert.equal(table('Attention = softmax')[0][0], 'Thinking');

  await page.evaluate(() => window.lesson.goTo('text-to-vectors'));
  await frames(page, 3);
  const ids = (await state(page)).controls.find((x) => x.label === 'Copy the token IDs');
  await page.mouse.click(ids.x + ids.w / 2, ids.y + ids.h / 2);
  await clipboardMatching(page, /^\d+( \d+)*$/);
  const expected = await page.evaluate((s) => window.lesson.tokenize(s).ids, SEED);
  const copied = (await clipboard(page)).split(' ').map(Number);
  assert.deepEqual(copied, expected, 'the sentence\'s BERT ids, as the tokenizer gives them');
  assert.deepEqual(copied.slice(0, 3), [1996, 4111, 2106], '"the animal did" in bert-base-uncased');
  await frames(page, 2);
  assert.ok((await state(page)).controls.length > 0);
  assert.deepEqual(errors, []);
  await context.close();
});
