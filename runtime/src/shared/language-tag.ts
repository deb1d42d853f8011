/**
 * BCP 47 casing (RFC 5646 §2.1.1): language subtag lower case, script title case, region upper case.
 * Genesys and Architect flows may send `en-us` or `EN-US`; Transcribe and Polly take only `en-US`.
 * Tags are case-insensitive by definition, so this changes no meaning.
 */
export function normalizeLanguageTag(tag: string): string {
  return tag
    .split('-')
    .map((subtag, index) => {
      if (index === 0) return subtag.toLowerCase();
      if (subtag.length === 2) return subtag.toUpperCase();
      if (subtag.length === 4 && /^[A-Za-z]{4}$/.test(subtag)) return subtag[0]!.toUpperCase() + subtag.slice(1).toLowerCase();
      return subtag.toLowerCase();
    })
    .join('-');
}
