'use strict';
// Side by side: smartcache vs the tools a user would pick instead, on the same function, the same
// arguments and results, and the same disk (fresh folders under os.tmpdir()).
//
//   node bench/peers.js [--quick]
//
// Per tool: warm hit (in the process that computed the keys: one key repeated, and 1,000 keys in
// turn), cold hit (a fresh process, 1,000 keys already on disk: per call after the first), miss
// overhead (a miss minus the bare call), and the first call of a fresh process (which for
// smartcache includes fingerprinting the function). Every measurement runs in a child process of
// its own; cold runs are interleaved tool by tool so machine noise lands on all tools alike.
const path = require('node:path');
const { runJson } = require('./lib/time');
const { median } = require('./lib/stats');
const { formatValue } = require('./lib/units');
const { tempDir } = require('./lib/tmp');
const { status, note } = require('./lib/progress');
const { adapters } = require('./peers/adapters');
const { findJoblibPython } = require('./peers/python');

const CHILD = path.join(__dirname, 'peers', 'child.js');
const PY_CHILD = path.join(__dirname, 'peers', 'joblib_child.py');
const KEYS = 1000;
const NODE_PEERS = ['uncached', 'memoizee', 'smartcache', 'memoize-fs', 'cacache', 'floor'];

const us = (ns) => ns / 1e3;

/** Runs the session and cold children of every tool; returns `{ results: { peer: {...} }, notes }`. */
async function measure({ quick }) {
  const rounds = 5;
  const coldRuns = quick ? 3 : 9;
  const results = {};
  const notes = [];
  const cold = {};

  const joblib = findJoblibPython();
  const peers = [...NODE_PEERS];
  if (joblib.python) peers.push('joblib');
  else notes.push(`joblib.Memory skipped: ${joblib.reason}`);

  const spec = (peer, mode, dir, ...rest) =>
    peer === 'joblib'
      ? { command: joblib.python, args: [PY_CHILD, mode, dir, ...rest.map(String)] }
      : { command: process.execPath, args: [CHILD, mode, peer, dir, ...rest.map(String)] };

  for (const peer of peers) {
    status(`peers: ${peer}: misses, then warm hits`);
    const dir = path.join(tempDir(`peer-${peer}`), 'store');
    try {
      // Disk-only tools spend ~0.3 s per round of 1,000 warm hits: the quick run gives them 3.
      const slow = peer === 'memoize-fs' || peer === 'cacache' || peer === 'joblib';
      const s = spec(peer, 'session', dir, KEYS, quick && slow ? 3 : rounds);
      results[peer] = { dir, session: runJson(s.command, s.args).data };
      cold[peer] = [];
    } catch (error) {
      notes.push(`${peer} skipped: ${firstLine(error)}`);
      note(`peers: ${peer} skipped: ${firstLine(error)}`);
    }
  }

  const persisted = peers.filter((p) => results[p] && (p === 'joblib' || adapters[p].persists));
  for (let r = 0; r < coldRuns; r++) {
    for (const peer of persisted) {
      if (!results[peer] || !cold[peer]) continue;
      status(`peers: cold hits in a fresh process, run ${r + 1}/${coldRuns}: ${peer}`);
      const s = spec(peer, 'cold', results[peer].dir, KEYS);
      try {
        cold[peer].push(runJson(s.command, s.args).data);
      } catch (error) {
        notes.push(`${peer}: cold hit failed, not reported: ${firstLine(error)}`);
        cold[peer] = undefined; // no half-measured cold figure
      }
    }
  }
  for (const peer of persisted) if (results[peer] && cold[peer]) results[peer].cold = cold[peer];
  if (results.joblib) notes.push(`joblib ${joblib.versions.replace(' ', ' on Python ')} (${joblib.python}), \`Memory(location, verbose=0)\`: its defaults except the per-call log lines`);
  return { results, notes };
}

function firstLine(error) {
  return String(error.message ?? error).split('\n')[0];
}

function childCommand(peer, mode) {
  if (peer === 'joblib') return `/usr/bin/python3 bench/peers/joblib_child.py ${mode} $DIR ${KEYS}`;
  return `node bench/peers/child.js ${mode} ${peer} $DIR ${KEYS}`;
}

const LABEL = { ...Object.fromEntries(Object.entries(adapters).map(([k, v]) => [k, v.label])), joblib: 'joblib.Memory (Python)' };

const CHART_PANELS = {
  'cold hit': 'Cold hit per call, fresh process, 1,000 keys on disk (µs, median)',
  'warm hit, 1 key': 'Warm hit per call, 1 key repeated (µs, median)',
};

/**
 * Reasons the run itself can give for a missed target, from the other figures of the same run
 * (RESULTS.md prints them after "missed by N×"; other misses get a placeholder for a human).
 */
function explainMisses(rows, medians) {
  const floorMiss = medians['miss overhead']?.floor;
  const floorCold = medians['cold hit']?.floor;
  const firstCall = medians['first call']?.smartcache;
  const sc = (measure) => medians[measure]?.smartcache;
  const fmt = (ns) => formatValue(us(ns), 'µs');
  for (const row of rows) {
    if (row.measure === 'miss overhead' && row.target && floorMiss !== undefined && floorMiss > 0) {
      const share = floorMiss / (row.value * 1e3);
      row.note = `On this disk a bare writeFileSync of a new small file (the floor's miss) costs ${fmt(floorMiss)}, ${(share * 100).toFixed(0)}% of this.`;
      row.explained = share >= 0.5; // file creation dominates: the disk, not smartcache, sets the figure
    }
    if (row.figure.startsWith('cold hit, fresh') && row.peer === 'smartcache' && floorCold !== undefined) {
      row.note = `The floor (readFileSync alone) takes ${fmt(floorCold)} per file here; the rest is hashing the arguments, checking and decoding the entry${firstCall ? ` (the one-time first call, with the fingerprint, takes ${fmt(firstCall)} and is not in this figure)` : ''}.`;
    }
    if (row.figure === 'cold hit: memoize-fs ÷ smartcache' && medians['cold hit']?.['memoize-fs'] && floorCold) {
      const need = medians['cold hit']['memoize-fs'] / 10;
      row.note = `Meeting it needs smartcache's cold hit at ≤ ${fmt(need)} (it is ${fmt(sc('cold hit'))}), ${formatValue(need / floorCold, '×')} the readFileSync floor of this run.`;
    }
    if (row.figure.endsWith(': smartcache ÷ memoizee')) {
      const measure = row.figure.startsWith('warm hit, 1 key') ? 'warm hit, 1 key' : 'warm hit, 1,000 keys';
      const m = medians[measure]?.memoizee;
      if (m) row.note = `Meeting it needs smartcache's warm hit at ≤ ${fmt(2 * m)} (it is ${fmt(sc(measure))}).`;
    }
  }
}

/** Rows: one per tool and measure, then the ratios the targets are about. */
function toRows({ results, notes }, { quick }) {
  const rows = [];
  const medians = {};
  const add = (peer, measure, figure, ns, command, extra = {}) => {
    if (ns === undefined || !Number.isFinite(ns)) return;
    (medians[measure] ??= {})[peer] = ns;
    const panel = CHART_PANELS[measure];
    const chart = panel && peer !== 'uncached' ? { chart: { panel, label: LABEL[peer] ?? peer, ref: peer === 'smartcache', highlight: peer === 'smartcache' } } : {};
    rows.push({ figure, command, value: us(ns), unit: 'µs', peer: LABEL[peer] ?? peer, measure, ...chart, ...extra });
  };
  const bare = results.uncached ? median(results.uncached.session.warmNs) : undefined;
  const sc = (target) => (peer) => (peer === 'smartcache' ? { target } : {});

  for (const [peer, r] of Object.entries(results)) {
    const s = r.session;
    add(peer, 'warm hit, 1 key', `warm hit, 1 key repeated: ${LABEL[peer]}`, median(s.warmOneNs), `${childCommand(peer, 'session')} ${s.warmNs.length}`, sc('≤ 0.25 µs')(peer));
    add(peer, 'warm hit, 1,000 keys', `warm hit, 1,000 keys in turn: ${LABEL[peer]}`, median(s.warmNs), `${childCommand(peer, 'session')} ${s.warmNs.length}`);
    if (r.cold?.length) {
      const runs = r.cold.length;
      add(peer, 'cold hit', `cold hit, fresh process, 1,000 keys on disk: ${LABEL[peer]}`, median(r.cold.map((c) => c.coldNs)), `${childCommand(peer, 'cold')}  (${runs} fresh processes)`, sc('≤ 30 µs')(peer));
      add(peer, 'first call', `first call in a fresh process: ${LABEL[peer]}`, median(r.cold.map((c) => c.firstNs)), `${childCommand(peer, 'cold')}  (${runs} fresh processes)`);
    }
    if (peer !== 'uncached' && bare !== undefined) {
      add(peer, 'miss overhead', `miss overhead (miss − bare call): ${LABEL[peer]}`, median(s.missNs) - bare, `${childCommand(peer, 'session')} ${s.warmNs.length}`, sc('≤ 100 µs')(peer));
    }
  }

  const order = ['warm hit, 1 key', 'warm hit, 1,000 keys', 'cold hit', 'first call', 'miss overhead'];
  rows.sort((a, b) => order.indexOf(a.measure) - order.indexOf(b.measure)); // stable: tool order kept

  const ratio = (figure, measure, num, den, target, command, headline = false) => {
    const a = medians[measure]?.[num];
    const b = medians[measure]?.[den];
    if (a === undefined || b === undefined || b <= 0) return;
    rows.push({ figure, command, value: a / b, unit: '×', ...(target ? { target } : {}), measure: 'ratio', ...(headline ? { headline } : {}) });
  };
  const cmd = `node bench/peers.js${quick ? ' --quick' : ''}`;
  for (const measure of ['warm hit, 1 key', 'warm hit, 1,000 keys']) {
    const main = measure === 'warm hit, 1 key';
    ratio(`${measure}: memoize-fs ÷ smartcache`, measure, 'memoize-fs', 'smartcache', '≥ 10×', cmd, main);
    ratio(`${measure}: smartcache ÷ memoizee`, measure, 'smartcache', 'memoizee', '≤ 2×', cmd, main);
    ratio(`${measure}: smartcache ÷ uncached call`, measure, 'smartcache', 'uncached', undefined, cmd);
  }
  ratio('cold hit: memoize-fs ÷ smartcache', 'cold hit', 'memoize-fs', 'smartcache', '≥ 10×', cmd, true);
  ratio('cold hit: smartcache ÷ readFileSync floor', 'cold hit', 'smartcache', 'floor', '≤ 3×', cmd, true);
  ratio('cold hit: cacache ÷ smartcache', 'cold hit', 'cacache', 'smartcache', undefined, cmd);
  ratio('cold hit: joblib.Memory ÷ smartcache', 'cold hit', 'joblib', 'smartcache', undefined, cmd);
  ratio('miss overhead: smartcache ÷ floor (one writeFileSync of a new file)', 'miss overhead', 'smartcache', 'floor', undefined, cmd);

  explainMisses(rows, medians);
  const allNotes = [...notes];
  if (medians['miss overhead']?.floor !== undefined) {
    allNotes.push(`a bare writeFileSync of a new small file costs ${us(medians['miss overhead'].floor).toFixed(0)} µs on this disk (floor miss row): every persisting tool pays it on a miss`);
  }
  allNotes.push('memoizee is used with its defaults (no `primitive: true`): with several arguments it looks them up level by level, which grows with the number of keys (1,000 keys in turn)');
  allNotes.push('memoize-fs, cacache and joblib.Memory have no in-process layer by default: their warm hits read the disk like their cold hits');
  allNotes.push('the floor returns the file bytes without decoding; its "miss" is readFileSync (ENOENT) + writeFileSync');
  return { rows, notes: allNotes };
}

async function run({ quick = false } = {}) {
  return toRows(await measure({ quick }), { quick });
}

module.exports = { run };

if (require.main === module) {
  require('./lib/standalone').main(run, 'peers');
}
