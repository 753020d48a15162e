import { describe, expect, it } from 'vitest';
import { AuthPolicyConfig, scopesFromPolicy } from '../src/index.js';

describe('AuthPolicyConfig', () => {
  it('parses rules as the gateway config embeds them', () => {
    const policy = AuthPolicyConfig.parse([
      { claim: 'groups', includes: 'sales', scopes: ['crm:read'] },
      { claim: ['realm_access', 'roles'], equals: 'admin', scopes: ['*'] },
    ]);
    expect(policy).toHaveLength(2);
  });

  it.each([
    ['neither equals nor includes', { claim: 'groups', scopes: ['crm:read'] }, /exactly one/],
    [
      'both equals and includes',
      { claim: 'groups', equals: 'a', includes: 'b', scopes: ['x'] },
      /exactly one/,
    ],
    ['no scopes', { claim: 'groups', equals: 'a', scopes: [] }, /scopes/],
    ['a scope with a space', { claim: 'groups', equals: 'a', scopes: ['crm read'] }, /printable ASCII/],
    ['a scope with a quote', { claim: 'groups', equals: 'a', scopes: ['crm"'] }, /printable ASCII/],
    ['a misspelt key', { claim: 'groups', include: 'a', scopes: ['x'] }, /include/],
  ])('rejects %s', (_label, rule, message) => {
    const result = AuthPolicyConfig.safeParse([rule]);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toMatch(message);
  });
});

describe('scopesFromPolicy', () => {
  const policy = AuthPolicyConfig.parse([
    { claim: 'groups', includes: 'sales', scopes: ['crm:read'] },
    { claim: 'tier', equals: 'gold', scopes: ['erp:read'] },
  ]);

  it('includes matches an array element or a whole word of a string, never a substring', () => {
    expect([...scopesFromPolicy(policy, { groups: ['sales'] })]).toEqual(['crm:read']);
    expect([...scopesFromPolicy(policy, { groups: 'ops sales' })]).toEqual(['crm:read']);
    expect([...scopesFromPolicy(policy, { groups: 'salesforce' })]).toEqual([]);
    expect([...scopesFromPolicy(policy, { groups: ['presales'] })]).toEqual([]);
  });

  it('equals matches a string claim only', () => {
    expect([...scopesFromPolicy(policy, { tier: 'gold' })]).toEqual(['erp:read']);
    expect([...scopesFromPolicy(policy, { tier: ['gold'] })]).toEqual([]);
    expect([...scopesFromPolicy(policy, { tier: 'golden' })]).toEqual([]);
  });

  it('grants nothing for absent or oddly typed claims', () => {
    expect([...scopesFromPolicy(policy, {})]).toEqual([]);
    expect([...scopesFromPolicy(policy, { groups: 7, tier: null })]).toEqual([]);
  });
});
