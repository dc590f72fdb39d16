/**
 * How the editor words a certificate: the days left, the expiry phrase, the common name. The Keystores
 * view and the CodeLens say it the same way, so both read it from here.
 */

const DAY_MS = 86_400_000;

/** Days from now until `notAfter` (negative when past). */
export function daysUntil(notAfter: string | Date, now = Date.now()): number {
  return Math.floor((new Date(notAfter).getTime() - now) / DAY_MS);
}

/** "expires in N days" / "expired N days ago", as the tree and the CodeLens say it. */
export function expiryPhrase(days: number): string {
  if (days < 0) return `expired ${-days} day${days === -1 ? '' : 's'} ago`;
  if (days === 0) return 'expires today';
  return `expires in ${days} day${days === 1 ? '' : 's'}`;
}

/** The CN of a DN, else the DN. */
export function commonName(dn: string): string {
  return /(?:^|,\s*)CN=([^,]+)/.exec(dn)?.[1]?.trim() ?? dn;
}
