// What a learner downloads: the bytes the page fetches before `lesson.ready`, as Chromium
// transfers them from the bundled server, against the floor; and the server's compression
// (precompressed Brotli or gzip when the browser takes it, plain bytes when it does not).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, utimesSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { WEB_DIR, launch, serve } from './harness.mjs';
import { pageWeight, formatWeight } from '../tools/page-weight.mjs';

// The most the first load may transfer, in bytes (headers included).
const FIRST_LOAD_FLOOR = 600 * 1024;

let browser, site;
before(async () => { browser = await launch(); site = await serve(); });
after(async () => { await browser.close(); await site.close(); });

function get(path, acceptEncoding) {
  return new Promise((resolve, reject) => {
    const headers = acceptEncoding === undefined ? {} : { 'Accept-Encoding': acceptEncoding };
    request(site.url + path, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject).end();
  });
}

// Everything the page asks for before lesson.ready, as transferred (headers included): the
// figure is printed, and the test fails when it is above the floor. BERT's vocabulary, the trained
// models and the race's reference run come after ready, in the background; they are checked to arrive.
test(`the first load transfers at most ${FIRST_LOAD_FLOOR / 1024} KB before lesson.ready`, async () => {
  const rows = await pageWeight({ browser, url: site.url });
  const { text, wire } = formatWeight(rows);
  console.log('# ' + text.split('\n').join('\n# '));
  console.log('# ' + formatWeight(rows.later, 'fetched after it (in the background)').text.split('\n').join('\n# '));
  const paths = rows.map((r) => r.path);
  for (const needed of ['index.html', 'index.js', 'index.wasm', 'lessons/attention-lesson.md']) {
    assert.ok(paths.includes(needed), `${needed} is fetched before ready (it is counted)`);
  }
  const later = rows.later.map((r) => r.path);
  for (const file of ['data/vocab.txt', 'models/coref.bin', 'models/coref-vocab.txt', 'models/story.bin', 'models/story-vocab.txt', 'models/race-reference.txt']) {
    assert.ok(later.includes(file), `${file} is fetched after ready`);
  }
  for (const r of [...rows, ...rows.later].filter((r) => r.size > 4096)) assert.notEqual(r.encoding, 'identity', `${r.path} travels compressed`);
  assert.ok(wire <= FIRST_LOAD_FLOOR, `${wire} bytes transferred before lesson.ready; the floor is ${FIRST_LOAD_FLOOR}`);
});

test('the server sends Brotli, then gzip, then plain bytes, as the browser accepts; each decodes to the file', async () => {
  const original = readFileSync(join(WEB_DIR, 'index.wasm'));
  const br = await get('index.wasm', 'gzip, deflate, br');
  assert.equal(br.headers['content-encoding'], 'br');
  assert.equal(br.headers.vary, 'Accept-Encoding');
  assert.equal(Number(br.headers['content-length']), br.body.length);
  assert.equal(Number(br.headers['x-decoded-length']), original.length);
  assert.ok(brotliDecompressSync(br.body).equals(original));
  assert.ok(br.body.length < original.length / 2);

  const gz = await get('index.wasm', 'gzip');
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.ok(gunzipSync(gz.body).equals(original));

  const refused = await get('index.wasm', 'gzip;q=0, br;q=0');
  assert.equal(refused.headers['content-encoding'], undefined);
  assert.ok(refused.body.equals(original));
  const plain = await get('index.wasm');
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(Number(plain.headers['content-length']), original.length);

  // A file edited after the build (an author's new lesson text) is newer than its precompressed
  // copies: it is gzipped on the fly, never served stale.
  const mdPath = join(WEB_DIR, 'lessons/attention-lesson.md');
  const later = new Date(Date.now() + 5000);
  utimesSync(mdPath, later, later);
  const text = await get('lessons/attention-lesson.md', 'br, gzip');
  assert.equal(text.headers['content-encoding'], 'gzip');
  assert.ok(gunzipSync(text.body).equals(readFileSync(mdPath)));
});
