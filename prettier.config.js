// Prettier's defaults except two, set to match the code as it was written: single quotes, and
// lines up to 160 columns (99% of the lines in src/, test/ and bench/ fit in 145, the long tail
// runs to 160 and beyond; of the widths tried, 160 changed the fewest lines).
/** @type {import('prettier').Config} */
export default { singleQuote: true, printWidth: 160 };
