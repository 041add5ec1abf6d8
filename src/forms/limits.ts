// How long a typed value may be, wherever it is typed: by a reader in the form, or by the
// author correcting an answer or naming a spelling's canonical name.
export const limits = { name: 80, displayName: 60, contact: 200 } as const;
