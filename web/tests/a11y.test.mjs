// Readable by everyone: axe-core on every section, the text mirror against the lesson file, the
// explorer in words, links that reopen a view, CSV and PNG export against the model's own numbers,
// high contrast, reduced motion and the device's pixel ratio.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { chromiumOnly, fingers, frames, launch, openLesson, ROOT, serve, settled, shotPath, sleep } from './harness.mjs';

const SECTIONS = ['intro', 'text-to-vectors', 'encoder-block', 'attention-steps', 'attention-explorer', 'rnn-vs-transformer', 'check'];
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const LESSON = readFileSync(join(ROOT, 'lessons/attention-lesson.md'), 'utf8');

let browser, site;
before(async () => { browser = await launch(); site = await serve(); });
after(async () => { await browser?.close(); await site?.close(); });

const state = (page) => page.evaluate(() => window.lesson.state());
const mirrorText = (page) => page.evaluate(() => document.getElementById('mirror').textContent.replace(/\s+/g, ' '));
const norm = (s) => s.replace(/\*\*|`/g, '').replace(/\s+/g, ' ').trim();

// The headings and paragraphs of a section, read from the lesson file here (not by the lesson's
// parser): "### heading" lines, and runs of plain lines outside ::: blocks, tables and lists.
function sectionText(id) {
  const lines = LESSON.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`## ${id}:`));
  assert.ok(start >= 0, `the lesson file has section ${id}`);
  const out = { title: lines[start].slice(lines[start].indexOf(':') + 1).trim(), headings: [], paragraphs: [] };
  let para = [], fence = false;
  const flush = () => { if (para.length) out.paragraphs.push(norm(para.join(' '))); para = []; };
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('## ')) break;
    if (line.startsWith(':::')) { flush(); fence = !fence && line.trim() !== ':::'; continue; }
    if (fence) continue;
    if (line.startsWith('### ')) { flush(); out.headings.push(norm(line.slice(4))); continue; }
    if (!line.trim() || /^[-|>?]/.test(line)) { flush(); continue; }
    para.push(line.trim());
  }
  flush();
  return out;
}

// Polls the mirror (it follows the lesson a few times a second) until fn(text) holds.
async function mirrorUntil(page, fn, what) {
  let text = '';
  for (let i = 0; i < 60; ++i) {
    text = await mirrorText(page);
    const r = fn(text);
    if (r) return r;
    await sleep(100);
  }
  assert.fail(`the mirror never showed ${what}; it reads: ${text.slice(0, 600)}`);
}

function parseCsv(text) {
  const rows = [];
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; ++i; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\r') { /* CRLF */ } else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

async function pressControl(page, match) {
  const c = (await state(page)).controls.find(match);
  assert.ok(c, 'the control is drawn');
  await page.mouse.click(c.x + c.w / 2, c.y + c.h / 2);
  await frames(page, 3);
  return c;
}

async function scrollTo(page, match) {
  for (let i = 0; i < 30; ++i) {
    const c = (await state(page)).controls.find(match);
    if (c && c.y >= 40 && c.y + c.h <= 760) return c;
    await page.mouse.move(1200, 400);
    await page.mouse.wheel(0, c ? Math.max(-500, Math.min(500, c.y - 300)) : 400);
    await frames(page, 2);
  }
  return (await state(page)).controls.find(match);
}

test('axe-core finds no serious or critical violation on any section, and the mirror holds its headings and paragraphs', async () => {
  for (const id of SECTIONS) {
    const { page, context, errors } = await openLesson(browser, `${site.url}?section=${id}`);
    await frames(page, 3);
    const expected = sectionText(id);
    await mirrorUntil(page, (t) => t.includes(expected.title), `the title of ${id}`);
    const text = await mirrorText(page);
    for (const h of expected.headings) assert.ok(text.includes(h), `${id}: the mirror has the heading "${h}"`);
    for (const p of expected.paragraphs) assert.ok(text.includes(p), `${id}: the mirror has the paragraph "${p.slice(0, 60)}…"`);
    assert.ok(expected.paragraphs.length > 0, `${id} has paragraphs to look for`);
    // Headings are headings, not styled text.
    const headings = await page.evaluate(() => [...document.querySelectorAll('#mirror h1, #mirror h2, #mirror h3')].map((h) => h.textContent));
    for (const h of [expected.title, ...expected.headings]) assert.ok(headings.map(norm).includes(h), `${id}: "${h}" is a heading element`);
    await page.evaluate(AXE);
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`), [], `${id}: no serious or critical violation`);
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('selecting "it" in the explorer by clicking its chip puts a sentence naming "animal" and its weight in the mirror', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=attention-explorer`);
  await frames(page, 3);
  let st = await state(page);
  const it = st.tokens.findIndex((t) => t.text === 'it'), animal = st.tokens.findIndex((t) => t.text === 'animal');
  const chip = (i) => st.tokens[i];
  // Select another word first, so that choosing "it" is a change the page must follow.
  await page.mouse.click(chip(animal).x + chip(animal).w / 2, chip(animal).y + chip(animal).h / 2);
  await frames(page, 3);
  assert.equal((await state(page)).selected, animal);
  await mirrorUntil(page, (t) => t.includes('Selected "animal"'), 'the selection of "animal"');
  st = await state(page);
  await page.mouse.click(chip(it).x + chip(it).w / 2, chip(it).y + chip(it).h / 2);
  await frames(page, 3);
  st = await state(page);
  assert.equal(st.selected, it);
  // The weight, independently: the mean over the last layer's heads of the model's own attention.
  const model = await page.evaluate((s) => window.lesson.model(s), st.text);
  const last = model.attention[model.attention.length - 1];
  const weight = last.reduce((sum, head) => sum + head[it][animal], 0) / last.length;
  assert.ok(Math.abs(weight - st.row[animal]) < 1e-6);
  let sentence = null;
  for (let i = 0; i < 60 && !sentence; ++i) {
    sentence = await page.evaluate(() => [...document.querySelectorAll('#mirror p')].map((p) => p.textContent)
      .find((s) => s.startsWith('Selected "it"') && s.includes('"animal" with weight')));
    if (!sentence) await sleep(100);
  }
  assert.ok(sentence, 'the mirror has a sentence about "it" and "animal"');
  assert.ok(sentence.includes(`"animal" with weight ${weight.toFixed(3)}`), `the sentence gives the weight ${weight.toFixed(3)}: ${sentence}`);
  // The table of weights: one row per token, the weight of "animal" on its row.
  const rows = await page.evaluate(() => [...document.querySelectorAll('#mirror table')].find((t) => t.caption && t.caption.textContent.startsWith('Attention weights of "it"'))
    ?.querySelectorAll('tbody tr').length);
  assert.equal(rows, st.tokens.length);
  // The change was announced once, politely.
  const live = await page.evaluate(async () => {
    for (let i = 0; i < 40 && !document.getElementById('mirror-live').textContent.includes('"it"'); ++i) await new Promise((r) => setTimeout(r, 100));
    return document.getElementById('mirror-live').textContent;
  });
  assert.ok(live.startsWith('Selected "it"'), `announced: ${live}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a copied link reopens the same view: explorer token, layer and head; encoder block and stage; edited Q, K, V', async () => {
  const permissions = ['clipboard-read', 'clipboard-write'];
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=attention-explorer`, { permissions });
  await frames(page, 3);
  const st0 = await state(page);
  const street = st0.tokens.findIndex((t) => t.text === 'street');
  await page.mouse.click(st0.tokens[street].x + 4, st0.tokens[street].y + 4);
  await frames(page, 2);
  await pressControl(page, (c) => c.kind === 'option' && c.label === '1' && c.arrows && c.y < st0.tokens[0].y && c.x < 700);  // Layer 1
  const heads = (await state(page)).controls.filter((c) => c.kind === 'option' && c.label === '3');
  await pressControl(page, (c) => c.id === heads[heads.length - 1].id);  // Head 3
  let st = await state(page);
  assert.deepEqual([st.selected, st.layer, st.head], [street, 0, 2]);
  const copy = await scrollTo(page, (c) => c.label === 'Copy link to this view');
  await page.mouse.click(copy.x + copy.w / 2, copy.y + copy.h / 2);
  await page.waitForFunction(() => window.lesson.state().controls.some((c) => c.label === 'Copy link to this view' && c.value.startsWith('Copied')));
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(link, /token=7/);
  // The encoder block: three blocks, block 2, stepped to the feed-forward network.
  await page.evaluate(() => window.lesson.goTo('encoder-block'));
  await frames(page, 3);
  await pressControl(page, (c) => c.label === '+##more' || (c.kind === 'button' && c.label.startsWith('+')));
  await pressControl(page, (c) => c.kind === 'option' && c.label === '2');
  for (let i = 0; i < 3; ++i) await pressControl(page, (c) => c.label.startsWith('Step'));
  const enc = (await state(page)).encoder;
  assert.deepEqual([enc.n, enc.block, enc.stage, enc.box], [3, 1, 3, 3]);
  const copy2 = await scrollTo(page, (c) => c.label === 'Copy link to this view');
  await page.mouse.click(copy2.x + copy2.w / 2, copy2.y + copy2.h / 2);
  await page.waitForFunction((before) => window.lesson.state().controls.some((c) => c.label === 'Copy link to this view' && c.value.startsWith('Copied')), link);
  let link2 = '';
  for (let i = 0; i < 20 && (!link2 || link2 === link); ++i) { link2 = await page.evaluate(() => navigator.clipboard.readText()); await sleep(100); }
  assert.match(link2, /section=encoder-block/);
  const view = (s) => ({ section: s.section, text: s.text, selected: s.selected, layer: s.layer, head: s.head, row: s.row.map((x) => x.toFixed(6)),
    worked: s.worked, encoder: { n: s.encoder.n, block: s.encoder.block, stage: s.encoder.stage, box: s.encoder.box }, widgets: s.widgets });
  const here = view(await state(page));
  const { page: again, context: c2, errors: e2 } = await openLesson(browser, link2);
  await frames(again, 3);
  assert.deepEqual(view(await state(again)), here, 'the link reopens the encoder view, and the explorer\'s selection with it');
  await c2.close();
  // Edited Q: the worked example's numbers travel in the link too.
  await page.evaluate(() => window.lesson.goTo('attention-steps'));
  await frames(page, 3);
  const cell = (await state(page)).controls.find((c) => c.kind === 'cell');
  await page.mouse.move(cell.x + cell.w / 2, cell.y + cell.h / 2);
  await page.mouse.down();
  for (let i = 1; i <= 5; ++i) { await page.mouse.move(cell.x + cell.w / 2 + i * 8, cell.y + cell.h / 2); await frames(page, 1); }
  await page.mouse.up();
  await frames(page, 2);
  const edited = await state(page);
  assert.notEqual(edited.worked.q[0][0], 0.9, 'the drag edited Q');
  const copy3 = await scrollTo(page, (c) => c.label === 'Copy link to this view');
  await page.mouse.click(copy3.x + copy3.w / 2, copy3.y + copy3.h / 2);
  let link3 = '';
  for (let i = 0; i < 30 && (!link3 || link3 === link2); ++i) { await sleep(100); link3 = await page.evaluate(() => navigator.clipboard.readText()); }
  const { page: third, context: c3 } = await openLesson(browser, link3);
  await frames(third, 3);
  const a = view(await state(page)), b = view(await state(third));
  // Q travels rounded to 3 decimals: the same view up to that rounding.
  for (const m of ['q', 'k', 'v']) for (const [i, r] of a.worked[m].entries()) for (const [j, x] of r.entries()) assert.ok(Math.abs(x - b.worked[m][i][j]) < 6e-4);
  assert.deepEqual({ ...b, worked: null, widgets: null }, { ...a, worked: null, widgets: null });
  await c3.close();
  // And the first link: the explorer on "street", layer 1, head 3.
  const { page: first, context: c4 } = await openLesson(browser, link);
  await frames(first, 3);
  const f = await state(first);
  assert.deepEqual([f.section, f.selected, f.layer, f.head], ['attention-explorer', street, 0, 2]);
  assert.deepEqual(f.row, st.row);
  await c4.close();
  assert.deepEqual([...errors, ...e2], []);
  await context.close();
});

test('export: the CSV of the explorer\'s attention equals lesson.model()\'s numbers; the PNG is drawn at the device\'s pixel ratio', async () => {
  const text = 'The trophy did not fit in the suitcase because it was too big';
  const url = `${site.url}?section=attention-explorer&text=${encodeURIComponent(text)}&layer=1&head=3`;
  const { page, context, errors } = await openLesson(browser, url);
  await frames(page, 3);
  const st = await state(page);
  assert.deepEqual([st.layer, st.head], [0, 2]);
  const model = await page.evaluate((s) => window.lesson.model(s), text);
  const check = (csv, expected) => {
    const rows = parseCsv(csv);
    assert.deepEqual(rows[0].slice(1), model.tokens, 'column labels: the tokens');
    assert.deepEqual(rows.slice(1).map((r) => r[0]), model.tokens, 'row labels: the tokens');
    assert.equal(rows.length, model.tokens.length + 1);
    rows.slice(1).forEach((r, i) => r.slice(1).forEach((x, j) => assert.ok(Math.abs(Number(x) - expected(i, j)) < 1e-6, `(${i}, ${j}): ${x} vs ${expected(i, j)}`)));
  };
  check(await page.evaluate(() => window.lesson.export('explorer-attention')), (i, j) => model.attention[0][2][i][j]);
  // The mean of the heads (head 0 in a link), as the explorer shows by default.
  await page.evaluate(() => window.history.replaceState(null, '', window.location.href));
  const { page: mean, context: c2 } = await openLesson(browser, `${site.url}?section=attention-explorer&text=${encodeURIComponent(text)}&layer=2&head=0`);
  await frames(mean, 3);
  const heads = model.attention[1];
  check(await mean.evaluate(() => window.lesson.export('explorer-attention.csv')), (i, j) => heads.reduce((s, h) => s + h[i][j], 0) / heads.length);
  await c2.close();
  // A label with a comma is quoted: the CSV still parses to the tokens.
  await page.evaluate(() => window.lesson.setText('Yes, it is.'));
  const commas = parseCsv(await page.evaluate(() => window.lesson.export('explorer-attention')));
  assert.ok(commas[0].includes(','), 'the "," token is one quoted field');
  // Every kind exports; an unknown kind is a clear error.
  const kinds = await page.evaluate(() => window.lesson.exports().map((e) => e.kind));
  for (const k of ['explorer-attention', 'worked-q', 'worked-weights', 'worked-output', 'positional-encoding', 'encoder-head-1']) assert.ok(kinds.includes(k), `exports() lists ${k}`);
  const wrong = await page.evaluate(() => { try { window.lesson.export('nothing'); return null; } catch (e) { return e.message; } });
  assert.match(wrong, /there is no matrix "nothing"/);
  // The worked example's weights, against the lesson's worked numbers (softmax of QKᵀ/√3 by hand).
  const q = [[0.9, 0.2, 0.5], [0.3, 0.8, 0.4]], k = [[0.7, 0.4, 0.6], [0.2, 0.9, 0.3]];
  const w = q.map((qi) => { const s = k.map((kj) => qi.reduce((a, x, d) => a + x * kj[d], 0) / Math.sqrt(3)); const e = s.map(Math.exp); const z = e[0] + e[1]; return e.map((x) => x / z); });
  const worked = parseCsv(await page.evaluate(() => window.lesson.export('worked-weights')));
  worked.slice(1).forEach((r, i) => r.slice(1).forEach((x, j) => assert.ok(Math.abs(Number(x) - w[i][j]) < 1e-6)));
  // PNG: the same export is twice as many pixels on a 2× screen.
  const size = async (p) => p.evaluate(async () => {
    const img = new Image();
    img.src = window.lesson.export('positional-encoding', 'png');
    await img.decode();
    return [img.width, img.height];
  });
  const one = await size(page);
  const { page: hi, context: c3 } = await openLesson(browser, `${site.url}?section=text-to-vectors&text=${encodeURIComponent('Yes, it is.')}`, { dpr: 2 });
  const two = await size(hi);
  assert.deepEqual(two, one.map((x) => 2 * x));
  for (const [p, name, kind] of [[hi, 'export-positional-encoding', 'positional-encoding'], [page, 'export-worked-weights', 'worked-weights']]) {
    const b64 = await p.evaluate((k) => window.lesson.export(k, 'png').split(',')[1], kind);
    (await import('node:fs')).writeFileSync(shotPath(name), Buffer.from(b64, 'base64'));
  }
  const exp = await hi.evaluate(async () => { window.lesson.goTo('attention-explorer'); return window.lesson.export('explorer-attention.png').split(',')[1]; });
  (await import('node:fs')).writeFileSync(shotPath('export-explorer-attention'), Buffer.from(exp, 'base64'));
  await c3.close();
  assert.deepEqual(errors, []);
  await context.close();
});

test('quiz answers can be chosen from the mirror with the keyboard, and the mirror then shows itself', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=check`);
  await frames(page, 3);
  await mirrorUntil(page, (t) => t.includes('Check yourself'), 'the check section');
  const radio = page.locator('#mirror input[type=radio]').nth(1);
  const name = await radio.getAttribute('name');
  await radio.focus();
  await page.keyboard.press('Space');
  await page.waitForFunction((quiz) => window.lesson.state().quiz[quiz] === 1, name.slice(5));
  const box = await page.locator('#mirror').boundingBox();
  assert.ok(box.width > 300 && box.height > 100, 'the mirror is visible while it has the focus');
  await mirrorUntil(page, (t) => /Right\.|Not quite\./.test(t), 'the feedback');
  await page.screenshot({ path: shotPath('mirror-quiz-focused') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('keyboard focus on a canvas control is announced with its value, at most about once a second', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=attention-explorer`);
  await frames(page, 3);
  await page.evaluate(() => {
    window.__announced = [];
    window.__times = [];
    new MutationObserver(() => { window.__announced.push(document.getElementById('mirror-live').textContent); window.__times.push(performance.now()); })
      .observe(document.getElementById('mirror-live'), { childList: true, characterData: true, subtree: true });
  });
  await page.locator('#canvas').focus();
  for (let i = 0; i < 8; ++i) { await page.keyboard.press('Tab'); await frames(page, 2); }
  await sleep(1500);
  const st = await state(page);
  const focused = st.controls.find((c) => c.id === st.focus);
  const said = await page.evaluate(() => window.__announced);
  const times = await page.evaluate(() => window.__times);
  assert.ok(said.length >= 1 && said.length < 8, `announcements throttled: ${said.length} for 8 Tabs`);
  for (let i = 1; i < times.length; ++i) assert.ok(times[i] - times[i - 1] >= 850, `announcements ${Math.round(times[i] - times[i - 1])} ms apart`);
  assert.ok(said[said.length - 1].startsWith(focused.label), `the last announcement names the focused control "${focused.label}": ${said[said.length - 1]}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('preferences: high contrast theme, no coasting with reduced motion, fonts follow the pixel ratio', { skip: chromiumOnly('needs CDP (media features and device metrics emulation)') }, async () => {
  // The same flick: the page coasts on without the preference, and stops with the finger with it.
  const flick = async (p) => {
    const f = await fingers(p);
    await f.drag({ x: 10, y: 700 }, { x: 10, y: 300 }, { steps: 6, stepMs: 16, holdMs: 0 });
    await settled(p);
    return (await state(p)).touch;
  };
  const plain = await openLesson(browser, `${site.url}?section=attention-explorer`, { width: 390, height: 844, touch: true });
  await frames(plain.page, 3);
  assert.equal((await state(plain.page)).preferences.highContrast, false);
  const coasted = await flick(plain.page);
  await plain.context.close();
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, reducedMotion: 'reduce', contrast: 'more' });
  const page = await context.newPage();
  await page.goto(`${site.url}?section=attention-explorer`);
  await page.evaluate(() => window.lesson.ready.then(() => true));
  await frames(page, 3);
  const prefs = (await state(page)).preferences;
  assert.equal(prefs.highContrast, true);
  assert.equal(prefs.reducedMotion, true);
  await page.screenshot({ path: shotPath('high-contrast-explorer-phone') });
  const still = await flick(page);
  assert.ok(coasted.flung > 50, `a flick coasts by default (${coasted.flung} px)`);
  assert.equal(still.flung, 0, 'no coasting with reduced motion');
  assert.ok(still.dragged > 100, `the drag itself still scrolls (${still.dragged} px)`);
  await context.close();
  // Forced colours give the high-contrast theme too, light or dark.
  const forced = await browser.newContext({ viewport: { width: 1280, height: 800 }, forcedColors: 'active', colorScheme: 'dark' });
  const fp = await forced.newPage();
  await fp.goto(`${site.url}?section=encoder-block`);
  await fp.evaluate(() => window.lesson.ready.then(() => true));
  await frames(fp, 3);
  const fprefs = (await state(fp)).preferences;
  assert.deepEqual([fprefs.highContrast, fprefs.dark], [true, true]);
  await fp.screenshot({ path: shotPath('high-contrast-encoder-dark') });
  // Browser zoom changes the pixel ratio: the fonts are rebuilt for it, so text stays sharp.
  const cdp = await fp.context().newCDPSession(fp);
  await cdp.send('Emulation.setDeviceMetricsOverride', { width: 640, height: 400, deviceScaleFactor: 2, mobile: false });
  await fp.waitForFunction(() => window.lesson.state().preferences.pixelRatio === 2, null, { timeout: 10000 });
  const canvas = await fp.evaluate(() => [document.getElementById('canvas').width, document.getElementById('canvas').clientWidth]);
  assert.equal(canvas[0], 2 * canvas[1], 'the canvas has a device pixel per device pixel');
  await fp.screenshot({ path: shotPath('zoom-200-encoder') });
  await forced.close();
});
