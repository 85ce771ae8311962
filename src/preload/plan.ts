/**
 * Turns annotated candidates into text edits. All edits stay on their line (no newline is ever
 * added), so line numbers never change; see insertion.ts for how columns are kept.
 *
 * The generated code calls one module-local function, `__sc$(target, site[, key, onPrototype])`,
 * created by the prologue from the runtime that `smartcache/register` installed on a global symbol
 * (see runtime.ts). Without that global (hooks inherited somewhere register did not run) the
 * prologue falls back to the identity, so the program runs uncached rather than failing.
 */
import type * as acorn from 'acorn';
import type { Annotated } from './annotations';
import type { StatementList } from './candidates';
import { scopeInsertionPoint } from './insertion';
import { REWRITTEN_MARK } from './filter';
import type { Parsed } from './parse';

export interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  /** Tie-break at one offset: closing wraps, then prologue, scope-top code, after-statement code, opening wraps, replacements. */
  readonly order: number;
}

const ORDER = { suffix: 0, prologue: 1, hoisted: 2, after: 3, prefix: 4, replace: 5 } as const;


function freeIdentifier(code: string, base: string): string {
  for (let i = 0; ; i++) {
    const id = i === 0 ? base : `${base}${i}`;
    if (!code.includes(id)) return id;
  }
}

function prologue(id: string, file: string, annotated: readonly Annotated[]): string {
  const sites = annotated.map(({ site }) => [site.line, site.qualifiedName, site.options]);
  const fallback = '{module:function(){return function(t){return t}}}';
  return `;var ${id}=(globalThis[${REWRITTEN_MARK}]||${fallback}).module(${JSON.stringify(file)},${JSON.stringify(sites)});`;
}

class EditPlan {
  readonly edits: Edit[] = [];
  private readonly afterStatement = new Map<acorn.AnyNode, string[]>();
  private readonly atScopeTop = new Map<StatementList, string[]>();
  private readonly defaults = new Map<acorn.ExportDefaultDeclaration, string[]>();
  private readonly letDeclarations = new Set<acorn.VariableDeclaration>();

  constructor(private readonly parsed: Parsed, private readonly id: string, private readonly defaultId: string) {}

  private push(map: Map<acorn.AnyNode, string[]>, key: acorn.AnyNode, text: string): void {
    const list = map.get(key);
    if (list === undefined) map.set(key, [text]);
    else list.push(text);
  }

  private wrap(expression: acorn.AnyNode, args: string): void {
    this.edits.push({ start: expression.start, end: expression.start, text: `${this.id}(`, order: ORDER.prefix });
    this.edits.push({ start: expression.end, end: expression.end, text: `,${args})`, order: ORDER.suffix });
  }

  /** `export default <anonymous>` → `var <id>=<same width>…;export default <id>;` when it fits on the line. */
  private canBindDefault(statement: acorn.ExportDefaultDeclaration): boolean {
    const span = this.parsed.code.slice(statement.start, statement.declaration.start);
    return !span.includes('\n') && span.length >= `var ${this.defaultId}=`.length;
  }

  /**
   * `const fib = function fib(n) { … fib(n - 1) … }`: inside, `fib` is the function expression's
   * own name, a binding nothing can reassign, so recursive calls would bypass the cache. The name
   * is blanked (spaces, same width: columns stay), so they reach the binding, which holds the
   * cached function; the function is still named `fib` (a name inferred from the binding).
   * Only for `const`: a `let` or `var` binding the program may reassign (`const orig = fib; fib =
   * other`), and then `orig(5)` would recurse into `other`, where the inner name kept calling the
   * function itself: such recursion stays uncached rather than change what the program computes.
   */
  private unshadow(fn: acorn.Node & { type: string; id?: acorn.Identifier | null }, binding: string): void {
    if (fn.type !== 'FunctionExpression' || fn.id === null || fn.id === undefined || fn.id.name !== binding) return;
    this.edits.push({ start: fn.id.start, end: fn.id.end, text: ' '.repeat(fn.id.end - fn.id.start), order: ORDER.replace });
  }

  add({ candidate }: Annotated, index: number): void {
    const p = candidate.placement;
    const id = this.id;
    switch (p?.kind) {
      case 'hoisted':
        this.push(this.atScopeTop as Map<acorn.AnyNode, string[]>, p.container, `${p.binding}=${id}(${p.binding},${index});`);
        break;
      case 'binding':
        if (p.declaration.kind === 'const') this.letDeclarations.add(p.declaration);
        if (p.declaration.kind === 'const') this.unshadow(candidate.fn, p.binding);
        this.push(this.afterStatement, p.statement, `${p.binding}=${id}(${p.binding},${index});`);
        break;
      case 'assign':
        this.push(this.afterStatement, p.statement, `${p.target}=${id}(${p.target},${index});`);
        break;
      case 'member':
        this.push(this.afterStatement, p.statement, `${id}(${p.holder},${index},${JSON.stringify(p.key)});`);
        break;
      case 'default': {
        const d = this.defaultId;
        if (this.canBindDefault(p.statement)) {
          const text = p.key === undefined ? `${d}=${id}(${d},${index});` : `${id}(${d}${p.proto === true ? '.prototype' : ''},${index},${JSON.stringify(p.key)});`;
          this.push(this.defaults as Map<acorn.AnyNode, string[]>, p.statement, text);
        } else if (p.key === undefined) {
          this.wrap(p.statement.declaration, String(index));
        } else {
          this.wrap(p.statement.declaration, `${index},${JSON.stringify(p.key)},${p.proto === true ? 1 : 0}`);
        }
        break;
      }
      case 'wrap':
        this.wrap(p.expression, String(index));
        break;
      case 'wrapMember':
        this.wrap(p.expression, `${index},${JSON.stringify(p.key)},${p.proto ? 1 : 0}`);
        break;
      case undefined:
        break;
    }
  }

  finish(prologueText: string): Edit[] {
    const code = this.parsed.code;
    for (const declaration of this.letDeclarations) {
      // `const` → `let` padded to the same width: the binding must be reassignable, columns must not move.
      if (code.startsWith('const', declaration.start)) this.edits.push({ start: declaration.start, end: declaration.start + 5, text: 'let  ', order: ORDER.replace });
    }
    for (const [statement, parts] of this.defaults) {
      const width = statement.declaration.start - statement.start;
      this.edits.push({ start: statement.start, end: statement.declaration.start, text: `var ${this.defaultId}=`.padEnd(width), order: ORDER.replace });
      // `export default function () {}` is named `default`; bound to our `var`, it would take the
      // var's name (before the stand-in copies it).
      const named = anonymous(statement.declaration) ? `Object.defineProperty(${this.defaultId},'name',{value:'default',configurable:true});` : '';
      this.push(this.afterStatement, statement, `${named}${parts.join('')}export default ${this.defaultId};`);
    }
    for (const [statement, parts] of this.afterStatement) {
      this.edits.push({ start: statement.end, end: statement.end, text: `;${parts.join('')}`, order: ORDER.after });
    }
    // Code that calls the helper while the module body runs must come after the prologue that
    // defines it (the prologue may not move down past it; insertion.ts). Replacements call nothing.
    const calls = this.edits.filter((e) => e.order === ORDER.after || e.order === ORDER.prefix);
    const limit = Math.min(...calls.map((e) => e.start));
    const top = scopeInsertionPoint(this.parsed, this.parsed.ast, limit);
    this.edits.push({ start: top.offset, end: top.offset, text: prologueText, order: ORDER.prologue });
    for (const [scope, parts] of this.atScopeTop) {
      // Module-level hoisted code goes with the prologue (ordered after it); in a function body
      // it runs when the function is called, long after the prologue.
      const at = scope === this.parsed.ast ? top : scopeInsertionPoint(this.parsed, scope);
      this.edits.push({ start: at.offset, end: at.offset, text: `;${parts.join('')}`, order: ORDER.hoisted });
    }
    return this.edits;
  }
}

/** A function or class with no name of its own (`export default function () {}`, an arrow). */
function anonymous(node: acorn.AnyNode): boolean {
  if (node.type === 'ArrowFunctionExpression') return true;
  if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ClassDeclaration' || node.type === 'ClassExpression') {
    return (node as { id?: unknown }).id === null || (node as { id?: unknown }).id === undefined;
  }
  return false;
}

export function planEdits(parsed: Parsed, annotated: readonly Annotated[], file: string): Edit[] {
  const id = freeIdentifier(parsed.code, '__sc$');
  const plan = new EditPlan(parsed, id, freeIdentifier(parsed.code, `${id}d`));
  annotated.forEach((a, i) => plan.add(a, i));
  return plan.finish(prologue(id, file, annotated));
}
