// `explain --html`: a self-contained page (no external resource) whose SVG graph renders in a
// real browser: headless Chromium (Debian package `chromium`) takes a screenshot into test/out/.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { inflateSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { cli, copyFixture, OUT, REGISTER, runNode, tempDir } from './fixtures/cli/helpers.mjs';

function findChromium() {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim() !== '') return r.stdout.trim();
  }
  return undefined;
}

/** Distinct colours in an 8-bit RGB(A) PNG: a blank page has one or two, a drawn graph dozens. */
function distinctColours(png) {
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const depth = png[24];
  const type = png[25];
  if (depth !== 8 || (type !== 2 && type !== 6)) return -1;
  const channels = type === 6 ? 4 : 3;
  const idat = [];
  for (let at = 8; at < png.length; ) {
    const len = png.readUInt32BE(at);
    const kind = png.toString('latin1', at + 4, at + 8);
    if (kind === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const colours = new Set();
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? line[i - channels] : 0;
      const b = prev[i];
      const c = i >= channels ? prev[i - channels] : 0;
      let add = 0;
      if (filter === 1) add = a;
      else if (filter === 2) add = b;
      else if (filter === 3) add = (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        add = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      line[i] = (line[i] + add) & 0xff;
    }
    for (let x = 0; x < width; x += 3) colours.add(line.readUIntBE(x * channels, 3));
    prev = line;
  }
  return colours.size;
}

test('--html writes a self-contained page with one SVG graph per function', async (t) => {
  const project = copyFixture('basic');
  const out = path.join(tempDir(), 'graph.html');
  const r = await cli(['explain', 'math.js', '--live', '--html', out], { cwd: project });
  t.is(r.code, 0, r.stderr);
  const html = fs.readFileSync(out, 'utf8');
  t.regex(html, /^<!doctype html>/);
  t.is((html.match(/<svg /g) ?? []).length, 2, 'total and pick');
  t.regex(html, /class="node kind-function"/);
  t.regex(html, /scale/);
  t.regex(html, /class="node kind-dynamic dynamic"|dynamic dependencies/);
  // Self-contained: nothing to fetch. (The SVG namespace URI is an identifier, not a request.)
  const withoutNamespace = html.replaceAll('xmlns="http://www.w3.org/2000/svg"', '');
  t.notRegex(withoutNamespace, /\b(?:src|href)\s*=|url\(|@import|https?:\/\//i);
});

test('--diff --html: the changed helper is highlighted and its code diff is in the page (nothing run)', async (t) => {
  const project = copyFixture('basic');
  const root = path.join(project, 'cache');
  const run = await runNode(['--require', REGISTER, 'math.js'], { cwd: project, env: { SMARTCACHE_DIR: root } });
  t.is(run.code, 0, run.stderr);
  const file = path.join(project, 'math.js');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('return x * CONFIG.factor;', 'return x * CONFIG.factor + 1;'));
  const out = path.join(tempDir(), 'diff.html');
  const r = await cli(['explain', 'math.js', '--diff', '--html', out, '--dir', root], { cwd: project });
  t.is(r.code, 0, r.stderr);
  const html = fs.readFileSync(out, 'utf8');
  const changed = [...html.matchAll(/<g class="node kind-function changed"><title>([^<]*)</g)].map((m) => m[1]);
  t.is(changed.length, 1, 'exactly one node highlighted');
  t.regex(changed[0], /^function scale\n/);
  t.regex(html, /<span class="del">- {3}return x \* CONFIG\.factor;<\/span>/);
  t.regex(html, /<span class="ins">\+ {3}return x \* CONFIG\.factor \+ 1;<\/span>/);
  t.regex(html, /changed since .*found by reading the source/);
});

test('the HTML graph renders in headless Chromium', async (t) => {
  const chromium = findChromium();
  if (chromium === undefined) {
    // .ci/run installs chromium: in CI a missing browser is a failure, not a silent pass.
    if (process.env.CI) t.fail('chromium is not installed in CI (.ci/run installs it with apt-get)');
    else t.log('SKIPPED: chromium is not installed (apt-get install -y chromium); the HTML was not rendered');
    t.pass();
    return;
  }
  const project = copyFixture('basic');
  fs.mkdirSync(OUT, { recursive: true });
  const html = path.join(OUT, 'cli-explain-graph.html');
  const png = path.join(OUT, 'cli-explain-graph.png');
  fs.rmSync(png, { force: true });
  const r = await cli(['explain', 'math.js', '--live', '--html', html], { cwd: project });
  t.is(r.code, 0, r.stderr);
  const profile = tempDir('smartcache-chromium-');
  const shot = spawnSync(
    chromium,
    ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${profile}`, `--screenshot=${png}`, '--window-size=1200,800', pathToFileURL(html).href],
    { encoding: 'utf8', timeout: 60_000 },
  );
  fs.rmSync(profile, { recursive: true, force: true });
  t.true(fs.existsSync(png), `no screenshot; chromium said: ${shot.stderr}`);
  const bytes = fs.readFileSync(png);
  t.is(bytes.toString('latin1', 1, 4), 'PNG');
  t.is(bytes.readUInt32BE(16), 1200);
  t.true(bytes.length > 20_000, `screenshot is only ${bytes.length} bytes`);
  const colours = distinctColours(bytes);
  t.true(colours === -1 || colours > 20, `only ${colours} distinct colours: the page looks blank`);
  t.log(`screenshot: ${png} (${bytes.length} bytes, ${colours} colours)`);
});
