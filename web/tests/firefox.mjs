// firefox.mjs — Firefox for the browser tests: Debian's firefox-esr driven through WebDriver BiDi
// by puppeteer-core, behind the small part of Playwright's API the tests use (contexts, pages,
// locators, mouse, keyboard, routes), so one test file runs unchanged on Chromium and Firefox.
// Touch is BiDi's touch pointer (`firefoxFingers`). What needs the DevTools protocol (input-method
// composition, media and device-metrics emulation) throws an error that names it, and
// harness.mjs's `chromiumOnly` skips those tests on Firefox with the reason.
import puppeteer from 'puppeteer-core';

export const FIREFOX = process.env.FIREFOX || '/usr/bin/firefox-esr';

// Firefox's own network chatter (updates, telemetry, safe browsing, captive portal checks) is
// off: this machine may not reach those services and the tests must not wait for them.
const PREFS = {
  'app.update.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  // Reading the clipboard shows no "Paste" prompt, which nobody would answer (Firefox asks when
  // the text was written by another page or context): what a clipboard-read grant is on Chromium.
  'dom.events.testing.asyncClipboard': true,
};

const CLIPBOARD_PERMISSIONS = ['clipboard-read', 'clipboard-write'];

// Playwright's glob ('**/models/coref.bin', '**/data/fonts/**') as a regular expression.
function globToRegExp(glob) {
  let re = '';
  for (let i = 0; i < glob.length; ++i) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') { re += '.*'; ++i; }
    else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '.';
    else re += c.replace(/[.+^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
const matches = (pattern, url) => (pattern instanceof RegExp ? pattern.test(url)
  : typeof pattern === 'function' ? pattern(new URL(url)) : globToRegExp(pattern).test(url));

// Playwright writes chords as 'Shift+Tab', 'Control+A'; a lone '+' is the key itself. Its key
// names are KeyboardEvent.key values but for 'Space', which WebDriver BiDi spells ' '.
const chord = (key) => (key.length > 1 && key.includes('+') ? key.split('+') : [key]).map((k) => (k === 'Space' ? ' ' : k));

class Keyboard {
  constructor(pp) { this.pp = pp; }
  async press(key, { delay } = {}) {
    const keys = chord(key);
    for (const k of keys.slice(0, -1)) await this.pp.down(k);
    await this.pp.press(keys[keys.length - 1], { delay });
    for (const k of keys.slice(0, -1).reverse()) await this.pp.up(k);
  }
  down(key) { return this.pp.down(chord(key)[0]); }
  up(key) { return this.pp.up(chord(key)[0]); }
  type(text, { delay } = {}) { return this.pp.type(text, { delay }); }
  insertText(text) { return this.pp.sendCharacter(text); }
}

class Mouse {
  constructor(pp) { this.pp = pp; }
  move(x, y, options) { return this.pp.move(x, y, options); }
  down(options) { return this.pp.down(options); }
  up(options) { return this.pp.up(options); }
  click(x, y, { clickCount, ...options } = {}) { return this.pp.click(x, y, { ...options, count: clickCount ?? 1 }); }
  dblclick(x, y, options) { return this.click(x, y, { ...options, clickCount: 2 }); }
  wheel(deltaX, deltaY) { return this.pp.wheel({ deltaX, deltaY }); }
}

// A locator: looked up again at every call, as Playwright's are.
class Locator {
  constructor(page, root, selector, index = 0) { this.page = page; this.root = root; this.selector = selector; this.index = index; }
  nth(i) { return new Locator(this.page, this.root, this.selector, i); }
  first() { return this.nth(0); }
  async handle() {
    const frame = await this.root();
    const all = await frame.$$(this.selector);
    return all[this.index] ?? null;
  }
  async must() {
    const h = await this.handle();
    if (!h) throw new Error(`no element matches ${this.selector}`);
    return h;
  }
  async visible() {
    const h = await this.handle();
    if (!h) return false;
    return h.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return getComputedStyle(el).visibility !== 'hidden' && r.width > 0 && r.height > 0;
    });
  }
  isVisible() { return this.visible(); }
  async isHidden() { return !(await this.visible()); }
  async waitFor({ state = 'visible', timeout = 30000 } = {}) {
    const end = Date.now() + timeout;
    for (;;) {
      const h = await this.handle();
      const ok = state === 'attached' ? !!h : state === 'detached' ? !h
        : state === 'hidden' ? !(await this.visible()) : await this.visible();
      if (ok) return;
      if (Date.now() > end) throw new Error(`${this.selector} did not become ${state} in ${timeout} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  async textContent() { return (await this.must()).evaluate((el) => el.textContent); }
  async getAttribute(name) { return (await this.must()).evaluate((el, n) => el.getAttribute(n), name); }
  async inputValue() { return (await this.must()).evaluate((el) => el.value); }
  async boundingBox() { const h = await this.handle(); return h ? h.boundingBox() : null; }
  async focus() { await (await this.must()).focus(); }
  async screenshot(options = {}) {
    await this.waitFor();
    return Buffer.from(await (await this.must()).screenshot(options));
  }
  async click({ position, button, clickCount } = {}) {
    await this.waitFor();
    const box = await this.boundingBox();
    const at = position ?? { x: box.width / 2, y: box.height / 2 };
    await this.page.mouse.click(box.x + at.x, box.y + at.y, { button, clickCount });
  }
  // As Playwright's fill: focus, select everything, and replace it with the text in one edit
  // (one `input` event, as an input method's commit or a paste gives).
  async fill(value) {
    await this.waitFor();
    const h = await this.must();
    await h.focus();
    await h.evaluate((el, v) => {
      el.select?.();
      el.value = v;
      el.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertReplacementText', data: v }));
    }, value);
  }
  async press(key) {
    await (await this.must()).focus();
    await this.page.keyboard.press(key);
  }
}

// Firefox rejects a clipboard read that a clipboard write overtook ("Clipboard read operation is
// not allowed."), where Chromium reads the newer text: a test polling the clipboard while the
// lesson copies reads again. Any other error is the test's.
async function evaluate(target, fn, arg) {
  for (let attempt = 1; ; ++attempt) {
    try {
      return await target.evaluate(fn, arg);
    } catch (e) {
      if (attempt >= 5 || !/Clipboard read operation is not allowed/.test(String(e?.message))) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

class Frame {
  constructor(pp) { this.pp = pp; }
  url() { return this.pp.url(); }
  name() { return this.pp.name(); }
  evaluate(fn, arg) { return evaluate(this.pp, fn, arg); }
  waitForFunction(fn, arg, { timeout } = {}) { return this.pp.waitForFunction(fn, { timeout, polling: 50 }, arg); }
  locator(selector) { return new Locator(null, async () => this.pp, selector); }
}

class Page {
  constructor(context, pp, viewport) {
    this.ctx = context;
    this.pp = pp;
    this.viewport = viewport;
    this.keyboard = new Keyboard(pp.keyboard);
    this.mouse = new Mouse(pp.mouse);
    this.touchscreen = pp.touchscreen;
    this.routes = [];
    this.intercepting = false;
  }
  static async open(context, pp, { viewport, deviceScaleFactor, hasTouch, isMobile }) {
    const page = new Page(context, pp, viewport);
    page.emulation = { deviceScaleFactor: deviceScaleFactor ?? 1, hasTouch: !!hasTouch, isMobile: !!isMobile };
    if (viewport) await pp.setViewport({ ...viewport, ...page.emulation });
    for (const r of context.routes) await page.route(r.pattern, r.handler);
    return page;
  }
  context() { return this.ctx; }
  on(event, handler) {
    if (event === 'console') this.pp.on('console', handler);
    else if (event === 'pageerror') this.pp.on('pageerror', handler);
    else this.pp.on(event, handler);
    return this;
  }
  url() { return this.pp.url(); }
  goto(url, options) { return this.pp.goto(url, options); }
  reload(options) { return this.pp.reload(options); }
  goBack(options) { return this.pp.goBack(options); }
  goForward(options) { return this.pp.goForward(options); }
  close() { return this.pp.close(); }
  evaluate(fn, arg) { return evaluate(this.pp, fn, arg); }
  addInitScript(fn, arg) { return this.pp.evaluateOnNewDocument(fn, arg); }
  waitForTimeout(ms) { return new Promise((r) => setTimeout(r, ms)); }
  waitForFunction(fn, arg, { timeout } = {}) { return this.pp.waitForFunction(fn, { timeout, polling: 50 }, arg); }
  async screenshot(options = {}) { return Buffer.from(await this.pp.screenshot(options)); }
  focus(selector) { return this.pp.focus(selector); }
  click(selector) { return this.locator(selector).click(); }
  locator(selector) { return new Locator(this, async () => this.pp.mainFrame(), selector); }
  frameLocator(selector) {
    return { locator: (inner) => new Locator(this, async () => (await this.pp.$(selector)).contentFrame(), inner) };
  }
  frames() { return this.pp.frames().map((f) => new Frame(f)); }
  frame({ url, name } = {}) {
    return this.frames().find((f) => (url === undefined || matches(url, f.url())) && (name === undefined || f.name() === name)) ?? null;
  }
  viewportSize() { return this.viewport ? { ...this.viewport } : null; }
  async setViewportSize(size) {
    this.viewport = { width: size.width, height: size.height };
    await this.pp.setViewport({ ...this.viewport, ...this.emulation });
  }
  // Playwright's page.route: the first matching handler answers; other requests go on.
  async route(pattern, handler) {
    this.routes.push({ pattern, handler });
    if (this.intercepting) return;
    this.intercepting = true;
    await this.pp.setRequestInterception(true);
    this.pp.on('request', (request) => {
      const r = this.routes.find((x) => matches(x.pattern, request.url()));
      if (!r) { request.continue().catch(() => {}); return; }
      r.handler({
        request: () => ({ url: () => request.url() }),
        fulfill: ({ status = 200, body = '', contentType, headers } = {}) => request.respond({ status, body, contentType, headers }),
        abort: () => request.abort(),
        continue: () => request.continue(),
      });
    });
  }
}

class Context {
  constructor(browser, pp, options) { this.browser = browser; this.pp = pp; this.options = options; this.routes = []; this.pages = []; }
  async newPage() {
    const { viewport = { width: 1280, height: 720 }, deviceScaleFactor, hasTouch, isMobile, permissions } = this.options;
    // Firefox has no clipboard permissions to grant: a page writes in a user gesture (the test's
    // clicks and evaluate calls are ones), and reads without a prompt by the pref above.
    const other = (permissions ?? []).filter((p) => !CLIPBOARD_PERMISSIONS.includes(p));
    if (other.length) throw new Error(`permissions ${other.join(', ')}: not granted on Firefox here`);
    const media = ['reducedMotion', 'contrast', 'forcedColors', 'colorScheme'].filter((k) => this.options[k] !== undefined);
    if (media.length) throw new Error(`${media.join(', ')}: media emulation needs the DevTools protocol (Chromium only)`);
    const page = await Page.open(this, await this.pp.newPage(), { viewport, deviceScaleFactor, hasTouch, isMobile });
    this.pages.push(page);
    return page;
  }
  async route(pattern, handler) {
    this.routes.push({ pattern, handler });
    for (const p of this.pages) await p.route(pattern, handler);
  }
  async newCDPSession() { throw new Error('the DevTools protocol: Chromium only'); }
  close() { return this.pp.close(); }
}

class Browser {
  constructor(pp) { this.pp = pp; }
  async newContext(options = {}) { return new Context(this, await this.pp.createBrowserContext(), options); }
  async newPage(options) { return (await this.newContext(options)).newPage(); }
  version() { return this.pp.version(); }
  close() { return this.pp.close(); }
}

// Headful: headless Firefox has no WebGL here, so it draws into the X server of `xvfb-run -a`.
export async function launchFirefox() {
  if (!process.env.DISPLAY) {
    throw new Error('Firefox needs an X display for WebGL: run the tests under `xvfb-run -a`');
  }
  const pp = await puppeteer.launch({
    browser: 'firefox', executablePath: FIREFOX, headless: false, protocol: 'webDriverBiDi',
    extraPrefsFirefox: PREFS, args: ['--no-remote'],
    protocolTimeout: 90000,  // a call that hangs fails its test in 90 s, not 180
  });
  return new Browser(pp);
}

// harness.mjs's `fingers` on Firefox: a touch pointer through WebDriver BiDi's input actions
// (Firefox dispatches touch events, with touch emulated on the page by `hasTouch`). BiDi has no
// event timestamps to set, so a gesture takes its real time: each step is a pointer move that
// lasts `afterMs`, and a whole drag is one action sequence Firefox plays out at its own pace.
export function firefoxFingers(page) {
  const context = page.pp.mainFrame().browsingContext;
  const finger = (actions) => context.performActions([
    { type: 'pointer', id: 'lesson-finger', parameters: { pointerType: 'touch' }, actions },
  ]);
  const at = (x, y, duration = 0) => ({ type: 'pointerMove', x: Math.round(x), y: Math.round(y), duration, width: 1, height: 1, pressure: 0.5 });
  return {
    async down(x, y) { await finger([at(x, y), { type: 'pointerDown', button: 0 }]); },
    async move(x, y, afterMs = 16) { await finger([at(x, y, afterMs)]); },
    async up(afterMs = 16) { await finger([{ type: 'pause', duration: afterMs }, { type: 'pointerUp', button: 0 }]); },
    async tap(x, y) { await finger([at(x, y), { type: 'pointerDown', button: 0 }, { type: 'pause', duration: 60 }, { type: 'pointerUp', button: 0 }]); },
    async drag(from, to, { steps = 15, stepMs = 25, holdMs = 200 } = {}) {
      const actions = [at(from.x, from.y), { type: 'pointerDown', button: 0 }];
      for (let i = 1; i <= steps; ++i) {
        actions.push(at(from.x + ((to.x - from.x) * i) / steps, from.y + ((to.y - from.y) * i) / steps, stepMs));
      }
      actions.push({ type: 'pause', duration: holdMs || 8 }, { type: 'pointerUp', button: 0 });
      await finger(actions);
    },
  };
}
