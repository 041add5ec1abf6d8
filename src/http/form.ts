// Reading a posted web form: the raw body, bounded in size, parsed strictly.
import express, { type Request } from 'express';
import { UnsupportedMediaType } from '../errors.ts';
import { parseFormBody, type FormFields } from '../replies/form-body.ts';

/** 64 KiB holds every answer at its longest; anything larger is not a reader's form. */
export const formBody = express.raw({ type: 'application/x-www-form-urlencoded', limit: '64kb', inflate: false });

export function readForm(req: Request): FormFields {
  if (!Buffer.isBuffer(req.body)) throw new UnsupportedMediaType();
  return parseFormBody(req.body);
}
