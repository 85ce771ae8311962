/**
 * Whether an ordinary function is sloppy-mode code. Its text does not say when the strictness is
 * inherited (a `'use strict'` at the top of its file or of an enclosing function), yet it decides
 * what the function does (`this` of a plain call, `arguments` aliasing, assignments to undeclared
 * names). V8 gives sloppy ordinary functions own `caller` and `arguments` properties and strict
 * ones none (arrows, methods, generators and async functions have none either way: for them
 * this says nothing). Reading an own-property check runs no code.
 */
export function isSloppyFunction(fn: Function): boolean {
  return Object.prototype.hasOwnProperty.call(fn, 'caller') && Object.prototype.hasOwnProperty.call(fn, 'arguments');
}
