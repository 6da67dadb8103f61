// startup.mjs — start-up: navigation to `lesson.ready` (the first drawn frame) against an empty
// page with a WebGL2 canvas (web/bench/empty.html), in alternating fresh loads in headless
// Chromium. measureStartup is scripts/bench's start-up block (web/bench/run.mjs); run alone it
// prints the medians and the median ratio.
// Usage: node web/bench/startup.mjs [loads]   (WEBROOT=dir serves another build than build/web)
import { join } from 'node:path';
import { ROOT, launch, serve } from '../tests/harness.mjs';

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

// { lesson: [ms…], empty: [ms…], ratios: [lesson / empty of each pair], ratio: median ratio }.
// siteUrl must also serve web/bench/ as /bench/.
export async function measureStartup(browser, siteUrl, loads = 7) {
  const startup = { lesson: [], empty: [] };
  for (let i = 0; i < loads; i++) {
    for (const [name, path, ready] of [['lesson', '', () => window.lesson.ready.then(() => performance.now())],
                                       ['empty', 'bench/empty.html', () => window.ready]]) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(siteUrl + path);
      startup[name].push(await page.evaluate(ready));
      await context.close();
    }
  }
  const ratios = startup.lesson.map((ms, i) => ms / startup.empty[i]);
  return { ...startup, ratios, ratio: median(ratios) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const loads = Number(process.argv[2]) || 7;
  const site = await serve({ ...(process.env.WEBROOT ? { root: process.env.WEBROOT } : {}), extraRoots: { '/bench/': join(ROOT, 'web/bench') } });
  const browser = await launch();
  try {
    const s = await measureStartup(browser, site.url, loads);
    console.log(`lesson ${median(s.lesson).toFixed(0)} ms [${s.lesson.map((x) => x.toFixed(0)).join(' ')}]`);
    console.log(`empty  ${median(s.empty).toFixed(0)} ms [${s.empty.map((x) => x.toFixed(0)).join(' ')}]`);
    console.log(`ratio  ${s.ratio.toFixed(2)}x (floor 3x)`);
  } finally {
    await browser.close();
    await site.close();
  }
}
