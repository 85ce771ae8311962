'use strict';
// Mutation sites of one source file, found with acorn, and the edits that make mutants of them.
//
// Behaviour edits (must recompute when the output changes): operators, constants, branches,
// regular expression literals, table entries (array elements), default parameters, class
// fields, deleted statements. Must-hit edits: comments, whitespace, layout (a line break after a
// binary operator, parentheses around a returned value), an unused function (CommonJS) or an
// unused export (ES modules) added at the end of the module.
const acorn = require('acorn');

const SWAP = {
  '+': '-', '-': '+', '*': '/', '/': '*', '%': '*', '<': '<=', '<=': '<', '>': '>=', '>=': '>',
  '===': '!==', '!==': '===', '==': '!=', '!=': '==', '&&': '||', '||': '&&', '??': '||', '&': '|', '|': '&',
  '<<': '>>', '>>': '<<', '>>>': '>>',
};

const BEHAVIOUR = ['operator', 'constant', 'branch', 'regex', 'table', 'default', 'field', 'delete'];
const MUST_HIT = ['comment', 'whitespace', 'layout', 'unused', 'unused-export', 'rename'];

function parse(text, module) {
  return acorn.parse(text, {
    ecmaVersion: 'latest',
    sourceType: module ? 'module' : 'script',
    allowHashBang: true,
    allowReturnOutsideFunction: !module,
  });
}

function parses(text, module) {
  try {
    parse(text, module);
    return true;
  } catch {
    return false;
  }
}

function children(node) {
  const out = [];
  for (const key of Object.keys(node)) {
    if (key === 'loc' || key === 'range') continue;
    const v = node[key];
    if (Array.isArray(v)) for (const c of v) { if (c && typeof c.type === 'string') out.push(c); }
    else if (v && typeof v.type === 'string') out.push(v);
  }
  return out;
}

const FUNCTION = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);
const STATEMENT_PARENTS = new Set(['BlockStatement', 'StaticBlock']);

/**
 * Every site of `text`: `{ kind, start, end, replacement }` (a text splice), tagged with the
 * offset that coverage decides on (`at`) and whether it lies inside a function (`inFunction`).
 */
function findSites(text, module) {
  const ast = parse(text, module);
  const sites = [];
  const add = (kind, start, end, replacement, at = start) => sites.push({ kind, start, end, replacement, at });
  // Nodes that are keys, directives, module specifiers or require() arguments are not constants.
  const skip = new WeakSet();
  const stack = [[ast, null, 0]];
  while (stack.length > 0) {
    const [node, parent, fnDepth] = stack.pop();
    const inFn = fnDepth > 0;
    if (inFn) visit(node, parent);
    const depth = fnDepth + (FUNCTION.has(node.type) ? 1 : 0);
    if (node.type === 'Property' || node.type === 'PropertyDefinition' || node.type === 'MethodDefinition') {
      if (!node.computed && node.key) skip.add(node.key);
    }
    if (node.type === 'ImportDeclaration' || node.type === 'ExportAllDeclaration' || node.type === 'ExportNamedDeclaration' || node.type === 'ImportExpression') {
      if (node.source) skip.add(node.source);
    }
    if (node.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === 'require') for (const a of node.arguments) skip.add(a);
    if (node.type === 'ExpressionStatement' && node.directive !== undefined) skip.add(node.expression);
    if (node.type === 'MemberExpression' && !node.computed) skip.add(node.property);
    for (const c of children(node)) stack.push([c, node, depth]);
  }

  function visit(node, parent) {
    switch (node.type) {
      case 'BinaryExpression':
      case 'LogicalExpression': {
        const swap = SWAP[node.operator];
        if (swap === undefined) break;
        const between = text.slice(node.left.end, node.right.start);
        const i = between.indexOf(node.operator);
        if (i < 0) break;
        const start = node.left.end + i;
        add('operator', start, start + node.operator.length, swap);
        // Layout: a line break after the operator (never a restricted production).
        add('layout', start + node.operator.length, start + node.operator.length, '\n      ');
        break;
      }
      case 'Literal': {
        if (skip.has(node)) break;
        if (node.regex) {
          if (node.regex.pattern.includes('(?<') || /\\\d/.test(node.regex.pattern)) break;
          add('regex', node.start, node.end, `/(?:${node.regex.pattern}){2}/${node.regex.flags}`);
        } else if (typeof node.value === 'number' && Number.isFinite(node.value)) {
          add('constant', node.start, node.end, String(node.value + 1));
        } else if (typeof node.value === 'string') {
          const q = node.raw[0];
          add('constant', node.start, node.end, `${q}~${node.raw.slice(1)}`);
        } else if (typeof node.value === 'boolean') {
          add('constant', node.start, node.end, String(!node.value));
        }
        break;
      }
      case 'IfStatement':
        add('branch', node.test.start, node.test.end, `!(${text.slice(node.test.start, node.test.end)})`);
        break;
      case 'ConditionalExpression':
        add('branch', node.test.start, node.test.end, `!(${text.slice(node.test.start, node.test.end)})`);
        break;
      case 'ArrayExpression': {
        const els = node.elements;
        if (els.length < 2) break;
        for (let i = 0; i < els.length; i++) {
          const el = els[i];
          if (!el) continue;
          const end = i + 1 < els.length && els[i + 1] ? els[i + 1].start : el.end;
          add('table', el.start, end, '', el.start);
        }
        break;
      }
      case 'AssignmentPattern':
        if (parent && (FUNCTION.has(parent.type) || parent.type === 'ObjectPattern' || parent.type === 'Property')) {
          add('default', node.right.start, node.right.end, 'void 0');
        }
        break;
      case 'PropertyDefinition':
        if (node.value) add('field', node.value.start, node.value.end, 'void 0');
        break;
      case 'ReturnStatement':
        if (node.argument) add('layout', node.argument.start, node.argument.end, `(${text.slice(node.argument.start, node.argument.end)})`);
      // falls through
      case 'ExpressionStatement':
        if (parent && STATEMENT_PARENTS.has(parent.type)) {
          add('delete', node.start, node.end, ';');
          add('comment', node.start, node.start, '/* corpus: a comment */ ');
          add('whitespace', node.start, node.start, '\n\t  \n    ');
        }
        break;
      default:
        break;
    }
  }
  return sites;
}

/** Identifier nodes of `fn` that are variables (not property keys, member names or labels). */
function variableIdentifiers(fn) {
  const out = [];
  const stack = [[fn, null, null]];
  while (stack.length > 0) {
    const [node, parent, field] = stack.pop();
    if (node.type === 'Identifier') {
      const nameField =
        (parent && parent.type === 'MemberExpression' && field === 'property' && !parent.computed) ||
        (parent && (parent.type === 'Property' || parent.type === 'MethodDefinition' || parent.type === 'PropertyDefinition') && field === 'key' && !parent.computed) ||
        (parent && (parent.type === 'LabeledStatement' || parent.type === 'BreakStatement' || parent.type === 'ContinueStatement')) ||
        (parent && parent.type === 'MetaProperty');
      if (!nameField) out.push({ node, shorthand: parent && parent.type === 'Property' && parent.shorthand && field === 'value' });
      continue;
    }
    for (const key of Object.keys(node)) {
      if (key === 'loc') continue;
      const v = node[key];
      if (Array.isArray(v)) for (const c of v) { if (c && typeof c.type === 'string') stack.push([c, node, key]); }
      else if (v && typeof v.type === 'string') stack.push([v, node, key]);
    }
  }
  return out;
}

/**
 * Consistent renames of a parameter of a function (a must-hit edit: alpha-equivalence). Every
 * variable occurrence of the name inside the function is renamed (inner redeclarations too,
 * which keeps the meaning); a shorthand `{ p }` becomes `{ p: p2 }`. Functions using `eval`,
 * `with` or `arguments` are left alone.
 */
function renameSites(text, module) {
  const ast = parse(text, module);
  const sites = [];
  const stack = [ast];
  while (stack.length > 0) {
    const node = stack.pop();
    for (const c of children(node)) stack.push(c);
    if (!FUNCTION.has(node.type)) continue;
    const param = node.params.find((p) => p.type === 'Identifier');
    if (!param) continue;
    const body = text.slice(node.start, node.end);
    if (/\beval\b|\bwith\s*\(|\barguments\b/.test(body)) continue;
    const fresh = `${param.name}_renamed`;
    if (body.includes(fresh)) continue;
    const edits = variableIdentifiers(node)
      .filter((o) => o.node.name === param.name)
      .map((o) => ({ start: o.node.start, end: o.node.end, text: o.shorthand ? `${param.name}: ${fresh}` : fresh }));
    // Shorthand key and value are two nodes over one text range: keep one edit per range.
    const unique = [...new Map(edits.map((e) => [e.start, e])).values()].sort((a, b) => a.start - b.start);
    if (unique.length < 2) continue;
    let out = '';
    let at = node.start;
    for (const e of unique) {
      out += text.slice(at, e.start) + e.text;
      at = e.end;
    }
    out += text.slice(at, node.end);
    sites.push({ kind: 'rename', start: node.start, end: node.end, replacement: out, at: param.start });
  }
  return sites;
}

/** The site applied to `text`. */
function apply(text, site) {
  return text.slice(0, site.start) + site.replacement + text.slice(site.end);
}

/** An unused function (CommonJS) or unused export (ES module) at the end of the module. */
function unusedSite(text, module) {
  const code = module
    ? '\nexport function corpusUnused(a) { return a * 2; }\n'
    : '\nfunction corpusUnused(a) { return a * 2; }\n';
  return { kind: 'unused', start: text.length, end: text.length, replacement: code, at: -1 };
}

/**
 * An unused CommonJS export at the end of the module (`module.exports.corpusUnused = …`): when
 * the module's exports object is a class or a function, this hangs a new static on it.
 */
function unusedExportSite(text) {
  const code = '\nif (typeof module === "object" && module.exports) module.exports.corpusUnused = function corpusUnused(a) { return a * 2; };\n';
  return { kind: 'unused-export', start: text.length, end: text.length, replacement: code, at: -1 };
}

module.exports = { findSites, renameSites, apply, unusedSite, unusedExportSite, parses, BEHAVIOUR, MUST_HIT };
