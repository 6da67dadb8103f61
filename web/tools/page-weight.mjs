// page-weight.mjs — what the page really fetches before `lesson.ready`, as headless Chromium
// records it (bytes on the wire per response, headers included, after the server's compression), and what it
// fetches later. A request counts as before ready when the page made it before ready resolved. Used by scripts/size, scripts/bench and the browser tests.
// Usage: node web/tools/page-weight.mjs [--json]   (after ./scripts/build-web)
import { launch, serve } from '../tests/harness.mjs';

// Opens the lesson once in a fresh browser context and returns every response to a request the
// page made before `lesson.ready` resolved, whenever it finished: [{path, wire (bytes
// transferred, headers included), size (decoded), encoding}]. The requests made after it (the
// models, fetched once the first frame is drawn) are in the array's `later` property.
export async function pageWeight({ browser, url, params = '' } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  // When ready resolves, in the page's clock: window.lesson is defined as soon as index.js runs,
  // long before the WebAssembly can have started the lesson.
  await page.addInitScript(() => {
    const watch = setInterval(() => {
      if (!window.lesson) return;
      clearInterval(watch);
      window.lesson.ready.then(() => { window.__readyAt = performance.now(); }, () => {});
    }, 1);
  });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const requests = new Map();
  cdp.on('Network.requestWillBeSent', (e) => {
    if (!requests.has(e.requestId)) requests.set(e.requestId, { url: e.request.url, document: e.type === 'Document', done: false });
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = requests.get(e.requestId);
    if (!r) return;
    const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    r.encoding = headers['content-encoding'] || 'identity';
  });
  cdp.on('Network.dataReceived', (e) => {
    const r = requests.get(e.requestId);
    if (r) r.size = (r.size || 0) + e.dataLength;
  });
  const finish = (e) => {
    const r = requests.get(e.requestId);
    if (!r) return;
    r.wire = e.encodedDataLength || 0;  // headers + body as transferred
    r.done = true;
  };
  cdp.on('Network.loadingFinished', finish);
  cdp.on('Network.loadingFailed', finish);
  await page.goto(url + params);
  await page.evaluate(() => window.lesson.ready.then(() => true));
  // Everything asked for by then, and what came after it, has finished.
  await page.evaluate(() => window.lesson.models.then(() => true, () => true));
  for (let i = 0; i < 100 && [...requests.values()].some((r) => !r.done); i++) await new Promise((ok) => setTimeout(ok, 50));
  const { readyAt, started } = await page.evaluate(() => ({
    readyAt: window.__readyAt,
    started: performance.getEntriesByType('resource').map((e) => [e.name, e.startTime]),
  }));
  const startOf = new Map(started);
  const before = [], later = [];
  for (const r of requests.values()) {
    if (!r.done) continue;
    const path = new URL(r.url).pathname.replace(/^\//, '') || 'index.html';
    const row = { path, wire: r.wire, size: r.size || 0, encoding: r.encoding || 'identity' };
    const at = startOf.get(r.url);
    if (r.document || readyAt === undefined || at === undefined || at < readyAt) before.push(row);
    else later.push(row);
  }
  await context.close();
  const out = before.sort((a, b) => a.path.localeCompare(b.path));
  out.later = later.sort((a, b) => a.path.localeCompare(b.path));
  return out;
}

export function formatWeight(rows, heading = 'file fetched before lesson.ready') {
  const lines = [`${heading.padEnd(34)} ${'size'.padStart(10)} ${'transferred'.padStart(12)}  coding`];
  let wire = 0, size = 0;
  for (const r of rows) {
    lines.push(`${r.path.padEnd(34)} ${String(r.size).padStart(10)} ${String(r.wire).padStart(12)}  ${r.encoding}`);
    wire += r.wire; size += r.size;
  }
  lines.push(`${'total'.padEnd(34)} ${String(size).padStart(10)} ${String(wire).padStart(12)}  (${(wire / 1024).toFixed(0)} KB on the wire)`);
  return { text: lines.join('\n'), wire, size };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const browser = await launch();
  const site = await serve();
  try {
    const rows = await pageWeight({ browser, url: site.url });
    if (process.argv.includes('--json')) console.log(JSON.stringify({ before: rows, later: rows.later }));
    else console.log(`${formatWeight(rows).text}\n\n${formatWeight(rows.later, 'fetched after it (in the background)').text}`);
  } finally {
    await site.close();
    await browser.close();
  }
}
