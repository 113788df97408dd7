// render-icons.mjs - renders the app icons (web/img/icon-*.png, referenced by
// web/manifest*.webmanifest and index.html) from the project's own drawings,
// web/img/icon.svg and icon-maskable.svg, with Debian's headless chromium.
// Run by hand after editing an SVG; the PNGs are committed, so a build needs
// no browser:
//   node scripts/render-icons.mjs
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const img = join(resolve(dirname(fileURLToPath(import.meta.url)), '..'), 'web', 'img');
// [source svg, output png, size in px]
const ICONS = [
  ['icon.svg', 'icon-192.png', 192],
  ['icon.svg', 'icon-512.png', 512],
  ['icon-maskable.svg', 'icon-maskable-512.png', 512],
  ['icon-maskable.svg', 'apple-touch-icon.png', 180], // iOS rounds the corners itself
];

const profile = mkdtempSync(join(tmpdir(), 'gradlab-icons-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium', headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await context.newPage();
  for (const [svg, png, size] of ICONS) {
    await page.setViewportSize({ width: size, height: size });
    const text = readFileSync(join(img, svg), 'utf8').replace(/width="512" height="512"/, `width="${size}" height="${size}"`);
    await page.setContent(`<!doctype html><style>html,body{margin:0;background:transparent}svg{display:block}</style>${text}`);
    await page.screenshot({ path: join(img, png), omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    console.log(`web/img/${png}: ${size}x${size} from ${svg}`);
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
