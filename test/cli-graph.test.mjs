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
  const wide = node('module', 'big', Array.from({ length: MAX_NODES + 200 }, (_, i) => node('function', `f${i}`)));
  const layout = layoutTree(wide);
  t.is(layout.nodes.length, MAX_NODES);
  t.is(layout.omitted, 201);
  const html = renderHtml('big.js', [{ name: 'big', aliases: [], file: 'big.js', fingerprint: hex(1), explanation: { root: wide, dynamic: [] } }]);
  t.regex(html, /201 more nodes not drawn/);
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
