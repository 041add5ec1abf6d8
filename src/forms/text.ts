// Rules for what a reader may type. Line breaks (and tabs in long text) are the only control
// characters a browser's form sends; anything else (NUL, ESC, other C0/C1 codes, lone
// surrogates) means pasted binary or a forged request, and is refused with a message.

const forbiddenInLine = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;
const forbiddenInText = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/u;

export type TextCheck = { ok: true; value: string } | { ok: false; message: string };

/** A one-line field (names, display name, contact). */
export function checkLine(raw: string, maxLength: number): TextCheck {
  const value = raw.trim();
  if (forbiddenInLine.test(value) || !value.isWellFormed()) {
    return { ok: false, message: 'Please remove the control characters or line breaks from this field.' };
  }
  return checkLength(value, maxLength);
}

/** A multi-line answer; CRLF and lone CR become LF so that what is stored is plain lines. */
export function checkText(raw: string, maxLength: number): TextCheck {
  const value = raw.replace(/\r\n?/g, '\n').trim();
  if (forbiddenInText.test(value) || !value.isWellFormed()) {
    return { ok: false, message: 'Please remove the control characters from this answer.' };
  }
  return checkLength(value, maxLength);
}

function checkLength(value: string, maxLength: number): TextCheck {
  const length = [...value].length;
  if (length > maxLength) {
    return { ok: false, message: `Please shorten this to ${maxLength} characters (it has ${length}).` };
  }
  return { ok: true, value };
}

/** What to show back in a field after an error: the reader's text, minus what could never display. */
export function forRedisplay(raw: string): string {
  return raw.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/gu, '').toWellFormed();
}
