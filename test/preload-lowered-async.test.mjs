// `'use cache'` survives transpilation (contract), including async functions lowered below ES2017
// (`tsc --init` targets es2016): the directive then opens the generator handed to `__awaiter`
// (tsc) or `__async` (esbuild), and the outer function, which returns the promise, is the one to
// cache, not the generator (red team 3: it was left uncached with a warning).
import test from 'ava';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { installedProject, run } from './fixtures/contract/project.mjs';

// As tsc --target es2016 --module commonjs and esbuild --target=es2015 print them.
const AWAITER = `var __awaiter = (this && this.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};
var __async = (__this, __arguments, generator) => {
  return new Promise((resolve, reject) => {
    var fulfilled = (value) => { try { step(generator.next(value)); } catch (e) { reject(e); } };
    var rejected = (value) => { try { step(generator.throw(value)); } catch (e) { reject(e); } };
    var step = (x) => x.done ? resolve(x.value) : Promise.resolve(x.value).then(fulfilled, rejected);
    step((generator = generator.apply(__this, __arguments)).next());
  });
};
`;

const APP = `${AWAITER}
const runs = [];
function load(id) {
    return __awaiter(this, void 0, void 0, function* () {
        'use cache';
        runs.push('load');
        yield new Promise((r) => setTimeout(r, 1));
        return id * 2;
    });
}
const arrow = (id) => __awaiter(void 0, void 0, void 0, function* () {
    'use cache';
    runs.push('arrow');
    return id * 3;
});
function viaEsbuild(id) {
  return __async(this, null, function* () {
    "use cache";
    runs.push('viaEsbuild');
    return id * 4;
  });
}
class Repo {
    find(id) {
        return __awaiter(this, void 0, void 0, function* () {
            'use cache';
            runs.push('Repo#find');
            return id * 5;
        });
    }
}
(() => __awaiter(void 0, void 0, void 0, function* () {
    const values = [yield load(1), yield arrow(1), yield viaEsbuild(1), yield new Repo().find(1)];
    console.log(JSON.stringify({ values, runs }));
}))();
`;

test("'use cache' in async functions lowered to generators caches the async function", (t) => {
  const dir = installedProject();
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  fs.writeFileSync(path.join(dir, 'app.js'), APP);
  const args = ['--require', 'smartcache/register', 'app.js'];
  const first = run(dir, args, { SMARTCACHE_LOG: '1' });
  t.deepEqual(first.json, { values: [2, 3, 4, 5], runs: ['load', 'arrow', 'viaEsbuild', 'Repo#find'] }, first.stderr);
  t.notRegex(first.stderr, /SMARTCACHE_ANNOTATION/);
  for (const name of ['load', 'arrow', 'viaEsbuild', 'Repo#find']) t.regex(first.stderr, new RegExp(`\\[smartcache\\] miss app\\.js#${name} `));
  const second = run(dir, args, { SMARTCACHE_LOG: '1' });
  t.deepEqual(second.json, { values: [2, 3, 4, 5], runs: [] }, second.stderr);
  fs.writeFileSync(path.join(dir, 'app.js'), APP.replace('return id * 2;', 'return id * 20;'));
  const edited = run(dir, args, { SMARTCACHE_LOG: '1' });
  t.deepEqual(edited.json, { values: [20, 3, 4, 5], runs: ['load'] }, edited.stderr);
});
