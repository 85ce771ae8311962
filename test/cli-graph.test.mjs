// The graph drawing of `explain --html/--dot`, on made-up trees: boxes never overlap, edges go
// from parent to child, text is escaped, and big trees are capped with a note.
import test from 'ava';
import { layoutTree, MAX_NODES } from '../dist/cli/graph-layout.js';
import { renderHtml } from '../dist/cli/graph-html.js';
import { renderDot } from '../dist/cli/graph-dot.js';

const hex = (i) => i.toString(16).padStart(64, '0');
let counter = 0;
const node = (kind, name, children = [], extra = {}) => ({ kind, name, hash: hex(++counter), fingerprint: hex(counter), children, ...extra });

/** A ragged tree: `fan` children per level with uneven depths and label lengths. */
function ragged(depth, fan, name = 'root') {
  if (depth === 0) return node('value', `${name}.leaf`, [], { preview: 'x'.repeat(name.length % 30) });
  const count = 1 + ((name.length * 7 + depth) % fan);
  return node('function', name, Array.from({ length: count }, (_, i) => ragged(i % 3 === 2 ? 0 : depth - 1, fan, `${name}${i}`)));
}

function overlaps(a, b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

test('no two boxes overlap, all fit in the canvas, children sit right of their parent', (t) => {
  const layout = layoutTree(ragged(5, 4));
  t.true(layout.nodes.length > 50, `${layout.nodes.length} nodes`);
  for (let i = 0; i < layout.nodes.length; i++) {
    const a = layout.nodes[i];
    t.true(a.x >= 0 && a.y >= 0 && a.x + a.width <= layout.width && a.y + a.height <= layout.height, `node ${i} inside`);
    for (let j = i + 1; j < layout.nodes.length; j++) if (overlaps(a, layout.nodes[j])) t.fail(`nodes ${i} and ${j} overlap`);
  }
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  t.is(layout.edges.length, layout.nodes.length - 1);
  for (const e of layout.edges) t.true(byId.get(e.from).x + byId.get(e.from).width < byId.get(e.to).x);
});

test('a huge tree is capped and says how much was left out', (t) => {
  // Each child has a child of its own, so nothing is folded: the cap alone limits the drawing.
  const wide = node('module', 'big', Array.from({ length: MAX_NODES }, (_, i) => node('function', `f${i}`, [node('value', `v${i}`)])));
  const layout = layoutTree(wide);
  t.is(layout.nodes.length, MAX_NODES);
  t.is(layout.omitted, 2 * MAX_NODES + 1 - MAX_NODES);
  const html = renderHtml('big.js', [{ name: 'big', aliases: [], file: 'big.js', fingerprint: hex(1), explanation: { root: wide, dynamic: [] } }]);
  t.regex(html, new RegExp(`${MAX_NODES + 1} more nodes not drawn`));
  t.regex(html, /the whole tree as text \(3001 nodes\)/, 'the full tree is still in the page, as text');
});

test('a long run of leaves is folded into one box naming them; the root is drawn first, at the top', (t) => {
  const leaves = Array.from({ length: 40 }, (_, i) => node('value', `CONFIG.k${i}`, [], { preview: String(i) }));
  const root = node('function', 'f', [node('function', 'helper', [node('value', 'x')]), ...leaves]);
  const layout = layoutTree(root);
  t.true(layout.nodes.length < 12, `${layout.nodes.length} boxes for 43 nodes`);
  const group = layout.nodes.find((n) => n.roles.includes('group'));
  t.truthy(group);
  t.is(group.members.length, 35);
  t.regex(group.lines[0], /… 35 more value/);
  const top = Math.min(...layout.nodes.map((n) => n.y));
  t.is(layout.nodes[0].node, root);
  t.is(layout.nodes[0].y, top, 'the root is level with the top of the drawing');
  const html = renderHtml('f.js', [{ name: 'f', aliases: [], file: 'f.js', fingerprint: hex(1), explanation: { root, dynamic: [] } }]);
  t.regex(html, /<title>value CONFIG\.k5 = 5\nvalue CONFIG\.k6 = 6/, 'the group names what it folds');
});

test('a changed node is never folded away, and is highlighted', (t) => {
  const leaves = Array.from({ length: 30 }, (_, i) => node('value', `k${i}`));
  const root = node('function', 'f', leaves);
  const changed = new Set([leaves[20]]);
  const layout = layoutTree(root, { changed });
  const drawn = layout.nodes.find((n) => n.node === leaves[20]);
  t.truthy(drawn, 'the changed leaf has its own box');
  t.true(drawn.roles.includes('changed'));
  const fn = { name: 'f', aliases: [], file: 'f.js', fingerprint: hex(1), explanation: { root, dynamic: [] } };
  const diff = { name: 'f', status: 'changed', mode: 'live', stored: hex(1), current: hex(2), storedAt: 1, changes: ['`k20` 1 → 2'], code: [{ name: 'f', before: 'function f() {\n  return 1;\n}', after: 'function f() {\n  return 2;\n}' }], edited: [], changedNodes: changed };
  const html = renderHtml('f.js', [fn], [diff]);
  t.regex(html, /<g class="node kind-value changed"><title>value k20/);
  t.regex(html, /<span class="del">- {3}return 1;<\/span>/);
  t.regex(html, /<span class="ins">\+ {3}return 2;<\/span>/);
});

test('a subtree reached twice is drawn once; the second occurrence is marked as a reference', (t) => {
  const shared = node('function', 'shared', [node('value', 'deep')]);
  const again = { ...shared, children: [] };
  const root = node('function', 'f', [node('function', 'a', [shared]), node('function', 'b', [again])]);
  const layout = layoutTree(root);
  t.is(layout.nodes.filter((n) => n.node.name === 'deep').length, 1);
  const ref = layout.nodes.find((n) => n.node === again);
  t.true(ref.roles.includes('repeat'));
  t.true(ref.lines.includes('↑ drawn where first reached'));
});

test('labels are escaped in HTML and DOT', (t) => {
  const root = node('function', 'f', [node('value', 'S', [], { preview: '"<script>alert(1)</script>"' }), node('dynamic', 'globalThis[<computed>]')]);
  const fn = { name: 'a<b>#f', aliases: [], file: 'a.js', fingerprint: hex(2), explanation: { root, dynamic: ['f: globalThis[<computed>]'] } };
  const html = renderHtml('a.js', [fn]);
  t.false(html.includes('<script>'));
  t.regex(html, /&#60;script&#62;/);
  t.regex(html, /class="node kind-dynamic dynamic"/);
  const dot = renderDot([fn]);
  t.regex(dot, /label="value S = \\"<script>alert\(1\)<\/script>\\"\\n#0+[0-9a-f]+"/);
  t.regex(dot, /color="#b91c1c", style="rounded,dashed"/);
});
