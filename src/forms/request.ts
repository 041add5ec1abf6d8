// Reading what a request sends: the raw form body, bounded in size and parsed strictly, and the
// `validForm`/`validQuery` steps that hand a handler its input already typed by a zod schema.
import express, { type Request, type RequestHandler, type Response } from 'express';
import type { z } from 'zod';
import { BadRequest, UnsupportedMediaType } from '../errors.ts';
import { parseFormBody, type FormFields } from './body.ts';

/** 64 KiB holds every answer at its longest; anything larger is not a reader's form. */
export const formBody = express.raw({ type: 'application/x-www-form-urlencoded', limit: '64kb', inflate: false });

// A guard (the admin's CSRF check) and the handler both read the form: parse it once.
const parsedForms = new WeakMap<Request, FormFields>();

export function readForm(req: Request): FormFields {
  const known = parsedForms.get(req);
  if (known) return known;
  if (!Buffer.isBuffer(req.body)) throw new UnsupportedMediaType();
  const fields = parseFormBody(req.body);
  parsedForms.set(req, fields);
  return fields;
}

/**
 * A form as a plain object for a zod schema: each field's single value, or all its values for
 * the fields named in `lists`. A single-valued field sent twice is refused.
 */
export function formObject(fields: FormFields, lists: readonly string[] = []): Record<string, string | string[]> {
  const object = Object.create(null) as Record<string, string | string[]>;
  for (const [name, values] of fields) {
    if (lists.includes(name)) object[name] = [...values];
    else if (values.length > 1) throw new BadRequest(`The field "${name}" was sent more than once.`);
    else object[name] = values[0]!;
  }
  return object;
}

export type Handler<T> = (req: Request, res: Response, input: T) => Promise<void> | void;

/**
 * The posted form, parsed by `schema`, for `handler`. A form the schema refuses was not sent
 * by Postbag's own page (its fields are hidden or bounded there): 400 with `refusal`.
 */
export function validForm<T>(schema: z.ZodType<T>, handler: Handler<T>, options: FormOptions = {}): RequestHandler {
  const withFields = validFields(schema, handler, options);
  return (req, res) => withFields(req, res, readForm(req));
}

interface FormOptions {
  lists?: readonly string[];
  refusal?: string;
}

/** `validForm` for a form's fields held elsewhere than in the request (a form carried through sign-in). */
export function validFields<T>(schema: z.ZodType<T>, handler: Handler<T>, options: FormOptions = {}): Handler<FormFields> {
  return (req, res, fields) => {
    const parsed = schema.safeParse(formObject(fields, options.lists));
    if (!parsed.success) throw new BadRequest(options.refusal ?? 'This form is incomplete. Go back, reload the page and try again.');
    return handler(req, res, parsed.data);
  };
}

/** The query string, parsed by `schema` (which says itself what a bad value falls back to), for `handler`. */
export function validQuery<T>(schema: z.ZodType<T>, handler: Handler<T>, refusal = 'This address has a query Postbag does not understand.'): RequestHandler {
  return (req, res) => {
    const parsed = schema.safeParse(req.query);
    if (!parsed.success) throw new BadRequest(refusal);
    return handler(req, res, parsed.data);
  };
}
