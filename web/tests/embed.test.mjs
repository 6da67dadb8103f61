// Course sites: iframe embedding, postMessage both ways, strict CSP, sandboxed iframes,
// hostile URL parameters.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { canvasStats, launch, openLesson, serve, shotPath } from './harness.mjs';

let browser, site, strict;
before(async () => { browser = await launch(); site = await serve(); strict = await serve({ csp: true }); });
after(async () => { await browser?.close(); await site?.close(); await strict?.close(); });

async function messagesOf(page) {
  return page.evaluate(() => window.__messages.slice());
}

async function openCoursePage(url) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript(() => {
    window.__messages = [];
    window.addEventListener('message', (e) => {
      if (e.data && e.data.source === 'attention-lesson') window.__messages.push(e.data);
    });
  });
  await page.goto(url);
  return { context, page, errors };
}

async function waitFor(page, predicate, what, ms = 20000) {
  const start = Date.now();
  for (;;) {
    const msgs = await messagesOf(page);
    if (predicate(msgs)) return msgs;
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(msgs)}`);
    await page.waitForTimeout(100);
  }
}

test('the embed example receives ready and section, and its buttons drive the framed lesson', async () => {
  const { context, page, errors } = await openCoursePage(site.url + 'embed-example.html');
  await waitFor(page, (m) => m.filter((x) => x.type === 'ready').length === 2, 'two ready events');
  const sections = (await messagesOf(page)).filter((x) => x.type === 'section').map((x) => x.id);
  assert.ok(sections.includes('attention-steps') && sections.includes('attention-explorer'), `sections: ${sections}`);
  const frame = page.frame({ url: /section=attention-explorer/ });
  await page.click('#go-vectors');
  await waitFor(page, (m) => m.some((x) => x.type === 'section' && x.id === 'text-to-vectors'), 'goto to text-to-vectors');
  assert.equal((await frame.evaluate(() => window.lesson.state())).section, 'text-to-vectors');
  await page.click('#set-wide');
  await page.waitForTimeout(300);
  assert.equal((await frame.evaluate(() => window.lesson.state())).text, 'The animal did not cross the street because it was too wide');
  await page.screenshot({ path: shotPath('embed-example'), fullPage: true });

  // Malformed and foreign messages change nothing.
  const before = await frame.evaluate(() => window.lesson.state());
  await page.evaluate(() => {
    const w = document.getElementById('explorer').contentWindow;
    for (const m of [null, 42, 'goto', [1, 2], { type: 'goto' }, { type: 'goto', section: 42 }, { type: 'goto', section: 'nowhere' },
      { type: 'setText', text: { toString: 'x' } }, { type: 'setText', text: 'y'.repeat(100000) },
      { type: 'eval', code: 'document.body.innerHTML = "pwned"' }, { type: '__proto__' }]) w.postMessage(m, '*');
  });
  await page.waitForTimeout(400);
  const afterState = await frame.evaluate(() => window.lesson.state());
  assert.equal(afterState.section, before.section);
  assert.equal(afterState.text, before.text);
  assert.equal(await frame.evaluate(() => document.body.textContent.includes('pwned')), false);
  assert.deepEqual(errors, []);
  await context.close();
});

test('a message from a window other than the parent is ignored', async () => {
  const { page, context } = await openLesson(browser, site.url + '?section=intro');
  // Not framed: the lesson listens to its parent only, and here it has none.
  await page.evaluate(() => window.postMessage({ type: 'goto', section: 'check' }, '*'));
  await page.waitForTimeout(200);
  assert.equal((await page.evaluate(() => window.lesson.state())).section, 'intro');
  await context.close();
});

test('the lesson loads under a strict Content-Security-Policy with no violation', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const response = await page.goto(strict.url + '?section=attention-steps');
  assert.match(response.headers()['content-security-policy'], /script-src 'self' 'wasm-unsafe-eval'/);
  await page.evaluate(() => window.lesson.ready);
  await page.waitForTimeout(200);
  assert.deepEqual(await page.evaluate(() => window.__violations), []);
  assert.deepEqual(problems, []);
  assert.ok((await canvasStats(page)).distinctColours > 20);
  await context.close();
});

test('the lesson works inside a sandboxed iframe (allow-scripts only, no localStorage)', async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.addInitScript(() => {
    window.__messages = [];
    window.addEventListener('message', (e) => { if (e.data && e.data.source === 'attention-lesson') window.__messages.push(e.data); });
  });
  // The course page lives on another origin (another port) and frames the lesson sandboxed.
  const host = await serve({ pages: { '/course.html': `<!doctype html><title>course</title><iframe id="f" sandbox="allow-scripts" width="900" height="700" src="${site.url}?section=attention-explorer&embed=1"></iframe>` } });
  await page.goto(host.url + 'course.html');
  await waitFor(page, (m) => m.some((x) => x.type === 'ready'), 'ready from the sandboxed lesson');
  await page.evaluate(() => document.getElementById('f').contentWindow.postMessage({ type: 'goto', section: 'check' }, '*'));
  await waitFor(page, (m) => m.some((x) => x.type === 'section' && x.id === 'check'), 'section change inside the sandbox');
  await page.screenshot({ path: shotPath('sandboxed-iframe') });
  assert.deepEqual(errors, []);
  await context.close();
  await host.close();
});

test('?section=attention-steps&embed=1 opens that section alone, without page chrome', async () => {
  const { page, context, errors } = await openLesson(browser, site.url + '?section=attention-steps&embed=1', { width: 900, height: 700 });
  const st = await page.evaluate(() => window.lesson.state());
  assert.equal(st.section, 'attention-steps');
  assert.equal(st.embed, true);
  assert.equal(await page.locator('#open-full').isVisible(), true);
  await page.screenshot({ path: shotPath('embed-attention-steps') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('hostile or broken text parameters are handled with a message and the lesson keeps working', async () => {
  const cases = [
    { q: 'text=' + encodeURIComponent('<script>alert(1)</script><img src=x onerror=alert(2)>'), expectText: '<script>alert(1)</script><img src=x onerror=alert(2)>', message: null },
    { q: 'text=' + 'a'.repeat(100000), expectText: 'The animal did not cross the street because it was too tired', message: /100,000 bytes/ },
    { q: 'text=%E0%A4%A&section=attention-explorer', expectText: null, message: /could not be read/ },
    { q: 'section=%3Cimg%20src%3Dx%3E&theme=%22%3E%3Cscript%3E', expectText: 'The animal did not cross the street because it was too tired', message: /does not exist/ },
  ];
  for (const c of cases) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = [];
    let dialogs = 0;
    page.on('dialog', (d) => { dialogs++; d.dismiss(); });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(site.url + '?' + c.q);
    await page.evaluate(() => window.lesson.ready);
    await page.waitForTimeout(150);
    const st = await page.evaluate(() => window.lesson.state());
    if (c.expectText !== null) assert.equal(st.text, c.expectText);
    if (c.message) assert.match(st.message, c.message, 'the learner is told what happened');
    else assert.equal(st.message, '');
    assert.equal(dialogs, 0, 'nothing received is executed');
    assert.equal(await page.evaluate(() => document.querySelectorAll('img, script:not([src])').length), 0);
    assert.ok((await canvasStats(page)).distinctColours > 20, 'the lesson still draws');
    assert.deepEqual(errors, []);
    await context.close();
  }
});

test('losing the WebGL context stops drawing, and restoring it brings the lesson back', async () => {
  const { page, context, errors } = await openLesson(browser, site.url + '?section=attention-steps');
  const ok = await page.evaluate(async () => {
    const gl = document.getElementById('canvas').getContext('webgl2');
    const ext = gl && gl.getExtension('WEBGL_lose_context');
    if (!ext) return 'no WEBGL_lose_context';
    ext.loseContext();
    await new Promise((r) => setTimeout(r, 300));
    ext.restoreContext();
    await new Promise((r) => setTimeout(r, 600));
    return 'ok';
  });
  assert.equal(ok, 'ok');
  assert.ok((await canvasStats(page)).distinctColours > 20, 'the lesson draws again after the restore');
  assert.equal(await page.evaluate(() => window.lesson.goTo('check')), true);
  await page.screenshot({ path: shotPath('after-context-restore') });
  assert.deepEqual(errors, []);
  await context.close();
});

test('without WebGL2, or when the WebAssembly or the lesson\'s script cannot load, the page says so instead of staying blank', async () => {
  // no-webgl2-api: a browser without WebGL2 (told before anything downloads); no-webgl2: one
  // where WebGL2 exists but no context can be made (told when the lesson asks for its own).
  for (const mode of ['no-webgl2-api', 'no-webgl2', 'no-wasm', 'no-script']) {
    const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
    const page = await context.newPage();
    if (mode === 'no-webgl2-api') {
      await page.addInitScript(() => { delete window.WebGL2RenderingContext; });
    } else if (mode === 'no-webgl2') {
      await page.addInitScript(() => {
        const original = HTMLCanvasElement.prototype.getContext;
        HTMLCanvasElement.prototype.getContext = function (type, ...rest) {
          return type === 'webgl2' ? null : original.call(this, type, ...rest);
        };
      });
    } else if (mode === 'no-wasm') {
      await page.route('**/index.wasm', (route) => route.fulfill({ status: 404, body: 'gone' }));
    } else {
      await page.route('**/index.js', (route) => route.fulfill({ status: 404, body: 'gone' }));
    }
    await page.goto(site.url);
    await page.locator('#failure').waitFor({ state: 'visible', timeout: 15000 });
    const text = await page.locator('#failure-text').textContent();
    assert.match(text, { 'no-wasm': /WebAssembly could not be loaded/, 'no-script': /lesson's script .*could not be loaded/ }[mode] || /WebGL2/);
    if (mode === 'no-script') {
      assert.match(await page.evaluate(() => window.lesson.ready.then(() => 'ready', (e) => e.message)), /could not be loaded/);
    }
    assert.equal(await page.locator('#loading').isHidden(), true);
    await page.screenshot({ path: shotPath(`failure-${mode}`) });
    await context.close();
  }
});
