// How a typed name becomes a match key: "Element.io", " element-IO " and "ＥＬＥＭＥＮＴ.io"
// all become "elementio". Case, spacing, punctuation and look-alike forms are ignored; letters
// and digits of any script are kept, so "Psi+" and "Psi" only meet through an alias.
export function nameKey(typed: string): string {
  return typed
    .normalize('NFKC')
    .toLocaleLowerCase('en-US')
    .replace(/[^\p{L}\p{N}]+/gu, '');
}
