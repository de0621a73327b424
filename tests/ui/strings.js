// The window's strings as Rust serves them: ui/i18n/<language>.json merged with each
// room's problem texts (src-tauri/core/i18n.rs).

import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../../ui/i18n/', import.meta.url));

export function strings(language) {
  const read = (path) => JSON.parse(readFileSync(path, 'utf8'));
  const problems = readdirSync(`${dir}problems`)
    .filter((name) => name.endsWith(`.${language}.json`))
    .map((name) => read(`${dir}problems/${name}`));
  return Object.assign(read(`${dir}${language}.json`), ...problems);
}
