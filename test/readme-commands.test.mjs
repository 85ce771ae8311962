// The README's quick start, run as a user would: its files (code blocks whose first line is
// `// <file name>`) are written into a new project, the package is installed from `npm pack`
// (what `npm install smartcache` gives: only the files the package ships), and every `node`
// command of its shell blocks runs in a child process, in order. A command run with
// SMARTCACHE_LOG=1 follows the same command's first run: it must hit, never miss, and print the
// same output. Nothing is assumed about the text beyond those conventions, so editing the
// quick start edits this test.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The text of the README section `## <title>`, up to the next `## ` or `# ` heading. */
function section(readme, title) {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start === -1) throw new Error(`README has no "## ${title}" section`);
  const rest = readme.slice(start + 1);
  const end = rest.slice(3).search(/\n#{1,2} /);
  return end === -1 ? rest : rest.slice(0, end + 3);
}

function blocks(text) {
  return [...text.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], body: m[2] }));
}

/** `VAR=value ... node args…` (no quoting in the quick start's node commands). */
function parseCommand(line) {
  const words = line.split(/\s+/).filter(Boolean);
  const env = {};
  while (words.length > 0 && /^[A-Z_][A-Z0-9_]*=/.test(words[0])) {
    const [name, ...value] = words.shift().split('=');
    env[name] = value.join('=');
  }
  return { env, program: words[0], args: words.slice(1) };
}

/** A project with smartcache installed from its packed tarball; other packages (tsx) resolve from the parent's node_modules. */
function installedProject() {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sc-readme-')));
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(base, 'node_modules'), 'dir');
  const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', base], { cwd: REPO, encoding: 'utf8', timeout: 120_000 });
  if (pack.status !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  const tarball = path.join(base, pack.stdout.trim().split('\n').pop());
  const app = path.join(base, 'app');
  const target = path.join(app, 'node_modules', 'smartcache');
  fs.mkdirSync(target, { recursive: true });
  const untar = spawnSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'], { encoding: 'utf8' });
  if (untar.status !== 0) throw new Error(`tar failed: ${untar.stderr}`);
  fs.writeFileSync(path.join(app, 'package.json'), '{ "name": "readme-app", "private": true }\n');
  return { base, app };
}

function cleanEnv(extra) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('SMARTCACHE') || k === 'NODE_OPTIONS') delete env[k];
  return { ...env, ...extra };
}

test('every quick-start command works on the packed package, and its second run hits', (t) => {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const quick = blocks(section(readme, 'Quick start'));
  t.true(quick.some((b) => b.body.startsWith('npm install smartcache')) || /npm install smartcache/.test(section(readme, 'Install')), 'the README says how to install');
  const { base, app } = installedProject();
  try {
    const files = [];
    for (const b of quick) {
      const m = /^\/\/ (\S+\.(?:[cm]?js|[cm]?ts))\n/.exec(b.body);
      if (m === null) continue;
      fs.writeFileSync(path.join(app, m[1]), b.body);
      files.push(m[1]);
    }
    t.true(files.length >= 4, `quick-start files: ${files.join(', ')}`);
    const first = new Map();
    let hitsChecked = 0;
    const require = createRequire(path.join(app, 'index.js'));
    for (const b of quick.filter((x) => x.lang === 'sh')) {
      for (const raw of b.body.split('\n')) {
        const line = raw.replace(/\s+#.*$/, '').trim();
        if (line === '') continue;
        const { env, program, args } = parseCommand(line);
        if (program === 'npm' && args[0] === 'install') {
          // The packages it names are installed in this project (smartcache from the tarball).
          for (const name of args.slice(1).filter((a) => !a.startsWith('-'))) t.notThrows(() => require.resolve(`${name}/package.json`), `${line}: ${name} not installed`);
          continue;
        }
        t.is(program, 'node', `unexpected command in the quick start: ${line}`);
        // Files the command names exist: they came from the README's own blocks.
        const script = args.find((a) => /\.(?:[cm]?js|[cm]?ts)$/.test(a));
        t.true(script !== undefined && files.includes(script), `${line}: runs a file the quick start shows`);
        const r = spawnSync(process.execPath, args, { cwd: app, env: cleanEnv(env), encoding: 'utf8', timeout: 120_000 });
        t.is(r.status, 0, `${line}\n${r.stdout}\n${r.stderr}`);
        t.deepEqual(r.stderr.split('\n').filter((l) => /Warning|Error/.test(l)), [], `${line}: warnings or errors`);
        const id = args.join(' ');
        if (env.SMARTCACHE_LOG === '1') {
          t.true(first.has(id), `${line}: logged run without a first run before it`);
          const log = r.stderr.split('\n').filter((l) => l.startsWith('[smartcache] '));
          t.true(log.length > 0 && log.every((l) => l.startsWith('[smartcache] hit ')), `${line}: the second run hits only:\n${r.stderr}`);
          t.is(r.stdout, first.get(id), `${line}: same output as the first run`);
          hitsChecked++;
        } else {
          first.set(id, r.stdout);
        }
      }
    }
    t.true(hitsChecked >= 4, `second runs checked: ${hitsChecked}`);
    // The default cache folder, as the README says: node_modules/.cache/smartcache of the project.
    t.true(fs.existsSync(path.join(app, 'node_modules', '.cache', 'smartcache')));
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
});
