import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { actionNames, actionsDir, renderActionReadme } from './action-docs.js';

const root = process.cwd();
for (const name of actionNames(root)) {
  const file = path.join(actionsDir, name, 'README.md');
  writeFileSync(path.join(root, file), await renderActionReadme(root, name));
  console.log(`wrote ${file}`);
}
