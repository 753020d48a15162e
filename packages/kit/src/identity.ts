/**
 * Customer identity rules, once for every connector: how emails and domains are normalised and which
 * email domains identify no company (free mail). Adapters and tools get an `Identity` from their
 * context (`ctx.identity`, `options.identity`); a lookup may add free-mail domains of its own.
 */

/**
 * Email domains shared by unrelated people: a customer is never matched by them. Operators add to it
 * with `identity.freeMailDomains` in switchboard.yaml.
 */
export const FREE_MAIL_DOMAINS: readonly string[] = [
  'aol.com',
  'gmail.com',
  'gmx.at',
  'gmx.ch',
  'gmx.com',
  'gmx.de',
  'gmx.net',
  'googlemail.com',
  'hotmail.co.uk',
  'hotmail.com',
  'hotmail.de',
  'hotmail.fr',
  'icloud.com',
  'laposte.net',
  'libero.it',
  'live.com',
  'mac.com',
  'mail.com',
  'mail.ru',
  'me.com',
  'msn.com',
  'orange.fr',
  'outlook.com',
  'outlook.de',
  'pm.me',
  'proton.me',
  'protonmail.com',
  'qq.com',
  't-online.de',
  'wanadoo.fr',
  'web.de',
  'yahoo.co.uk',
  'yahoo.com',
  'yahoo.de',
  'yahoo.fr',
  'yandex.ru',
  'ymail.com',
  'zoho.com',
];

const DOMAIN = /^(?=.{3,253}$)([a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * A bare lower-case host from a domain, URL or email address (`https://www.Example.com:8443/x`,
 * `a@example.com.` and `example.com` all give `example.com`); undefined when it is not a domain.
 * The port, path, query, a leading `www.` and a trailing dot are dropped.
 */
export function normalizeDomain(value: string): string | undefined {
  const host = value
    .trim()
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/^[^/?#]*@/, '')
    .replace(/[/?#:].*$/, '')
    .replace(/^www\./, '')
    .replace(/\.$/, '');
  return DOMAIN.test(host) ? host : undefined;
}

/** A trimmed lower-case email address; undefined when it is not one. */
export function normalizeEmail(value: string): string | undefined {
  const email = value.trim().toLowerCase();
  const at = email.lastIndexOf('@');
  if (at < 1 || /\s/.test(email)) return undefined;
  return normalizeDomain(email.slice(at + 1)) === undefined ? undefined : email;
}

/** The identity rules in force for one call. */
export interface Identity {
  /** Whether a (normalised) domain is a free-mail provider, which identifies no company. */
  isFreeMail(domain: string): boolean;
  /**
   * The company domain an email, URL or domain stands for: normalised, and undefined for free mail
   * and for anything that is not a domain.
   */
  companyDomain(value: string): string | undefined;
  /** The same rules with more free-mail domains (a lookup's own). */
  with(extraFreeMailDomains: readonly string[] | undefined): Identity;
  /** Every free-mail domain in force, sorted (for logs and docs). */
  readonly freeMailDomains: readonly string[];
}

/** Identity rules: the built-in free-mail list plus `extraFreeMailDomains`. */
export function createIdentity(extraFreeMailDomains: readonly string[] = []): Identity {
  const all = new Set(FREE_MAIL_DOMAINS);
  for (const extra of extraFreeMailDomains) {
    const domain = normalizeDomain(extra);
    if (domain !== undefined) all.add(domain);
  }
  const sorted = [...all].sort();
  const identity: Identity = {
    isFreeMail: (domain) => all.has(domain),
    companyDomain(value) {
      const domain = normalizeDomain(value);
      return domain === undefined || all.has(domain) ? undefined : domain;
    },
    with(extra) {
      if (extra === undefined || extra.every((domain) => all.has(domain))) return identity;
      return createIdentity([...sorted, ...extra]);
    },
    freeMailDomains: sorted,
  };
  return identity;
}

/** The identity rules with no configured extras. */
export const DEFAULT_IDENTITY: Identity = createIdentity();
