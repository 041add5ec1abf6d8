// Reading a posted web form: the raw body, bounded in size, parsed strictly.
import express, { type Request } from 'express';
import { BadRequest, UnsupportedMediaType } from '../errors.ts';
import { parseFormBody, type FormFields } from '../replies/form-body.ts';

/** 64 KiB holds every answer at its longest; anything larger is not a reader's form. */
export const formBody = express.raw({ type: 'application/x-www-form-urlencoded', limit: '64kb', inflate: false });

export function readForm(req: Request): FormFields {
  if (!Buffer.isBuffer(req.body)) throw new UnsupportedMediaType();
  return parseFormBody(req.body);
}

/**
 * A form as a plain object for a zod schema: each field's single value, or all its values for
 * the fields named in `lists`. A single-valued field sent twice is refused.
 */
export function formObject(fields: FormFields, lists: readonly string[] = []): Record<string, string | string[]> {
  const object: Record<string, string | string[]> = Object.create(null);
  for (const [name, values] of fields) {
    if (lists.includes(name)) object[name] = [...values];
    else if (values.length > 1) throw new BadRequest(`The field "${name}" was sent more than once.`);
    else object[name] = values[0]!;
  }
  return object;
}
