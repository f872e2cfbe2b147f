import path from 'node:path';
import { stringify } from 'yaml';
import { expandDataPaths, readDataset } from '../../adapters/data/open-dataset.js';
import { writeFileAtomic } from '../../adapters/fs/write-file-atomic.js';
import { DataError } from '../../core/errors.js';
import type { DatasetSchema } from '../../core/schema/dataset-schema.js';
import { SchemaInferrer } from '../../core/schema/infer-schema.js';
import { CliUsageError } from '../cli-usage-error.js';
import { parseOptions } from '../parse-options.js';

const help = `mlops schema infer <data...>: propose a dataset schema from data

Options:
  --out <file>           write it there (default: print it)
  --target <column>      the column the model predicts (role: target)
  --max-categories <n>   most distinct values for a category column (default 20)`;

export async function runSchemaInfer(args: string[]): Promise<number> {
  const { values, positionals } = parseOptions(
    args,
    {
      out: { type: 'string' },
      target: { type: 'string' },
      'max-categories': { type: 'string', default: '20' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    true,
  );
  if (values.help) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  if (positionals.length === 0)
    throw new CliUsageError('schema infer needs at least one data file');
  const maxCategories = Number(values['max-categories']);
  if (!Number.isSafeInteger(maxCategories) || maxCategories < 1) {
    throw new CliUsageError(`--max-categories must be a whole number of at least 1`);
  }
  const cwd = process.cwd();
  const files = await expandDataPaths(
    positionals.map((p) => path.resolve(cwd, p)),
    cwd,
  );
  const inferrer = new SchemaInferrer({ maxCategories, target: values.target });
  for (const file of files) {
    for await (const event of readDataset(file.path, { displayName: file.displayName })) {
      if (event.kind === 'issue') {
        const { issue } = event;
        throw new DataError(
          `${issue.message}; fix the file (mlops validate lists every problem) and infer again`,
          {
            location: { file: issue.file, line: issue.line ?? undefined },
          },
        );
      }
      inferrer.add(event.batch);
    }
  }
  const schema = inferrer.result();
  if (values.target !== undefined && !(values.target in schema.columns)) {
    throw new CliUsageError(`--target "${values.target}" is not a column of the data`);
  }
  const text =
    `# Dataset schema proposed by \`mlops schema infer\` from ${files.map((f) => f.displayName).join(', ')}\n` +
    `# (${inferrer.rows} records). Tighten the ranges and categories to what you promise to accept.\n` +
    stringify(withoutDefaults(schema), { lineWidth: 100 });
  if (values.out !== undefined) {
    await writeFileAtomic(path.resolve(cwd, values.out), text);
    process.stdout.write(
      `wrote ${values.out}: ${Object.keys(schema.columns).length} columns from ${inferrer.rows} records\n`,
    );
  } else {
    process.stdout.write(text);
  }
  return 0;
}

/** Drops fields that say what the defaults say, so the proposal reads like a hand-written file. */
function withoutDefaults(schema: DatasetSchema): Record<string, unknown> {
  const columns: Record<string, Record<string, unknown>> = {};
  for (const [name, column] of Object.entries(schema.columns)) {
    const { nullable, required, role, unique, ...rest } = column;
    columns[name] = {
      ...(role !== 'feature' ? { role } : {}),
      ...(nullable ? { nullable } : {}),
      ...(required ? {} : { required }),
      ...(unique ? { unique } : {}),
      ...rest,
    };
    // `type` first: people read it before anything else.
    columns[name] = { type: rest.type, ...columns[name] };
  }
  return { version: schema.version, columns, ...(schema.rows ? { rows: schema.rows } : {}) };
}
