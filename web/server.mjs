// server.mjs — a small static server for build/web (no dependencies).
// Usage: node web/server.mjs [--root DIR] [--port N] [--host H] [--csp]
//   --csp  adds the strict Content-Security-Policy course sites use, to check the lesson under it.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { COMPRESSIBLE } from './tools/compress.mjs';

export const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.wasm': 'application/wasm', '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8', '.data': 'application/octet-stream', '.bin': 'application/octet-stream',
  '.png': 'image/png', '.svg': 'image/svg+xml', '.md': 'text/markdown; charset=utf-8',
};

// The codings a request accepts (Accept-Encoding, RFC 9110 §12.5.3): a name with q = 0 is refused.
function acceptedCodings(req) {
  const accepted = new Set();
  for (const part of String(req.headers['accept-encoding'] || '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (name && !(q && Number(q.slice(2)) === 0)) accepted.add(name);
  }
  return accepted;
}

async function freshCopy(path, original) {
  try {
    const info = await stat(path);
    return info.isFile() && info.mtimeMs >= original.mtimeMs ? info : null;
  } catch { return null; }
}

// The body to send for a file: the build's precompressed copy (.br, then .gz) when the browser
// takes it and it is not older than the file, else gzip made here once per version of the file.
const gzipped = new Map();
async function encodedBody(file, info, req) {
  if (!COMPRESSIBLE.has(extname(file))) return null;
  const accepted = acceptedCodings(req);
  for (const [coding, suffix] of [['br', '.br'], ['gzip', '.gz']]) {
    if (accepted.has(coding) && await freshCopy(file + suffix, info)) {
      return { coding, body: await readFile(file + suffix) };
    }
  }
  if (!accepted.has('gzip')) return null;
  const key = `${file}:${info.mtimeMs}:${info.size}`;
  if (!gzipped.has(key)) gzipped.set(key, gzipSync(await readFile(file), { level: 9 }));
  return { coding: 'gzip', body: gzipped.get(key) };
}

export function startServer({ root, port = 8080, host = '127.0.0.1', csp = false, extraRoots = {}, pages = {} }) {
  const base = resolve(root);
  // Long links (a 100 kB ?text=) reach the lesson, which explains what it does with them.
  const server = createServer({ maxHeaderSize: 256 * 1024 }, async (req, res) => {
    try {
      const url = new URL(req.url, 'http://localhost');
      if (Object.prototype.hasOwnProperty.call(pages, url.pathname)) {  // pages made by tests
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(pages[url.pathname]);
        return;
      }
      let path = decodeURIComponent(url.pathname);
      let dir = base;
      for (const [prefix, other] of Object.entries(extraRoots)) {
        if (path.startsWith(prefix)) { dir = resolve(other); path = path.slice(prefix.length - 1); }
      }
      if (path.endsWith('/')) path += 'index.html';
      const file = normalize(join(dir, path));
      if (file !== dir && !file.startsWith(dir + sep)) { res.writeHead(403).end('forbidden'); return; }
      const info = await stat(file);
      if (!info.isFile()) { res.writeHead(404).end('not found'); return; }
      const encoded = await encodedBody(file, info, req);
      const body = encoded ? encoded.body : await readFile(file);
      const headers = {
        'Content-Type': TYPES[extname(file)] || 'application/octet-stream',
        'Content-Length': body.length,
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
        // Static, public files: a sandboxed iframe (opaque origin) may fetch the lesson's data.
        'Access-Control-Allow-Origin': '*',
      };
      if (COMPRESSIBLE.has(extname(file))) headers['Vary'] = 'Accept-Encoding';
      if (encoded) {
        headers['Content-Encoding'] = encoded.coding;
        // The loading screen's progress: bytes decoded against the file's own size.
        headers['X-Decoded-Length'] = info.size;
        headers['Access-Control-Expose-Headers'] = 'X-Decoded-Length';
      }
      if (csp) headers['Content-Security-Policy'] = STRICT_CSP;
      res.writeHead(200, headers);
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (e) {
      if (!res.headersSent) res.writeHead(e && e.code === 'ENOENT' ? 404 : 400).end('not found');
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => ok(server));
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
  const root = opt('--root', 'build/web');
  const port = Number(opt('--port', '8080'));
  const host = opt('--host', '127.0.0.1');
  startServer({ root, port, host, csp: args.includes('--csp') }).then(() => {
    console.log(`Serving the lesson at http://${host}:${port}/  (Ctrl+C to stop)`);
  }, (e) => { console.error(`Could not serve on ${host}:${port}: ${e.message}`); process.exit(1); });
}
