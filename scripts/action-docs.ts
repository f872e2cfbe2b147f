/**
 * Each action's README (inputs and outputs) is generated from its action.yml, so the docs cannot
 * disagree with what the runner reads. A test checks the committed READMEs are up to date;
 * `npm run docs` rewrites them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { markdownTable } from 'markdown-table';
import { format } from 'prettier';
import { parse } from 'yaml';

interface ActionYaml {
  name: string;
  description: string;
  inputs?: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description: string }>;
}

export const actionsDir = 'actions';

export function actionNames(root: string): string[] {
  return readdirSync(path.join(root, actionsDir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ').trim();

export async function renderActionReadme(root: string, name: string): Promise<string> {
  const action = parse(
    readFileSync(path.join(root, actionsDir, name, 'action.yml'), 'utf8'),
  ) as ActionYaml;
  const inputs = Object.entries(action.inputs ?? {});
  const outputs = Object.entries(action.outputs ?? {});
  const lines = [
    `<!-- Generated from action.yml by \`npm run docs\`; edit action.yml instead. -->`,
    `# ${action.name}`,
    '',
    action.description,
    '',
    '```yaml',
    `- uses: mlops-actions/mlops-actions/actions/${name}@v1`,
    ...(inputs.length > 0 ? ['  with:'] : []),
    ...inputs.map(
      ([key, input]) =>
        `    ${key}: ${input.default === undefined ? "''" : JSON.stringify(input.default)}`,
    ),
    '```',
    '',
    '## Inputs',
    '',
    inputs.length === 0
      ? 'None.'
      : markdownTable([
          ['Input', 'Required', 'Default', 'Description'],
          ...inputs.map(([key, input]) => [
            `\`${key}\``,
            input.required ? 'yes' : 'no',
            input.default === undefined || input.default === '' ? '' : `\`${cell(input.default)}\``,
            cell(input.description),
          ]),
        ]),
    '',
    '## Outputs',
    '',
    outputs.length === 0
      ? 'None.'
      : markdownTable([
          ['Output', 'Description'],
          ...outputs.map(([key, output]) => [`\`${key}\``, cell(output.description)]),
        ]),
    '',
  ];
  // Prettier checks the repository, so the generated file is written the way it would format it.
  return format(lines.join('\n'), { parser: 'markdown', singleQuote: true, printWidth: 100 });
}
