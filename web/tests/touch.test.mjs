// Phones: a finger scrolls the page, flicks coast and stop, taps still press, and controls that
// drag take the finger. Every gesture is real touch events (DevTools Input.dispatchTouchEvent),
// as a phone delivers them: no mouse wheel, no page.mouse.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fingers, frames, launch, openLesson, serve, settled, shotPath, sleep } from './harness.mjs';

const PHONE = { width: 390, height: 844, dpr: 2, touch: true };
let browser, site;
before(async () => { browser = await launch(); site = await serve(); });
after(async () => { await browser?.close(); await site?.close(); });

const state = (page) => page.evaluate(() => window.lesson.state());

test('phone: a slow finger drag through the text scrolls the page by the distance dragged', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=encoder-block`, PHONE);
  const finger = await fingers(page);
  await frames(page);
  const before = await state(page);
  assert.equal(before.scroll.y, 0);
  assert.ok(before.scroll.max > 1000, `the section is longer than the screen (${before.scroll.max} px to scroll)`);
  await finger.drag({ x: 120, y: 700 }, { x: 120, y: 300 }, { steps: 20, stepMs: 30, holdMs: 250 });
  await settled(page);
  const afterUp = await state(page);
  assert.ok(Math.abs(afterUp.scroll.y - 400) <= 4, `dragged 400 px up, the page scrolled ${afterUp.scroll.y} px`);
  // And back down a little: the page follows the finger both ways.
  await finger.drag({ x: 120, y: 300 }, { x: 120, y: 450 }, { steps: 10, stepMs: 30, holdMs: 250 });
  await settled(page);
  assert.ok(Math.abs((await state(page)).scroll.y - 250) <= 4, 'dragging down scrolls back');
  assert.equal((await state(page)).section, 'encoder-block', 'no control was pressed on the way');
  assert.deepEqual(errors, []);
  await context.close();
});

test('phone: a flick keeps scrolling after the finger lifts, slows down and stops; a touch stops it', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=attention-steps`, PHONE);
  const finger = await fingers(page);
  await frames(page);
  // 600 px in 6 moves 16 ms apart, lifted at once: a flick.
  await finger.drag({ x: 120, y: 760 }, { x: 120, y: 160 }, { steps: 6, stepMs: 16, holdMs: 0 });
  await page.waitForFunction(() => window.lesson.state().touch.mode === 'fling', null, { timeout: 3000 }).catch(() => {});
  await settled(page);
  const st = await state(page);
  assert.ok(st.touch.flung > 200, `the page coasted ${st.touch.flung.toFixed(0)} px after the finger lifted`);
  assert.ok(Math.abs(st.scroll.y - Math.min(st.scroll.max, 600 + st.touch.flung)) <= 6,
    `scroll ${st.scroll.y} = 600 dragged + ${st.touch.flung.toFixed(0)} coasted`);
  const y = st.scroll.y;
  await frames(page, 10);
  assert.equal((await state(page)).scroll.y, y, 'it has stopped');
  console.log(`# a 600 px flick (6 moves of 100 px, 16 ms apart) coasted ${st.touch.flung.toFixed(0)} px: ${y.toFixed(0)} px in all`);

  // Flick again, then put a finger down: the page stops where it is.
  await page.evaluate(() => window.lesson.goTo('attention-steps'));
  await frames(page, 3);
  await finger.drag({ x: 120, y: 760 }, { x: 120, y: 160 }, { steps: 6, stepMs: 16, holdMs: 0 });
  await sleep(60);
  await finger.down(120, 400);
  await frames(page, 2);
  const stopped = (await state(page)).scroll.y;
  await frames(page, 8);
  assert.equal((await state(page)).scroll.y, stopped, 'a finger on a coasting page stops it');
  await finger.up();
  await settled(page);
  assert.deepEqual(errors, []);
  await context.close();
});

// Touch events dispatched on the canvas in one task: the lesson sees them all within one frame.
// (Dispatched by the page itself, so the grouping does not depend on how a driver paces its
// events; plain events carrying the touch lists the lesson reads, as Firefox without a touch
// screen has no Touch constructor.)
async function touchesInOneFrame(page, events) {
  await page.evaluate((evs) => {
    const c = document.getElementById('canvas');
    for (const [type, x, y] of evs) {
      const t = { identifier: 1, target: c, clientX: x, clientY: y, pageX: x, pageY: y, screenX: x, screenY: y };
      const down = type === 'touchend' ? [] : [t];
      const e = new Event(type, { bubbles: true, cancelable: true });
      Object.defineProperties(e, { touches: { value: down }, targetTouches: { value: down }, changedTouches: { value: [t] } });
      c.dispatchEvent(e);
    }
  }, events);
}

test('phone: a finger that moves and lifts within one frame still scrolls the page the whole way it moved', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=encoder-block`, PHONE);
  await frames(page);
  await touchesInOneFrame(page, [['touchstart', 120, 700], ['touchmove', 120, 600]]);
  await frames(page, 3);
  assert.equal((await state(page)).scroll.y, 100, 'the first 100 px scrolled');
  await touchesInOneFrame(page, [['touchmove', 120, 450], ['touchmove', 120, 400], ['touchend', 120, 400]]);
  await settled(page);
  const st = await state(page);
  assert.equal(st.touch.dragged, 300, `the finger moved 300 px in all; the page followed it ${st.touch.dragged} px`);
  assert.ok(Math.abs(st.scroll.y - Math.min(st.scroll.max, 300 + st.touch.flung)) <= 1, `scroll ${st.scroll.y} = 300 dragged + ${st.touch.flung} coasted`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('phone: taps still press: a quiz answer, a token, the Next button at the foot of the page', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=check`, PHONE);
  const finger = await fingers(page);
  await frames(page);
  const answer = (await state(page)).answers.find((a) => a.quiz === 'attention-is' && a.option === 1);
  await finger.tap(answer.x + answer.w / 2, answer.y + answer.h / 2);
  await frames(page, 3);
  assert.equal((await state(page)).quiz['attention-is'], 1, 'the tapped answer is recorded');

  await page.evaluate(() => window.lesson.goTo('attention-explorer'));
  await frames(page, 3);
  await finger.drag({ x: 6, y: 600 }, { x: 6, y: 250 }, { steps: 10, stepMs: 20, holdMs: 150 });  // the words into view
  await settled(page);
  const tok = (await state(page)).tokens.find((t) => t.text === 'animal');
  assert.ok(tok.y > 0 && tok.y + tok.h < 844, 'the word is on screen');
  await finger.tap(tok.x + tok.w / 2, tok.y + tok.h / 2);
  await frames(page, 3);
  assert.equal((await state(page)).selected, 2, 'the tapped token is selected');

  // Swipe to the foot of the encoder block by finger, then tap Next.
  await page.evaluate(() => window.lesson.goTo('encoder-block'));
  await frames(page, 3);
  let st = await state(page);
  for (let i = 0; i < 20 && !(st.next.h > 0 && st.next.y + st.next.h < 844); ++i) {
    await finger.drag({ x: 60, y: 700 }, { x: 60, y: 200 }, { steps: 10, stepMs: 20, holdMs: 150 });
    await settled(page);
    st = await state(page);
  }
  assert.ok(st.next.h > 0 && st.next.y + st.next.h < 844, 'swiping reaches the foot of the page');
  await page.screenshot({ path: shotPath('phone-swiped-to-foot') });
  await finger.tap(st.next.x + st.next.w / 2, st.next.y + st.next.h / 2);
  await frames(page, 3);
  assert.equal((await state(page)).section, 'attention-steps', 'the tap on Next turned the page');
  assert.deepEqual(errors, []);
  await context.close();
});

test('phone: a drag that starts on a button scrolls and does not press it', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=check`, PHONE);
  const finger = await fingers(page);
  await frames(page);
  const answer = (await state(page)).answers.find((a) => a.quiz === 'attention-is' && a.option === 0);
  const y0 = answer.y + answer.h / 2;
  await finger.drag({ x: answer.x + 40, y: y0 }, { x: answer.x + 40, y: y0 - 250 }, { steps: 12, stepMs: 25, holdMs: 200 });
  await settled(page);
  const st = await state(page);
  assert.equal(st.quiz['attention-is'], undefined, 'the answer under the finger was not chosen');
  assert.ok(Math.abs(st.scroll.y - 250) <= 4, `the page scrolled ${st.scroll.y} px`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('phone: a finger on the √d_k slider drags the slider, not the page', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=attention-steps`, PHONE);
  const finger = await fingers(page);
  await frames(page);
  const slider = async () => (await state(page)).controls.find((c) => c.kind === 'slider' && c.label === 'd_k');
  let s = await slider();
  for (let i = 0; i < 30 && !(s && s.y > 100 && s.y + s.h < 700); ++i) {
    await finger.drag({ x: 40, y: 650 }, { x: 40, y: 350 }, { steps: 10, stepMs: 20, holdMs: 150 });
    await settled(page);
    s = await slider();
  }
  assert.ok(s && s.y > 100 && s.y + s.h < 700, 'the slider is on screen');
  const before = await state(page);
  const value = Number(s.value);
  await finger.drag({ x: s.x + s.w * 0.3, y: s.y + s.h / 2 }, { x: s.x + s.w * 0.9, y: s.y + s.h / 2 + 30 }, { steps: 12, stepMs: 25, holdMs: 150 });
  await settled(page);
  const now = await slider();
  assert.ok(Number(now.value) > value, `d_k went up from ${value} to ${now.value}`);
  assert.equal((await state(page)).scroll.y, before.scroll.y, 'the page did not scroll');
  assert.deepEqual(errors, []);
  await context.close();
});

test('phone: the contents menu opens by a tap, and a tap on an entry goes there', async () => {
  const { page, context, errors } = await openLesson(browser, `${site.url}?section=intro`, PHONE);
  const finger = await fingers(page);
  await frames(page);
  const menu = (await state(page)).controls.find((c) => c.kind === 'menu');
  assert.ok(menu, 'the compact contents menu is drawn');
  await finger.tap(menu.x + menu.w / 2, menu.y + menu.h / 2);
  await frames(page, 3);
  const entry = (await state(page)).controls.find((c) => c.kind === 'link' && c.label === 'Check yourself');
  assert.ok(entry, 'the menu lists the sections');
  await finger.tap(entry.x + entry.w / 2, entry.y + entry.h / 2);
  await frames(page, 3);
  assert.equal((await state(page)).section, 'check');
  assert.deepEqual(errors, []);
  await context.close();
});
