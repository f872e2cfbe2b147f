/**
 * The README's command reference is generated from the command definitions, the same ones that
 * `mlops --help` prints (src/cli/command-definitions.ts), so the two cannot disagree. A test
 * checks the committed README is up to date; `npm run docs` rewrites the section.
 */
import { markdownTable } from 'markdown-table';
import { format } from 'prettier';
import type { Command } from '../src/cli/command-definition.js';
import { commands } from '../src/cli/command-definitions.js';
import { optionFlag, synopsis } from '../src/cli/render-help.js';

export const CLI_REFERENCE_START =
  '<!-- mlops commands: generated from src/cli/command-definitions.ts by `npm run docs`; edit the definitions instead. -->';
export const CLI_REFERENCE_END = '<!-- end of the generated mlops commands -->';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ').trim();

function commandSection(command: Command): string[] {
  const options = Object.entries(command.options).filter(([name]) => name !== 'help');
  return [
    '<details>',
    `<summary><code>mlops ${command.name}</code>: ${command.summary}</summary>`,
    '',
    ...(command.arguments?.length
      ? [
          markdownTable([
            ['Argument', 'Description'],
            ...command.arguments.map((arg) => [`\`${arg.name}\``, cell(arg.description)]),
          ]),
          '',
        ]
      : []),
    options.length === 0
      ? 'No options.'
      : markdownTable([
          ['Option', 'Description'],
          ...options.map(([name, option]) => [
            `\`${optionFlag(name, option)}\``,
            cell(
              option.required
                ? `required: ${option.description}`
                : option.multiple
                  ? `${option.description}${/repeat/.test(option.description) ? '' : '; repeatable'}`
                  : option.description,
            ),
          ]),
        ]),
    '',
    ...(command.notes !== undefined ? [command.notes, ''] : []),
    '```sh',
    ...command.examples.flatMap((example) => [`# ${example.description}`, example.command]),
    '```',
    '',
    '</details>',
    '',
  ];
}

/** The section between the markers: every command's synopsis, then its options and examples. */
export async function renderCliReference(): Promise<string> {
  const lines = [
    '```text',
    ...commands.flatMap((command) => synopsis(command)),
    '```',
    '',
    '`mlops <command> --help` (or `mlops help <command>`) prints the same options with examples;',
    'a mistyped command or flag gets the closest one. `mlops.yml` is the nearest one from the',
    'current folder up to the repository root, unless `--config` names one. A file named with',
    '`--out`, `--output`, `--report`, `--markdown`, `--comment-out` or `--issue-out` is written',
    'over only with `--force`.',
    '',
    ...commands.flatMap(commandSection),
  ];
  // Prettier checks the repository: the section is written the way it would format it.
  return format(lines.join('\n'), { parser: 'markdown', singleQuote: true, printWidth: 100 });
}

/** `readme` with the section between the markers replaced; throws when a marker is missing. */
export async function withCliReference(readme: string): Promise<string> {
  const start = readme.indexOf(CLI_REFERENCE_START);
  const end = readme.indexOf(CLI_REFERENCE_END);
  if (start === -1 || end === -1 || end < start) {
    throw new Error(`README.md has no "${CLI_REFERENCE_START}" … "${CLI_REFERENCE_END}" section`);
  }
  return `${readme.slice(0, start + CLI_REFERENCE_START.length)}\n\n${await renderCliReference()}\n${readme.slice(end)}`;
}
