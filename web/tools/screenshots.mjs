// screenshots.mjs — screenshots of the lesson for looking at it as a learner would.
// Usage: node web/tools/screenshots.mjs [--query 'section=attention-steps'] [--size 1280x800] [--dpr 1]
//        [--pages 3] [--theme light|dark] [--out build/screenshots/look]
import { canvasStats, launch, openLesson, serve } from '../tests/harness.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const [w, h] = opt('--size', '1280x800').split('x').map(Number);
const dpr = Number(opt('--dpr', '1'));
const pages = Number(opt('--pages', '3'));
const query = opt('--query', '');
const out = opt('--out', 'build/screenshots/look');

const browser = await launch();
const site = await serve();
try {
  const { page, errors } = await openLesson(browser, `${site.url}?${query}`, { width: w, height: h, dpr });
  await page.mouse.move(w / 2, h / 2);
  for (let i = 0; i < pages; i++) {
    await page.waitForTimeout(150);
    const file = `${out}-${i}.png`;
    await page.screenshot({ path: file });
    console.log(file);
    await page.mouse.wheel(0, h * 0.8);
  }
  console.log(JSON.stringify(await canvasStats(page)));
  if (errors.length) console.log('console errors:', errors);
} finally {
  await browser.close();
  await site.close();
}
