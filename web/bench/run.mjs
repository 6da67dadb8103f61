// run.mjs — the browser half of scripts/bench, in headless Chromium on localhost: what the page
// fetches before `lesson.ready`, start-up against an empty WebGL2 page, frame time per section,
// and the compute page (web/bench/index.html). Prints the tables; with --json FILE also writes
// the figures. Every figure is a median over repeated runs with its spread (10th–90th
// percentile), and every comparison a ratio of figures measured in this run.
// Usage: node web/bench/run.mjs [--native FILE] [--json FILE]   (scripts/bench runs it)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, launch, sectionFrameTimes, serve } from '../tests/harness.mjs';
import { pageWeight, formatWeight } from '../tools/page-weight.mjs';
import { measureStartup } from './startup.mjs';

const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const native = opt('--native') ? JSON.parse(readFileSync(opt('--native'), 'utf8')) : null;

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const spread = (xs) => { const s = [...xs].sort((a, b) => a - b); return [s[Math.floor(s.length * 0.1)], s[Math.ceil(s.length * 0.9) - 1]]; };
const fmt = (x, digits = 2) => (x >= 100 ? x.toFixed(0) : x.toFixed(digits));
const range = ([lo, hi], digits = 2) => `${fmt(lo, digits)}–${fmt(hi, digits)}`;

const nm = (p) => join(ROOT, 'node_modules', p);
const site = await serve({
  extraRoots: {
    '/bench/': join(ROOT, 'web/bench'),
    '/bench-web/': join(ROOT, 'build/wasm-release/bench-web'),
    '/peers/tfjs-core/': nm('@tensorflow/tfjs-core/dist'),
    '/peers/tfjs-backend-wasm/': nm('@tensorflow/tfjs-backend-wasm/dist'),
    '/peers/ort/': nm('onnxruntime-web/dist'),
  },
});
const browser = await launch();
const report = {};
const out = [];
try {
  // ---- Size: what the page fetches before lesson.ready, as transferred.
  const weight = formatWeight(await pageWeight({ browser, url: site.url }));
  report.size = { wire: weight.wire, decoded: weight.size };
  out.push('== Size: what the lesson fetches before lesson.ready (headless Chromium, this server)', weight.text, '');

  // ---- Start-up: navigation to ready, the lesson against an empty WebGL2 page, alternating.
  const startupLoads = 21;
  const startup = await measureStartup(browser, site.url, startupLoads);
  const ratios = startup.ratios;
  report.startup = { lessonMs: median(startup.lesson), emptyMs: median(startup.empty), ratio: startup.ratio };
  out.push(`== Start-up: navigation to the first drawn frame, ${startupLoads} fresh loads each, alternating`,
    `lesson (lesson.ready)          ${fmt(median(startup.lesson), 0)} ms  (${range(spread(startup.lesson), 0)})`,
    `empty page, WebGL2 canvas      ${fmt(median(startup.empty), 0)} ms  (${range(spread(startup.empty), 0)})`,
    `ratio lesson / empty           ${median(ratios).toFixed(2)}×  (${range(spread(ratios))}); floor 3×`, '');

  // ---- Frame time per section (release build, 1280×800).
  {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(site.url);
    await page.evaluate(() => window.lesson.ready);
    const sections = await page.evaluate(() => window.lesson.sections().map((s) => s.id));
    out.push('== Frame time: CPU time per frame, 2.5 s per section, pointer over the canvas');
    report.frames = {};
    for (const id of sections) {
      const f = await sectionFrameTimes(page, id);
      report.frames[id] = f;
      out.push(`${id.padEnd(22)} median ${f.median.toFixed(2)} ms  p95 ${f.p95.toFixed(2)} ms  (${f.frames} frames; budget 16.7 / 33.3 ms)`);
    }
    out.push('');
    await context.close();
  }

  // ---- Compute.
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (e) => { throw e; });
  await page.goto(site.url + 'bench/index.html');
  const compute = await page.evaluate((o) => window.bench.run(o), {
    configs: [{ T: 16, d: 32, h: 4, f: 128 }, { T: 128, d: 128, h: 4, f: 512 }], vocabUrl: '/data/vocab.txt',
  });
  await context.close();
  report.compute = compute;
  out.push(`== Compute: one encoder block forward (post-LN, h = 4, GELU), batch 1, float32, same weights, one page`,
    `peers: TensorFlow.js ${compute.tfjs.version} (${compute.tfjs.backend} backend, SIMD ${compute.tfjs.simd}), ` +
    `ONNX Runtime Web ${compute.ort.version} (wasm EP, ${compute.ort.threads} thread); ` +
    `SIMD ceiling (f32x4 mul+add, 12 accumulators) ${fmt(compute.ceiling.gflops, 1)} GFLOP/s (${range(compute.ceiling.spread, 1)})`);
  for (const layer of compute.layers) {
    out.push('', `T = ${layer.T}, d_model = ${layer.d}, FFN ${layer.f}: ${(layer.flops / 1e6).toFixed(2)} MFLOP (matrix products); ` +
      `largest difference from ours: ${Object.entries(layer.agreement).map(([k, v]) => `${k} ${v.toExponential(1)}`).join(', ')}`);
    out.push(`${'contender'.padEnd(20)} ${'µs/call'.padStart(9)} ${'(spread)'.padStart(15)} ${'GFLOP/s'.padStart(8)} ${'ours faster'.padStart(12)} ${'of ceiling'.padStart(11)}`);
    const ours = layer.results.ours.ms;
    for (const [name, r] of Object.entries(layer.results)) {
      out.push(`${name.padEnd(20)} ${fmt(r.ms * 1000, 1).padStart(9)} ${('(' + range(r.spread.map((x) => x * 1000), 1) + ')').padStart(15)} ` +
        `${fmt(r.gflops, 2).padStart(8)} ${(name === 'ours' ? '' : (r.ms / ours).toFixed(2) + '×').padStart(12)} ` +
        `${(100 * r.gflops / compute.ceiling.gflops).toFixed(0).padStart(10)}%`);
    }
    const key = `${layer.T}/${layer.d}`;
    if (native && native[key]) {
      out.push(`${'ours, native x86-64'.padEnd(20)} ${fmt(native[key].forwardUs, 1).padStart(9)} ${('(' + range(native[key].forwardSpreadUs, 1) + ')').padStart(15)} ` +
        `${fmt(layer.flops / (native[key].forwardUs * 1e3), 2).padStart(8)}   WASM / native: ${(ours * 1000 / native[key].forwardUs).toFixed(2)}×`);
    }
    const fb = layer.forwardBackward;
    out.push(`forward + backward: ours ${fmt(fb.ours.ms * 1000, 1)} µs (${fmt(fb.ours.gflops, 2)} GFLOP/s), ` +
      `without SIMD ${fmt(fb['ours (no SIMD)'].ms * 1000, 1)} µs: SIMD ${(fb['ours (no SIMD)'].ms / fb.ours.ms).toFixed(2)}× faster` +
      (native && native[key] ? `; native ${fmt(native[key].forwardBackwardUs, 1)} µs` : ''));
  }
  const tr = compute.training;
  out.push('', `== Training the lesson's "it" model in the browser (CorefTrainer, batch 32, 2 layers, d 32)`,
    `with SIMD kernels   ${fmt(tr.ours.stepsPerSecond, 1)} steps/s (${range(tr.ours.spread, 1)})`,
    `without SIMD        ${fmt(tr['ours (no SIMD)'].stepsPerSecond, 1)} steps/s (${range(tr['ours (no SIMD)'].spread, 1)}): ` +
    `${(tr.ours.stepsPerSecond / tr['ours (no SIMD)'].stepsPerSecond).toFixed(2)}× with SIMD`);
} finally {
  await browser.close();
  await site.close();
}
console.log(out.join('\n'));
if (opt('--json')) writeFileSync(opt('--json'), JSON.stringify(report, null, 2));
