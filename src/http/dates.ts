// Dates as pages show them. Each format is built once: toLocaleDateString with options builds a
// new formatter on every call, which was a tenth of the reader form's cost.
const postDateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const dayAndTimeFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });

/** A post's date (YYYY-MM-DD): "1 May 2026". */
export function postDate(date: string | Date): string {
  return postDateFormat.format(new Date(date));
}

/** When a reply came: "20 November at 09:35 UTC". */
export function dayAndTime(date: Date): string {
  return `${dayAndTimeFormat.format(date)} UTC`;
}
