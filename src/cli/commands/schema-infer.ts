import path from 'node:path';
import { stringify } from 'yaml';
import { expandDataPaths, readDataset } from '../../adapters/data/open-dataset.js';
import { writeFileAtomic } from '../../adapters/fs/write-file-atomic.js';
import { DataError } from '../../core/errors.js';
import type { DatasetSchema } from '../../core/schema/dataset-schema.js';
import { SchemaInferrer } from '../../core/schema/infer-schema.js';
import { CliUsageError } from '../cli-usage-error.js';
import type { CommandInput } from '../command-definition.js';
import type { schemaInferOptions } from '../command-definitions.js';
import { refuseOverwrite } from '../output-files.js';

export async function runSchemaInfer({
  values,
  positionals,
}: CommandInput<typeof schemaInferOptions>): Promise<number> {
  const maxCategories = values['max-categories'];
  const cwd = process.cwd();
  // Before reading any data: a refusal should cost nothing.
  refuseOverwrite({ cwd, force: values.force, outputs: { '--out': values.out } });
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
