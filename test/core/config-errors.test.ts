import { describe, expect, it } from 'vitest';
import { parseMlopsConfig } from '../../src/core/config/mlops-config.js';
import { parseDatasetSchema } from '../../src/core/schema/dataset-schema.js';
import { ConfigError } from '../../src/core/errors.js';

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('mlops.yml', () => {
  it('reads a valid file and applies defaults', () => {
    const config = parseMlopsConfig(
      'model:\n  name: churn\ndata:\n  train: data/train.csv\n  eval: [a.csv, b.csv]\n',
      'mlops.yml',
    );
    expect(config).toEqual({
      version: 1,
      model: { name: 'churn', path: '.mlops/train/model.onnx' },
      data: { schema: 'schema.yml', train: ['data/train.csv'], eval: ['a.csv', 'b.csv'] },
    });
  });

  it('names file, line, column and field of a wrong type', () => {
    const error = errorOf(() =>
      parseMlopsConfig('model:\n  name: churn\ndata:\n  train: 42\n', 'repo/mlops.yml'),
    );
    expect(error.location).toEqual({
      file: 'repo/mlops.yml',
      line: 4,
      column: 10,
      field: 'data.train',
    });
    expect(error.message).toMatchInlineSnapshot(
      `"repo/mlops.yml:4:10 (data.train): expected string or array, received number"`,
    );
  });

  it('points at an unknown key and lists the known ones', () => {
    const error = errorOf(() =>
      parseMlopsConfig('model:\n  name: churn\ndata:\n  trian: x.csv\n', 'mlops.yml'),
    );
    expect(error.message).toMatchInlineSnapshot(
      `"mlops.yml:4:3 (data.trian): unknown field "trian"; expected one of: schema, train, eval, null-values"`,
    );
  });

  it('explains a bad model name', () => {
    const error = errorOf(() =>
      parseMlopsConfig('model:\n  name: My Model\ndata: {}\n', 'mlops.yml'),
    );
    expect(error.message).toMatchInlineSnapshot(
      `"mlops.yml:2:9 (model.name): expected a model name of lower-case letters, digits and "-", starting and ending with a letter or digit (GTO's naming rule: it becomes part of release tags such as <name>@v1.2.0)"`,
    );
  });

  it('reports a missing section at the top level', () => {
    const error = errorOf(() => parseMlopsConfig('data: {}\n', 'mlops.yml'));
    expect(error.message).toMatchInlineSnapshot(
      `"mlops.yml:1:1 (model): missing required field; expected object"`,
    );
  });

  it('reports YAML syntax errors with their position', () => {
    const error = errorOf(() => parseMlopsConfig('model:\n  name: [a, b\n', 'mlops.yml'));
    expect(error.location?.file).toBe('mlops.yml');
    expect(error.message).toMatchInlineSnapshot(
      `"mlops.yml:3:1: Flow sequence in block collection must be sufficiently indented and end with a ]"`,
    );
  });

  it('rejects duplicated keys, which YAML parsers otherwise resolve silently', () => {
    const error = errorOf(() => parseMlopsConfig('model:\n  name: a\n  name: b\n', 'mlops.yml'));
    expect(error.message).toMatch(/^mlops\.yml:3:3: Map keys must be unique/);
  });
});

describe('schema.yml', () => {
  it('accepts every type with its rules', () => {
    const schema = parseDatasetSchema(
      [
        'columns:',
        '  age: {type: integer, min: 0, max: 120}',
        '  income: {type: number, nullable: true}',
        '  member: {type: boolean}',
        '  plan: {type: category, values: [free, pro]}',
        '  email: {type: string, pattern: "[^@]+@[^@]+", max-length: 254, unique: true}',
        '  joined: {type: datetime, min: 2000-01-01}',
        '  note: {type: text, required: false}',
        '  id: {type: integer, role: id, unique: true}',
        'rows: {min: 1}',
        'extra-columns: warn',
      ].join('\n'),
      'schema.yml',
    );
    expect(Object.keys(schema.columns)).toEqual([
      'age',
      'income',
      'member',
      'plan',
      'email',
      'joined',
      'note',
      'id',
    ]);
    expect(schema.columns.joined).toMatchObject({
      type: 'datetime',
      min: '2000-01-01',
      nullable: false,
      role: 'feature',
    });
    expect(schema['null-values']).toEqual(['']);
  });

  it('refuses a rule that does not apply to the type, at its line', () => {
    const error = errorOf(() =>
      parseDatasetSchema('columns:\n  flag:\n    type: boolean\n    min: 0\n', 'schema.yml'),
    );
    expect(error.message).toMatchInlineSnapshot(
      `"schema.yml:4:10 (columns.flag.min): "min" does not apply to type boolean; it applies to: number, integer, datetime"`,
    );
  });

  it('refuses an invalid regular expression', () => {
    const error = errorOf(() =>
      parseDatasetSchema(
        'columns:\n  code:\n    type: string\n    pattern: "[A-Z"\n',
        'schema.yml',
      ),
    );
    expect(error.location).toMatchObject({ line: 4, field: 'columns.code.pattern' });
    expect(error.message).toContain('not a valid regular expression');
  });

  it('refuses min above max and an unknown type', () => {
    const error = errorOf(() =>
      parseDatasetSchema(
        'columns:\n  a: {type: number, min: 5, max: 1}\n  b: {type: float}\n',
        'schema.yml',
      ),
    );
    expect(error.message).toMatchInlineSnapshot(`
      "schema.yml:2:34 (columns.a.max): max (1) is below min (5)
      Also:
        schema.yml:3:13 (columns.b.type): Invalid option: expected one of "number"|"integer"|"boolean"|"category"|"string"|"datetime"|"text""
    `);
  });

  it('refuses a datetime bound that is not a date', () => {
    const error = errorOf(() =>
      parseDatasetSchema('columns:\n  day: {type: datetime, max: 2024-02-30}\n', 'schema.yml'),
    );
    expect(error.message).toContain('expected an ISO 8601 date or date-time');
    expect(error.location?.line).toBe(2);
  });
});
