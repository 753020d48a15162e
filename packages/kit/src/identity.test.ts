import { describe, expect, it } from 'vitest';
import {
  createIdentity,
  DEFAULT_IDENTITY,
  FREE_MAIL_DOMAINS,
  normalizeDomain,
  normalizeEmail,
} from './identity.js';

describe('normalizeDomain', () => {
  it('reduces a domain, URL or email to its bare lower-case host', () => {
    for (const value of [
      'example.com',
      'Example.COM.',
      'www.example.com',
      'https://www.example.com/about?x=1#top',
      'http://example.com:8080',
      'example.com:8443',
      'Maya@Example.com',
      'mailto:maya@example.com',
    ]) {
      expect(normalizeDomain(value), value).toBe('example.com');
    }
  });

  it('refuses what is not a domain', () => {
    for (const value of ['', 'localhost', 'not a domain', 'a@b', '-bad-.com', 'exa_mple.com']) {
      expect(normalizeDomain(value), value).toBeUndefined();
    }
  });
});

describe('normalizeEmail', () => {
  it('trims and lower-cases a valid address and refuses others', () => {
    expect(normalizeEmail('  Maya.Lindqvist@Helix-Robotics.com ')).toBe('maya.lindqvist@helix-robotics.com');
    expect(normalizeEmail('no-at-sign')).toBeUndefined();
    expect(normalizeEmail('@example.com')).toBeUndefined();
    expect(normalizeEmail('a b@example.com')).toBeUndefined();
  });
});

describe('identity rules', () => {
  it('treats the built-in free-mail domains as no company', () => {
    expect(FREE_MAIL_DOMAINS).toContain('yahoo.fr');
    expect(new Set(FREE_MAIL_DOMAINS).size).toBe(FREE_MAIL_DOMAINS.length);
    expect(DEFAULT_IDENTITY.isFreeMail('gmail.com')).toBe(true);
    expect(DEFAULT_IDENTITY.companyDomain('claire@gmail.com')).toBeUndefined();
    expect(DEFAULT_IDENTITY.companyDomain('https://helix-robotics.com/')).toBe('helix-robotics.com');
  });

  it('adds configured and per-lookup free-mail domains, normalised', () => {
    const identity = createIdentity(['  Corp-Mail.Example ']);
    expect(identity.isFreeMail('corp-mail.example')).toBe(true);
    expect(identity.companyDomain('x@corp-mail.example')).toBeUndefined();
    const narrower = identity.with(['helix-robotics.com']);
    expect(narrower.companyDomain('maya@helix-robotics.com')).toBeUndefined();
    expect(narrower.isFreeMail('corp-mail.example')).toBe(true);
    expect(identity.companyDomain('maya@helix-robotics.com')).toBe('helix-robotics.com');
    expect(identity.with(undefined)).toBe(identity);
    expect(identity.with(['gmail.com'])).toBe(identity);
  });
});
