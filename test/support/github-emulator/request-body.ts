/**
 * Reading fields of a request body the way GitHub checks them: a missing required field and a field
 * of the wrong type each answer 422 with GitHub's wording.
 */
import { fieldInvalid, fieldMissing } from './api-error.js';

type Body = Readonly<Record<string, unknown>>;

export function requiredString(body: Body, field: string): string {
  const value = body[field];
  if (value === undefined || value === null) throw fieldMissing(field);
  if (typeof value !== 'string') throw fieldInvalid(field, value, 'string');
  return value;
}

export function optionalString(body: Body, field: string): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw fieldInvalid(field, value, 'string');
  return value;
}

/** A string field where `null` is meaningful (it clears the value). */
export function nullableString(body: Body, field: string): string | null | undefined {
  const value = body[field];
  if (value === null) return null;
  return optionalString(body, field);
}

export function optionalBoolean(body: Body, field: string): boolean | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw fieldInvalid(field, value, 'boolean');
  return value;
}

export function optionalEnum<T extends string>(
  body: Body,
  field: string,
  allowed: readonly T[],
): T | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw fieldInvalid(field, value, `member of ${JSON.stringify(allowed)}`);
  }
  return value as T;
}

export function optionalStringArray(body: Body, field: string): string[] | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw fieldInvalid(field, value, 'array');
  return value.map((item: unknown) => {
    if (typeof item === 'string') return item;
    // GitHub also takes label objects `{name}` where it takes names.
    if (typeof item === 'object' && item !== null && typeof (item as Body)['name'] === 'string') {
      return (item as Body)['name'] as string;
    }
    throw fieldInvalid(field, value, 'array of strings');
  });
}
