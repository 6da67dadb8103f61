// page-weight.mjs — what the page really fetches before `lesson.ready`, as headless Chromium
// records it (bytes on the wire per response, headers included, after the server's compression), and what it
// fetches later. Used by scripts/size, scripts/bench and the browser tests.
// Usage: node web/tools/page-weight.mjs [--json]   (after ./scripts/build-web)
import { launch, serve } from '../tests/harness.mjs';

// Opens the lesson once in a fresh browser context and returns every response finished before
// `lesson.ready` resolved: [{path, bytes (transferred body), size (decoded), encoding}].
export async function pageWeight({ browser, url, params = '' } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const requests = new Map();
  let ready = false;
  const before = [];
  cdp.on('Network.responseReceived', (e) => {
    const headers = Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v]));
    requests.set(e.requestId, { url: e.response.url, encoding: headers['content-encoding'] || 'identity' });
  });
  cdp.on('Network.dataReceived', (e) => {
    const r = requests.get(e.requestId);
    if (r) r.size = (r.size || 0) + e.dataLength;
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = requests.get(e.requestId);
    if (!r) return;
    r.wire = e.encodedDataLength;  // headers + body as transferred
    if (!ready) before.push(r);
  });
  await page.goto(url + params);
  await page.evaluate(() => window.lesson.ready.then(() => true));
  ready = true;
  const out = [];
  for (const r of before) {
    const path = new URL(r.url).pathname.replace(/^\//, '') || 'index.html';
    out.push({ path, wire: r.wire, size: r.size || 0, encoding: r.encoding });
  }
  await context.close();
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

export function formatWeight(rows) {
  const lines = [`${'file fetched before lesson.ready'.padEnd(34)} ${'size'.padStart(10)} ${'transferred'.padStart(12)}  coding`];
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
    if (process.argv.includes('--json')) console.log(JSON.stringify(rows));
    else console.log(formatWeight(rows).text);
  } finally {
    await site.close();
    await browser.close();
  }
}
