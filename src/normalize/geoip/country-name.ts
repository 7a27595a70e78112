/** Built on first use: loading ICU's region names costs ~20 ms, which every CLI command would pay at import. */
let regionNames: Intl.DisplayNames | undefined;
const countryNames = new Map<string, string | undefined>();

/**
 * The English name of an ISO 3166-1 alpha-2 code, from the runtime's ICU data:
 * the `country_name` the IP locator writes when the city database gives only
 * the code, and the one the stored event leaves out when it is that name
 * (stored-event.ts).
 */
export function countryName(code: string): string | undefined {
  // Only codes are remembered (at most 676 of them), whatever text is asked about.
  if (!/^[A-Z]{2}$/.test(code)) return undefined;
  if (!countryNames.has(code)) {
    let name: string | undefined;
    try {
      name = (regionNames ??= new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' })).of(code);
    } catch {
      name = undefined;
    }
    countryNames.set(code, name);
  }
  return countryNames.get(code);
}
