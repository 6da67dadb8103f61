// startup.mjs — the start-up block of run.mjs alone: navigation to `lesson.ready` (the first
// drawn frame) against an empty page with a WebGL2 canvas, alternating fresh loads in headless
// Chromium; prints the medians and the median ratio. Usage: node web/bench/startup.mjs [loads]
import { join } from 'node:path';
import { ROOT, launch, serve } from '../tests/harness.mjs';

const loads = Number(process.argv[2]) || 7;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const site = await serve({ ...(process.env.WEBROOT ? { root: process.env.WEBROOT } : {}), extraRoots: { '/bench/': join(ROOT, 'web/bench') } });
const browser = await launch();
const startup = { lesson: [], empty: [] };
try {
  for (let i = 0; i < loads; i++) {
    for (const [name, path, ready] of [['lesson', '', () => window.lesson.ready.then(() => performance.now())],
                                       ['empty', 'bench/empty.html', () => window.ready]]) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(site.url + path);
      startup[name].push(await page.evaluate(ready));
      await context.close();
    }
  }
} finally {
  await browser.close();
  await site.close();
}
const ratios = startup.lesson.map((ms, i) => ms / startup.empty[i]);
console.log(`lesson ${median(startup.lesson).toFixed(0)} ms [${startup.lesson.map((x) => x.toFixed(0)).join(' ')}]`);
console.log(`empty  ${median(startup.empty).toFixed(0)} ms [${startup.empty.map((x) => x.toFixed(0)).join(' ')}]`);
console.log(`ratio  ${median(ratios).toFixed(2)}x (floor 3x)`);
