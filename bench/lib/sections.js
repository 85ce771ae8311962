'use strict';
// What a bench file's run() may return, made uniform: an array of rows, or { rows, notes }.
// A row is { figure, command, value, unit, target?, ok?, note? } (+ peer/measure for comparisons).

function isRow(row) {
  return row !== null && typeof row === 'object' && typeof row.figure === 'string';
}

/** `{ title, rows, notes }` from whatever run() returned; malformed rows become a note. */
function normalize(title, returned) {
  const rows = Array.isArray(returned) ? returned : Array.isArray(returned?.rows) ? returned.rows : [];
  const notes = Array.isArray(returned?.notes) ? returned.notes.map(String) : [];
  const good = rows.filter(isRow);
  if (good.length !== rows.length) notes.push(`${rows.length - good.length} malformed row(s) ignored`);
  if (good.length === 0 && rows.length === 0 && !Array.isArray(returned) && !returned?.rows) {
    notes.push('run() returned no rows');
  }
  return { title, rows: good, notes };
}

module.exports = { normalize, isRow };
