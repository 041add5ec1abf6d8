// Reading what a page shows, as a person would.

/** What a text browser shows of a page: the text without tags or drawings, spaces collapsed. */
export function visibleText(html: string): string {
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#34': '"', '#39': "'" };
  return html
    .replace(/<svg[\s\S]*?<\/svg>/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#34|#39);/g, (_, name: string) => entities[name]!)
    .replace(/\s+/g, ' ');
}

/** The message shown under a form field (the element with id "e-<fieldId>"), or null. */
export function fieldError(html: string, fieldId: string): string | null {
  const match = new RegExp(`id="e-${fieldId}">([^<]*)<`).exec(html);
  return match ? match[1]! : null;
}
