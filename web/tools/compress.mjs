// compress.mjs — writes a gzip (.gz) and a Brotli (.br) copy beside every file of the web build
// that compresses, so that a server can send them as they are (web/server.mjs does).
// Usage: node web/tools/compress.mjs DIR
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, extname } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';

// What compresses: text, WebAssembly, model weights, fonts. (PNG and similar are compressed already.)
export const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.wasm', '.json', '.txt', '.md', '.bin', '.svg', '.ttf', '.otf', '.csv']);

async function* files(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* files(path);
    else if (entry.isFile() && COMPRESSIBLE.has(extname(entry.name))) yield path;
  }
}

async function fresh(copy, original) {
  try { return (await stat(copy)).mtimeMs >= (await stat(original)).mtimeMs; } catch { return false; }
}

export async function compressTree(dir) {
  let written = 0;
  for await (const path of files(dir)) {
    if (await fresh(path + '.gz', path) && await fresh(path + '.br', path)) continue;
    const bytes = await readFile(path);
    await writeFile(path + '.gz', gzipSync(bytes, { level: 9 }));
    await writeFile(path + '.br', brotliCompressSync(bytes, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        [constants.BROTLI_PARAM_LGWIN]: 24,
      },
    }));
    written++;
  }
  return written;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = process.argv[2];
  if (!dir) { console.error('usage: node web/tools/compress.mjs DIR'); process.exit(2); }
  compressTree(dir).then((n) => { if (n) console.log(`compressed ${n} files in ${dir}`); },
    (e) => { console.error(`compress: ${e.message}`); process.exit(1); });
}
