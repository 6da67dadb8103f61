// Every control as people use it: on every section, each control that state().controls lists is
// pressed as a person would (the mouse on a desktop, a finger on a phone, the keyboard alone) and
// must do what it promises: change its value, the section, or a selection. No two controls share
// an id, and on a phone each is at least 40 CSS px wide and tall.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fingers, frames, launch, openLesson, serve, settled, sleep } from './harness.mjs';

const SECTIONS = ['intro', 'text-to-vectors', 'encoder-block', 'attention-steps', 'attention-explorer', 'generation', 'rnn-vs-transformer', 'check'];
let browser, site;
before(async () => { browser = await launch(); site = await serve(); });
after(async () => { await browser?.close(); await site?.close(); });

const state = (page) => page.evaluate(() => window.lesson.state());

// What a press may change, without the layout (rectangles move as the page reflows) or timing.
function snapshot(st) {
  const { controls, scroll, touch, tooltip, focus, next, answers, tokens, textField, encoder, training, ...rest } = st;
  return JSON.stringify({
    ...rest,
    values: controls.map((c) => `${c.id}=${c.value}`),
    tokens: tokens.map((t) => t.text),
    encoder: { n: encoder.n, block: encoder.block, stage: encoder.stage },
    training: { running: training.running, finished: training.finished },
  });
}

// Brings control `id` into view (the wheel on a desktop, a finger on a phone); returns it.
async function reveal(page, id, { width, height, finger }) {
  for (let i = 0; i < 40; ++i) {
    const c = (await state(page)).controls.find((x) => x.id === id);
    if (!c) return null;
    if (c.y >= 70 && c.y + c.h <= height - 20) return c;
    const dy = Math.max(-500, Math.min(500, c.y - height / 3));
    if (finger) {
      await finger.drag({ x: 6, y: height / 2 }, { x: 6, y: height / 2 - dy }, { steps: 8, stepMs: 20, holdMs: 120 });
      await settled(page);
    } else {
      await page.mouse.move(width - 40, height / 2);  // over the page, right of its column
      await page.mouse.wheel(0, dy);
      await frames(page, 2);
    }
  }
  return (await state(page)).controls.find((x) => x.id === id) ?? null;
}

// Presses a control as a person would: a click or a tap at its centre; a slider at a point away
// from its grab; a matrix cell dragged sideways by the mouse (a finger's tap opens the number input).
async function press(page, c, finger) {
  const x = c.x + c.w / 2, y = c.y + c.h / 2;
  if (c.kind === 'slider') {
    const to = Number(c.value) > 100 ? c.x + c.w * 0.1 : c.x + c.w * 0.9;
    if (finger) await finger.tap(to, y);
    else await page.mouse.click(to, y);
  } else if (c.kind === 'cell' && !finger) {
    await page.mouse.move(x, y);
    await page.mouse.down();
    for (let i = 1; i <= 5; ++i) { await page.mouse.move(x + i * 8, y); await frames(page, 1); }
    await page.mouse.up();
  } else if (finger) {
    await finger.tap(x, y);
  } else {
    await page.mouse.click(x, y);
  }
  await frames(page, 3);
}

// After a press: close what it opened (the page's input, a menu) and return to `section`.
async function restore(page, section, size, finger = null) {
  const st = await state(page);
  if (st.editing) {
    await page.keyboard.press('Escape');
    await frames(page, 2);
  }
  if (st.controls.some((c) => c.kind === 'menu' && c.value === 'open')) {
    await page.mouse.click(size.width - 4, size.height - 4);  // outside the menu: it closes
    await frames(page, 2);
  }
  await page.evaluate((s) => window.lesson.goTo(s), section);
  await frames(page, 2);
  // Training (or the race) started by a press runs for a while and swaps its button for Stop: press Stop.
  const now = await state(page);
  if (now.training.running || now.generation.training.running || (now.race && now.race.running)) {
    const stop = (await state(page)).controls.find((c) => c.label === 'Stop');
    if (stop) await press(page, await reveal(page, stop.id, { width: size.width, height: size.height, finger }), finger);
  }
}

for (const size of [
  { name: 'desktop, mouse', width: 1280, height: 800, dpr: 1 },
  { name: 'phone, touch', width: 390, height: 844, dpr: 2, touch: true },
]) {
  test(`every control does what it promises (${size.name})`, { timeout: 900000 }, async () => {
    const { page, context, errors } = await openLesson(browser, `${site.url}?section=intro`, size);
    const finger = size.touch ? await fingers(page) : null;
    const counts = [];
    for (const section of SECTIONS) {
      await restore(page, section, size, finger);
      const listed = (await state(page)).controls;
      const ids = listed.map((c) => c.id);
      assert.equal(new Set(ids).size, ids.length, `${section}: no two controls share an id (${ids.length} controls)`);
      let pressed = 0;
      for (const first of listed) {
        if (first.disabled || first.value === 'selected' || first.value === 'current') continue;  // nothing to change
        if (first.kind === 'chip' && first.value === 'the word asked about') continue;
        await restore(page, section, size, finger);
        const c = await reveal(page, first.id, { width: size.width, height: size.height, finger });
        assert.ok(c && c.y >= 0 && c.y + c.h <= size.height, `${section}: "${first.label}" (${first.kind}) can be brought into view`);
        if (size.touch) {
          assert.ok(c.w >= 40 && c.h >= 40, `${section}: "${c.label}" (${c.kind}) is ${c.w.toFixed(0)}×${c.h.toFixed(0)} px, at least 40×40 for a finger`);
        }
        const before = snapshot(await state(page));
        await press(page, c, finger);
        let after = await state(page);
        for (let i = 0; i < 20 && snapshot(after) === before; ++i) { await sleep(50); after = await state(page); }
        assert.notEqual(snapshot(after), before, `${section}: pressing "${c.label}" (${c.kind}) changed nothing`);
        ++pressed;
      }
      counts.push(`${section} ${listed.length} (${pressed} pressed)`);
    }
    console.log(`# controls per section (${size.name}): ${counts.join(', ')}`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('keyboard only: Tab walks every control of each section, and Enter, Space or an arrow operates each', { timeout: 900000 }, async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=intro`);
  const counts = [];
  for (const section of SECTIONS) {
    await page.evaluate((s) => window.lesson.goTo(s), section);
    await page.focus('#canvas');
    await frames(page, 2);
    const listed = (await state(page)).controls;
    // Tab from the top of the page until the focus comes back round.
    const order = [];
    for (let i = 0; i < listed.length + 5; ++i) {
      await page.keyboard.press('Tab');
      await frames(page, 3);  // the focus moves a frame after the key is read
      const st = await state(page);
      if (st.editing) {  // Tab onto a sentence field opens it; Tab again goes on
        order.push(st.controls.find((c) => c.kind === 'field')?.id);
        continue;
      }
      if (order.includes(st.focus)) break;
      assert.ok(st.focus, `${section}: after ${i + 1} Tab presses a control has the keyboard focus`);
      order.push(st.focus);
    }
    const now = (await state(page)).controls.map((c) => c.id);
    const missing = now.filter((id) => !order.includes(id));
    assert.deepEqual(missing.map((id) => (now.length ? (listed.find((c) => c.id === id) || {}).label : id)), [],
      `${section}: every listed control is reached by Tab`);
    counts.push(`${section} ${order.length}`);
  }
  console.log(`# Tab stops per section: ${counts.join(', ')}`);

  // Operate each control of the explorer and the worked example from the keyboard.
  for (const section of ['attention-steps', 'encoder-block']) {  // cells, a slider, choice groups, steppers, a diagram
    await page.evaluate((s) => window.lesson.goTo(s), section);
    await frames(page, 2);
    const listed = (await state(page)).controls.filter((c) => !c.disabled && c.kind !== 'field' && c.value !== 'selected' && c.value !== 'current');
    for (const target of listed) {
      await page.evaluate((s) => window.lesson.goTo(s), section);
      await page.focus('#canvas');
      await frames(page, 2);
      await page.mouse.click(4, 4);  // no control: the next Tab starts from the top
      await frames(page, 2);
      let st = await state(page);
      for (let i = 0; i < 80 && st.focus !== target.id; ++i) {
        await page.keyboard.press('Tab');
        await frames(page, 3);
        st = await state(page);
        if (st.editing) { await page.keyboard.press('Tab'); await frames(page, 3); st = await state(page); }
      }
      if (st.section !== section) continue;  // Tab went through a control that left the section
      assert.equal(st.focus, target.id, `${section}: Tab reaches "${target.label}"`);
      const before = snapshot(st);
      await page.keyboard.press(target.arrows ? 'ArrowRight' : target.kind === 'checkbox' ? 'Space' : 'Enter');
      await frames(page, 3);
      let after = await state(page);
      if (snapshot(after) === before && target.arrows) {
        await page.keyboard.press('ArrowLeft');
        await frames(page, 3);
        after = await state(page);
      }
      assert.notEqual(snapshot(after), before, `${section}: the keyboard operated "${target.label}" (${target.kind})`);
    }
  }
  assert.deepEqual(errors, []);
  await context.close();
});
