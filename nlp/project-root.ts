import fs from 'node:fs';
import path from 'node:path';

/**
 * The folder holding package.json: data files (corpus, sample FAQ) and caches live there,
 * whether this code runs from the sources (tsx, jest) or from the build in dist/.
 */
export const PROJECT_ROOT = findProjectRoot(__dirname);

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(start, '..');
  }
}
