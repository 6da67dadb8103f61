// harness.mjs — shared setup of the browser tests: a static server on a free port and
// headless Debian Chromium driven by playwright-core, or with LESSON_BROWSER=firefox Debian's
// Firefox ESR driven by puppeteer-core through WebDriver BiDi (firefox.mjs, under xvfb-run).
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../server.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const WEB_DIR = join(ROOT, 'build/web');
export const SHOTS_DIR = join(ROOT, 'build/screenshots');

// Without the SwiftShader flags the WebGL canvas screenshots black in headless mode; the
// network flags stop Chromium from reaching for services this machine cannot reach.
const CHROMIUM_ARGS = [
  '--no-sandbox', '--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--disable-quic',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
];

// The engine the tests run on: 'chromium' (the default) or 'firefox'.
export const ENGINE = process.env.LESSON_BROWSER === 'firefox' ? 'firefox' : 'chromium';

// A test's `skip` option: false on Chromium, else the reason the test needs Chromium
// (`test(name, { skip: chromiumOnly('needs CDP touch events') }, ...)`).
export const chromiumOnly = (reason) => (ENGINE === 'chromium' ? false : reason);

export async function launch() {
  if (ENGINE === 'firefox') return (await import('./firefox.mjs')).launchFirefox();
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS });
}

export async function serve(options = {}) {
  const server = await startServer({ root: WEB_DIR, port: 0, ...options });
  const { port } = server.address();
  return { server, url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(ok)) };
}

// Opens the lesson and collects every console error and page error while it runs.
// touch: a phone's touch screen (touch events, no mouse hover), driven with `fingers`.
// models: wait for lesson.models too (false: return at lesson.ready, as a learner's page starts).
export async function openLesson(browser, url, { width = 1280, height = 800, dpr = 1, touch = false, permissions, models = true } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: dpr, hasTouch: touch, isMobile: touch, permissions });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(url);
  await page.evaluate(() => window.lesson.ready.then(() => true));
  // The trained models arrive after ready (api.js); the tests use the lesson with them.
  if (models) await page.evaluate(() => window.lesson.models.then(() => true));
  return { page, context, errors };
}

// Chromium's screenshots in build/screenshots/, Firefox's in build/screenshots/firefox/.
export function shotPath(name) {
  const dir = ENGINE === 'chromium' ? SHOTS_DIR : join(SHOTS_DIR, ENGINE);
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}

// Samples the canvas's pixels: a blank canvas (one colour everywhere) is a failure.
// The PNG is decoded in a blank page of the same browser, so the lesson's own CSP is not involved.
export async function canvasStats(page) {
  const png = await page.locator('#canvas').screenshot();
  const scratch = await page.context().newPage();
  try {
    return await scratch.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width; c.height = img.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set();
    let dark = 0;
    for (let i = 0; i < d.length; i += 4 * 97) {
      colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      if (d[i] + d[i + 1] + d[i + 2] < 60) dark++;
    }
    return { width: c.width, height: c.height, distinctColours: colours.size, darkSamples: dark, samples: Math.ceil(d.length / (4 * 97)) };
    }, png.toString('base64'));
  } finally {
    await scratch.close();
  }
}

// CPU time of the frames a section draws in 2.5 s with the pointer over the canvas: the median,
// the 95th percentile and how many frames (for the frame-budget test and scripts/bench).
export async function sectionFrameTimes(page, id) {
  await page.evaluate((s) => window.lesson.goTo(s), id);
  await page.waitForTimeout(300);
  const before = (await page.evaluate(() => window.lesson.frameTimes())).count;
  await page.mouse.move(640, 400);
  await page.waitForTimeout(2500);
  const t = await page.evaluate(() => window.lesson.frameTimes());
  const fresh = t.ms.slice(-Math.min(t.count - before, t.ms.length)).sort((a, b) => a - b);
  const q = (p) => fresh[Math.min(fresh.length - 1, Math.floor(p * fresh.length))];
  return { median: q(0.5), p95: q(0.95), frames: fresh.length };
}

// Waits until the lesson has drawn n more frames (a click is seen on one frame and acted on
// at the next; headless software rendering can be slow, so fixed sleeps are not enough).
export async function frames(page, n = 3) {
  await page.evaluate(async (count) => {
    const start = window.lesson.frameTimes().count;
    while (window.lesson.frameTimes().count < start + count) await new Promise((r) => setTimeout(r, 10));
  }, n);
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A finger on the page, through the DevTools protocol's touch events (what a phone delivers),
// not the mouse wheel or page.mouse. Each event carries the time at which the finger made it, so
// a gesture has the speed it was given even when a slow machine delivers its events late.
// On Firefox: WebDriver BiDi touch actions in real time (firefox.mjs).
export async function fingers(page) {
  if (ENGINE === 'firefox') return (await import('./firefox.mjs')).firefoxFingers(page);
  const cdp = await page.context().newCDPSession(page);
  let clock = 0;  // s since the epoch, as the protocol counts
  const send = (type, points, advanceMs) => {
    clock = advanceMs === undefined ? Date.now() / 1000 : clock + advanceMs / 1000;
    return cdp.send('Input.dispatchTouchEvent', { type, touchPoints: points, timestamp: clock });
  };
  return {
    async down(x, y) { await send('touchStart', [{ x, y, id: 1 }]); },
    async move(x, y, afterMs = 16) { await send('touchMove', [{ x, y, id: 1 }], afterMs); },
    async up(afterMs = 16) { await send('touchEnd', [], afterMs); },
    async tap(x, y) { await send('touchStart', [{ x, y, id: 1 }]); await sleep(60); await send('touchEnd', [], 60); },
    // A drag in `steps` moves `stepMs` apart; `holdMs` still before lifting (0: a flick's release
    // 8 ms after the last move).
    async drag(from, to, { steps = 15, stepMs = 25, holdMs = 200 } = {}) {
      await send('touchStart', [{ x: from.x, y: from.y, id: 1 }]);
      for (let i = 1; i <= steps; ++i) {
        await sleep(stepMs);
        await send('touchMove', [{ x: from.x + ((to.x - from.x) * i) / steps, y: from.y + ((to.y - from.y) * i) / steps, id: 1 }], stepMs);
      }
      await sleep(holdMs || 8);
      await send('touchEnd', [], holdMs || 8);
    },
  };
}

// Waits until no finger scroll or fling is under way.
export async function settled(page) {
  await page.waitForFunction(() => ['idle', 'control'].includes(window.lesson.state().touch.mode), null, { timeout: 15000 });
  await frames(page, 2);
}
