/** Whether Node treats a file as an ES module: by extension, else by the nearest package.json "type". */
import fs = require('node:fs');
import path = require('node:path');

function nearestPackageType(file: string): string | undefined {
  let dir = path.dirname(path.resolve(file));
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        const type = (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { type?: unknown }).type;
        return typeof type === 'string' ? type : undefined;
      } catch {
        return undefined;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function isEsmFile(file: string): boolean {
  const ext = path.extname(file);
  if (ext === '.mjs' || ext === '.mts') return true;
  if (ext === '.cjs' || ext === '.cts') return false;
  return nearestPackageType(file) === 'module';
}
