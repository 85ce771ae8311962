/**
 * Which candidates are annotated, with their tag settings:
 * 1. a JSDoc block holding `@cache` directly (only whitespace between) above the candidate's anchor;
 * 2. the `'use cache'` directive in the function body's directive prologue;
 * 3. for transpiled files, JSDoc tags read from the original source (see ts-source.ts), matched by
 *    name and original line.
 */
import type { Candidate, FunctionNode } from './candidates';
import { loweredAsyncBodies } from './lowered';
import type { Parsed } from './parse';
import { parseTagOptions, cacheTagText, type TagOptions } from './tag-options';
import type { SourceAnnotation } from './ts-source';

export interface Site {
  /** 1-based line in the file the user wrote. */
  readonly line: number;
  readonly qualifiedName: string;
  readonly options: TagOptions;
}

export interface Annotated {
  readonly candidate: Candidate;
  readonly site: Site;
}

export interface FileWarning {
  readonly line: number;
  readonly message: string;
}

export interface OriginalSource {
  readonly annotations: readonly SourceAnnotation[];
  /** Original 1-based line of an offset in the parsed (transpiled) code; undefined without a map. */
  readonly originalLine: (offset: number) => number | undefined;
  /**
   * The transpiler kept some tags but moved others away from their functions (swc hoists an
   * exported function's JSDoc to the top of the file): the original fills the gaps, and a moved
   * tag is not the user's mistake.
   */
  readonly fillsGaps?: boolean;
}

interface Tag {
  readonly text: string;
  /** The name the user wrote, when the transpiled code names the function otherwise (`default`). */
  readonly userName?: string;
  /** Line of the tag itself, for warnings. */
  readonly line: number;
  /** Line of the function in the original source, when the tag came from there. */
  readonly target?: number;
}

function bodyHasUseCache(fn: FunctionNode): boolean {
  const body = fn.body;
  if (body.type !== 'BlockStatement') return false;
  for (const statement of body.body) {
    if (statement.type !== 'ExpressionStatement' || statement.directive === undefined) return false;
    if (statement.directive === 'use cache') return true;
  }
  return false;
}

function hasUseCache(candidate: Candidate, lowered: ReadonlyMap<FunctionNode, FunctionNode>): boolean {
  if (bodyHasUseCache(candidate.fn)) return true;
  const inner = lowered.get(candidate.fn);
  return inner !== undefined && bodyHasUseCache(inner);
}

/**
 * Outer functions of `'use cache'` async functions lowered below ES2017 (lowered.ts), and the
 * lowered bodies holding the directive: the outer function is cached instead of them.
 */
function loweredAnnotated(candidates: readonly Candidate[]): { readonly outer: Map<FunctionNode, FunctionNode>; readonly bodies: Set<FunctionNode> } {
  const outer = loweredAsyncBodies(candidates);
  const bodies = new Set<FunctionNode>();
  for (const [fn, body] of outer) {
    if (bodyHasUseCache(body)) bodies.add(body);
    else outer.delete(fn);
  }
  return { outer, bodies };
}

/**
 * Babel names the function it returns for `const f = async function () {…}` after the binding
 * (`return function f(_x) {…}` inside a factory), which is where the user's name went.
 */
function loweredName(candidate: Candidate, lowered: ReadonlyMap<FunctionNode, FunctionNode>): string {
  const { fn, qualifiedName } = candidate;
  if (!lowered.has(fn) || fn.type !== 'FunctionExpression' || fn.id === null || fn.id === undefined) return qualifiedName;
  return qualifiedName.replace(/anonymous@\d+$/, fn.id.name);
}

/** JSDoc `@cache` blocks keyed by the offset of the first code after them. */
function tagsByNextOffset(parsed: Parsed): Map<number, Tag> {
  const tags = new Map<number, Tag>();
  for (const comment of parsed.comments) {
    const text = cacheTagText(comment.value);
    if (text === undefined) continue;
    let next = comment.end;
    while (next < parsed.code.length && /\s/.test(parsed.code[next] ?? '')) next++;
    tags.set(next, { text, line: parsed.line(comment.start + comment.value.indexOf('@cache') + 2) + 1 });
  }
  return tags;
}

/**
 * What a transpiler names an anonymous default export: esbuild (tsx) `lib_default` after the file
 * (`function lib_default(x)`, `var lib_default = (x) => …`), Babel and TypeScript `_default`.
 * Matched only by line (through the source map) like any other name, and cached under the name
 * the user wrote, `default`.
 */
const DEFAULT_BINDING = /(?:^|_)default\d*$/;

/** Pairs original-source tags with transpiled candidates by name, then by line (or by order without a map). */
function matchOriginal(candidates: readonly Candidate[], original: OriginalSource, warnings: FileWarning[]): Map<Candidate, Tag> {
  const matched = new Map<Candidate, Tag>();
  const used = new Set<Candidate>();
  for (const a of original.annotations) {
    if (a.name === '') {
      warnings.push({ line: a.tagLine, message: '@cache is not directly above a function; ignored' });
      continue;
    }
    const named = candidates.filter((c) => (c.simpleName === a.name || (a.name === 'default' && DEFAULT_BINDING.test(c.simpleName))) && !used.has(c));
    const byLine = named.find((c) => {
      const line = original.originalLine(c.anchor.start) ?? original.originalLine(c.fn.start);
      return line !== undefined && line >= a.firstLine && line <= a.nameLine;
    });
    const mapped = named.some((c) => original.originalLine(c.anchor.start) !== undefined);
    const pick = byLine ?? (mapped ? undefined : named[0]);
    if (pick === undefined) {
      warnings.push({ line: a.tagLine, message: `could not find the annotated function "${a.name}" in the transpiled code; it is not cached` });
      continue;
    }
    used.add(pick);
    const renamed = pick.simpleName !== a.name ? { userName: a.name } : {};
    matched.set(pick, { text: a.tagText, line: a.tagLine, target: a.nameLine, ...renamed });
  }
  return matched;
}

/**
 * Two annotated functions of one file with one namepath: the second is `name:2`, the third
 * `name:3`, in source order. Not the line: a comment added above would rename it (a miss).
 */
function uniqueName(name: string, taken: Map<string, number>): string {
  const seen = (taken.get(name) ?? 0) + 1;
  taken.set(name, seen);
  return seen === 1 ? name : `${name}:${seen}`;
}

export function selectAnnotated(
  parsed: Parsed,
  candidates: readonly Candidate[],
  original?: OriginalSource,
): { annotated: Annotated[]; warnings: FileWarning[] } {
  const warnings: FileWarning[] = [];
  const tags = tagsByNextOffset(parsed);
  const fromOriginal = original === undefined ? new Map<Candidate, Tag>() : matchOriginal(candidates, original, warnings);
  const usedTags = new Set<Tag>();
  const taken = new Map<string, number>();
  const annotated: Annotated[] = [];
  const lowered = loweredAnnotated(candidates);
  for (const candidate of candidates) {
    if (lowered.bodies.has(candidate.fn)) continue;
    const jsdoc = tags.get(candidate.anchor.start) ?? (candidate.anchor === candidate.fn ? undefined : tags.get(candidate.fn.start));
    if (jsdoc !== undefined) usedTags.add(jsdoc);
    const tag = jsdoc ?? fromOriginal.get(candidate);
    if (tag === undefined && !hasUseCache(candidate, lowered.outer)) continue;
    const mappedLine = original?.originalLine(candidate.anchor.start);
    const line = tag?.target ?? mappedLine ?? parsed.line(candidate.anchor.start) + 1;
    if (candidate.unsupported !== undefined || candidate.placement === undefined) {
      warnings.push({ line, message: `cannot cache ${candidate.qualifiedName}: ${candidate.unsupported ?? 'unsupported position'}` });
      continue;
    }
    const parsedTag = parseTagOptions(tag?.text ?? '');
    for (const message of parsedTag.warnings) warnings.push({ line: tag?.line ?? line, message });
    if (parsedTag.invalid) continue;
    const transpiledName = loweredName(candidate, lowered.outer);
    const userName = tag?.userName === undefined ? transpiledName : transpiledName.replace(/[^.#~]*$/, tag.userName);
    annotated.push({ candidate, site: { line, qualifiedName: uniqueName(userName, taken), options: parsedTag.options } });
  }
  for (const tag of tags.values()) {
    if (!usedTags.has(tag) && original?.fillsGaps !== true) warnings.push({ line: tag.line, message: '@cache is not directly above a function; ignored' });
  }
  return { annotated, warnings };
}
