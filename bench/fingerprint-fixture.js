'use strict';
/**
 * Writes a synthetic project for the fingerprint figures: `helpers` functions spread over
 * `modules` CommonJS files, each helper reading a module constant and calling the next helpers,
 * and an entry function that reaches all of them. Returns the folder.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

function writeProject({ modules, helpers, dir }) {
  const root = dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'smartcache-fp-bench-'));
  fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'fp-bench', version: '1.0.0' }));
  const perModule = Math.ceil(helpers / modules);
  const name = (i) => `h${i}`;
  const moduleOf = (i) => Math.floor(i / perModule);
  for (let m = 0; m < modules; m++) {
    const lines = ["'use strict';", `const K${m} = { factor: ${m + 1}, label: 'm${m}' };`];
    const others = new Set();
    for (let i = m * perModule; i < Math.min(helpers, (m + 1) * perModule); i++) {
      const next = [i + 1, i + 7].filter((j) => j < helpers);
      const calls = next.map((j) => (moduleOf(j) === m ? `${name(j)}(x - 1)` : `mod${moduleOf(j)}.${name(j)}(x - 1)`));
      for (const j of next) if (moduleOf(j) !== m) others.add(moduleOf(j));
      lines.push(`function ${name(i)}(x) {\n  if (x <= 0) return ${i};\n  return (${calls.join(' + ') || '0'}) * K${m}.factor + ${i};\n}`);
    }
    const requires = [...others].map((o) => `const mod${o} = require('./m${o}.js');`);
    const exported = [];
    for (let i = m * perModule; i < Math.min(helpers, (m + 1) * perModule); i++) exported.push(name(i));
    lines.splice(1, 0, ...requires.map((r) => r.replace('const', 'let')));
    lines.push(`module.exports = { ${exported.join(', ')} };`);
    // Cycles between modules: require lazily-resolved objects (exports objects are live).
    fs.writeFileSync(path.join(root, `m${m}.js`), lines.join('\n') + '\n');
  }
  fs.writeFileSync(
    path.join(root, 'entry.js'),
    `'use strict';\nconst m0 = require('./m0.js');\nfunction entry(x) { return m0.h0(x); }\nmodule.exports = { entry };\n`,
  );
  return root;
}

module.exports = { writeProject };
