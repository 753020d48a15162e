/**
 * Email domains shared by unrelated people: a customer is never matched by them. Kept here rather
 * than imported from the sandbox, which is a development dependency only.
 */
export const FREE_MAIL_DOMAINS: readonly string[] = [
  'aol.com',
  'gmail.com',
  'gmx.at',
  'gmx.ch',
  'gmx.de',
  'gmx.net',
  'googlemail.com',
  'hotmail.com',
  'hotmail.co.uk',
  'hotmail.de',
  'hotmail.fr',
  'icloud.com',
  'laposte.net',
  'libero.it',
  'live.com',
  'mail.com',
  'mail.ru',
  'me.com',
  'msn.com',
  'orange.fr',
  'outlook.com',
  'outlook.de',
  'proton.me',
  'protonmail.com',
  't-online.de',
  'web.de',
  'wanadoo.fr',
  'yahoo.co.uk',
  'yahoo.com',
  'yahoo.de',
  'yahoo.fr',
  'yandex.ru',
  'zoho.com',
];

const DOMAIN = /^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}$/;

/** A bare lower-case host from a domain, URL or email address; undefined when it is not one. */
export function normalizeDomain(value: string): string | undefined {
  const host = value
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/^.*@/, '')
    .replace(/[/?#:].*$/, '')
    .replace(/^www\./, '')
    .replace(/\.$/, '');
  return DOMAIN.test(host) ? host : undefined;
}

/** A trimmed lower-case email address; undefined when it is not one. */
export function normalizeEmail(value: string): string | undefined {
  const email = value.trim().toLowerCase();
  const at = email.lastIndexOf('@');
  if (at < 1 || email.includes(' ')) return undefined;
  return normalizeDomain(email.slice(at + 1)) === undefined ? undefined : email;
}

/** Whether a domain is a free-mail provider (built-in list plus the configured extras). */
export function freeMailChecker(extra: readonly string[] = []): (domain: string) => boolean {
  const all = new Set([...FREE_MAIL_DOMAINS, ...extra.map((domain) => domain.trim().toLowerCase())]);
  return (domain) => all.has(domain);
}
