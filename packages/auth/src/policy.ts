import { z } from 'zod';

/** RFC 6749 §3.3 scope-token: printable ASCII except space, `"` and `\` (safe in headers too). */
export const ScopeName = z
  .string()
  .regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'A scope is printable ASCII without spaces, quotes or backslashes.')
  .describe('An OAuth scope, e.g. crm:read.');

export const AuthPolicyRule = z
  .strictObject({
    claim: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .describe(
        'Claim name (`groups`, `https://example.com/roles`), or a path into nested claims (`[realm_access, roles]`).',
      ),
    equals: z.string().optional().describe('Matches when the claim is a string equal to this value.'),
    includes: z
      .string()
      .optional()
      .describe(
        'Matches when the claim is an array containing this value, or a space-separated string containing it as a word.',
      ),
    scopes: z.array(ScopeName).min(1).describe('Scopes granted when the rule matches.'),
  })
  .refine((rule) => (rule.equals === undefined) !== (rule.includes === undefined), {
    message: 'Give exactly one of "equals" or "includes".',
  })
  .describe('Grants scopes to access tokens whose claim matches.');
export type AuthPolicyRule = z.infer<typeof AuthPolicyRule>;

export const AuthPolicyConfig = z
  .array(AuthPolicyRule)
  .describe('Claim-to-scope rules; the scopes of every matching rule are added to the token’s own.');
export type AuthPolicyConfig = z.infer<typeof AuthPolicyConfig>;

const JsonObject = z.record(z.string(), z.unknown());

function claimValue(claims: Readonly<Record<string, unknown>>, claim: string | readonly string[]): unknown {
  if (typeof claim === 'string') return claims[claim];
  let current: unknown = claims;
  for (const segment of claim) {
    const object = JsonObject.safeParse(current);
    if (!object.success) return undefined;
    current = object.data[segment];
  }
  return current;
}

function ruleMatches(rule: AuthPolicyRule, value: unknown): boolean {
  if (rule.equals !== undefined) return typeof value === 'string' && value === rule.equals;
  const wanted = rule.includes;
  if (wanted === undefined) return false;
  if (Array.isArray(value)) return value.some((item) => item === wanted);
  return typeof value === 'string' && value.split(/\s+/).includes(wanted);
}

/** The scopes the policy grants for these (verified) claims. */
export function scopesFromPolicy(
  policy: AuthPolicyConfig,
  claims: Readonly<Record<string, unknown>>,
): Set<string> {
  const granted = new Set<string>();
  for (const rule of policy) {
    if (!ruleMatches(rule, claimValue(claims, rule.claim))) continue;
    for (const scope of rule.scopes) granted.add(scope);
  }
  return granted;
}

/**
 * Scopes carried by the token itself: `scope` is a space-separated string (RFC 8693 / RFC 9068),
 * `scp` is an array (Okta) or a space-separated string (Entra ID). Values of other types grant
 * nothing rather than failing the token: ignoring them can only reduce privileges. A `*` from the
 * token is dropped: the wildcard is Switchboard's own (local use, or an explicit policy rule), and an
 * authorization server must not be able to mint it.
 */
export function scopesFromClaims(
  claims: Readonly<Record<string, unknown>>,
  scopeClaims: readonly string[],
): Set<string> {
  const granted = new Set<string>();
  for (const name of scopeClaims) {
    const value = claims[name];
    const items = typeof value === 'string' ? value.split(/\s+/) : Array.isArray(value) ? value : [];
    for (const item of items) {
      if (typeof item === 'string' && item !== '*' && ScopeName.safeParse(item).success) granted.add(item);
    }
  }
  return granted;
}
