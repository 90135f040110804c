// Browser test of the web page: Playwright (playwright-core) driving Debian's chromium
// headless. Loads the seeds into a fresh store, serves it, opens the list and the
// seed story, and checks its three members, their relation badges, the highlighted
// KCNA quotes shared by 002 and 001, the quotes, the timeline and the boilerplate.
// Saves screenshots in BUILD/artifacts/.
//
// usage: node tests/browser/story_page.mjs BUILD_DIR
// Exit 0 pass, 1 fail, 77 skipped (chromium cannot run on this machine).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILD = path.resolve(process.argv[2] || path.join(ROOT, 'build'));
const BIN = path.join(BUILD, 'storyline');
const ART = path.join(BUILD, 'artifacts');
const CHROMIUM = process.env.STORYLINE_CHROMIUM || '/usr/bin/chromium';
const SKIP = 77;

function fail(msg) { console.error('FAIL: ' + msg); process.exitCode = 1; throw new Error(msg); }
function check(cond, msg) { if (!cond) fail(msg); console.log('ok: ' + msg); }

let chromium;
try {
  chromium = createRequire(path.join(ROOT, 'package.json'))('playwright-core').chromium;
} catch (e) {
  console.error('FAIL: playwright-core is not installed in ' + ROOT + '/node_modules: run scripts/install-web-deps');
  process.exit(1);
}
if (!fs.existsSync(CHROMIUM)) {
  console.log(`SKIP: ${CHROMIUM} is not installed (apt-get install chromium); browser test not run`);
  process.exit(SKIP);
}
const probe = spawnSync(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--dump-dom', 'about:blank'],
                        { timeout: 60000, encoding: 'utf8' });
if (probe.status !== 0) {
  console.log(`SKIP: ${CHROMIUM} cannot run here (exit ${probe.status}): ${(probe.stderr || '').slice(0, 300)}`);
  process.exit(SKIP);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'storyline-browser-'));
const db = path.join(tmp, 'store.db');
let server, context;
try {
  const ing = spawnSync(BIN, ['ingest', '--db', db, '-q', path.join(ROOT, 'demo')], { encoding: 'utf8' });
  if (ing.status !== 0) fail('ingest of the seeds failed: ' + ing.stderr);

  server = spawn(BIN, ['serve', '--db', db, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const base = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', d => {
      out += d;
      const m = out.match(/http:\/\/[^/\s]+/);
      if (m) resolve(m[0]);
    });
    server.on('exit', c => reject(new Error('serve exited with ' + c)));
    setTimeout(() => reject(new Error('serve did not start')), 15000);
  });

  context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] || await context.newPage();
  const outside = [];
  page.on('request', r => { if (!r.url().startsWith(base)) outside.push(r.url()); });
  const consoleErrors = [];
  page.on('pageerror', e => consoleErrors.push(String(e)));

  // The list.
  await page.goto(base + '/');
  await page.waitForSelector('.story-row');
  fs.mkdirSync(ART, { recursive: true });
  await page.screenshot({ path: path.join(ART, 'stories.png'), fullPage: true });
  // The story of 002 (its original), 001 and 000.
  const stories = await (await fetch(base + '/api/stories')).json();
  const seed = stories.stories.find(s => s.members.some(m => m.id.startsWith('002_')));
  check(!!seed, 'the seed 002 is in a story');
  await page.locator(`.story-row[data-story="${seed.story}"] h2 a`).click();
  await page.waitForSelector('#members .member');
  await page.screenshot({ path: path.join(ART, 'story.png'), fullPage: true });
  const members = await page.$$eval('#members .member', els => els.map(e => ({
    id: e.dataset.id, relation: e.querySelector('.badge').dataset.relation })));
  check(members.length === 3, 'the story page lists three members');
  const rel = Object.fromEntries(members.map(m => [m.id.slice(0, 3), m.relation]));
  check(rel['002'] === 'original', '002 has the original badge');
  for (const d of ['001', '000']) {
    check(['rewrite', 'near-duplicate', 'duplicate', 'same-story'].includes(rel[d]), `${d} has a relation badge (${rel[d]})`);
  }
  check(rel['001'] === 'rewrite', '001 is badged as a rewrite');

  // Side by side: the original (002) against 001, the KCNA quotes highlighted in both.
  const v001 = await page.$eval('#pick', s => [...s.options].find(o => o.value.startsWith('001_'))?.value);
  check(!!v001, '001 can be picked to compare with the original');
  await page.selectOption('#pick', v001);
  const marks = await page.$$eval('#side-by-side .card', cards => cards.map(c => ({
    id: c.dataset.id, marks: [...c.querySelectorAll('mark.shared')].map(m => m.textContent) })));
  check(marks.length === 2 && marks[0].id.startsWith('002') && marks[1].id.startsWith('001'),
        'the original and 001 are shown side by side');
  for (const phrase of ['quite natural and normal', 'continue to grow stronger']) {
    const norm = s => s.replace(/\s+/g, ' ');
    check(marks.every(c => c.marks.some(t => norm(t).includes(phrase))),
          `the KCNA quote "${phrase}" is highlighted in both articles`);
  }
  const quotes = await page.$$eval('#quotes .quote-item', els => els.map(e => e.textContent));
  check(quotes.some(q => /KCNA/.test(q) && /quite natural and normal/.test(q)),
        'the quotes list the KCNA quote with its speaker');
  const dots = await page.locator('#timeline circle.tl-member').count();
  const others = await page.locator('#timeline rect.tl-story').count();
  check(dots + others >= 1, `the timeline is drawn (${dots} members, ${others} other stories of the topic)`);
  const setAside = await page.locator('#boilerplate details').count();
  check(setAside === 3, 'the boilerplate set aside can be opened for each member');

  await page.locator('#boilerplate details').first().evaluate(d => { d.open = true; });
  await page.screenshot({ path: path.join(ART, 'story.png'), fullPage: true });
  await page.locator('#side-by-side').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(ART, 'story-side-by-side.png') });
  console.log('screenshots: ' + path.join(ART, 'story.png') + ', ' + path.join(ART, 'stories.png'));

  // Search.
  await page.goto(base + '/#/');
  await page.fill('#q', 'Vostochny');
  await page.click('#search button');
  await page.waitForFunction(() => /matching/.test(document.querySelector('h1')?.textContent || ''));
  check(outside.length === 0, 'nothing is fetched from outside the server: ' + outside.join(' '));
  check(consoleErrors.length === 0, 'no script errors: ' + consoleErrors.join('; '));
  console.log('PASS: browser test');
} catch (e) {
  if (!process.exitCode) { console.error('FAIL: ' + (e.stack || e)); process.exitCode = 1; }
} finally {
  if (context) await context.close().catch(() => {});
  if (server) server.kill('SIGTERM');
  fs.rmSync(tmp, { recursive: true, force: true });
}
