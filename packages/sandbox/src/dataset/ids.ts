import type { Rng } from './random.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SALESFORCE_CHECKSUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const SLACK_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Salesforce's case-insensitive 18-character form: the 15-character id plus a 3-character checksum. */
export function salesforceId18(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk += 1) {
    let flags = 0;
    for (let position = 0; position < 5; position += 1) {
      const char = id15.charAt(chunk * 5 + position);
      if (char >= 'A' && char <= 'Z') flags |= 1 << position;
    }
    suffix += SALESFORCE_CHECKSUM.charAt(flags);
  }
  return id15 + suffix;
}

/** The last `width` base-62 digits of a non-negative integer, zero-padded. */
function base62(value: number, width: number): string {
  let remaining = value;
  let result = '';
  while (remaining > 0) {
    result = BASE62.charAt(remaining % 62) + result;
    remaining = Math.floor(remaining / 62);
  }
  return result.padStart(width, '0').slice(-width);
}

/**
 * A record id as a Salesforce org issues them, in the 18-character form: the object's key prefix
 * (3 characters), the pod (2), a reserved "0" and 9 base-62 digits of a growing number.
 */
export function salesforceRecordId(keyPrefix: string, pod: string, sequence: number): string {
  return salesforceId18(`${keyPrefix}${pod}0${base62(sequence, 9)}`);
}

/**
 * Ids in each system's real format, unique per system. Numbers grow with creation order, as the
 * vendors' do, from a seed-dependent starting point.
 */
export class IdFactory {
  readonly #rng: Rng;
  readonly #salesforcePod: string;
  readonly #salesforceCounters = new Map<string, number>();
  readonly #numericCounters = new Map<string, number>();
  readonly #slackIssued = new Set<string>();

  constructor(rng: Rng) {
    this.#rng = rng;
    this.#salesforcePod = `${rng.int(1, 9)}${rng.chars('ABCDEFGHJKLMNPQRSTUVWXYZ', 1)}`;
  }

  /** `001` account, `003` contact, `006` opportunity, `005` user, `00D` organization. */
  salesforce(prefix: '001' | '003' | '006' | '005' | '00D'): string {
    const next =
      (this.#salesforceCounters.get(prefix) ?? this.#rng.int(400_000_000, 900_000_000)) +
      this.#rng.int(1, 4_000);
    this.#salesforceCounters.set(prefix, next);
    return salesforceRecordId(prefix, this.#salesforcePod, next);
  }

  /** A growing number for one kind of record, e.g. HubSpot contacts or Zendesk tickets. */
  numeric(kind: string, start: number, maxStep: number): number {
    const previous = this.#numericCounters.get(kind);
    const next = previous === undefined ? start : previous + this.#rng.int(1, maxStep);
    this.#numericCounters.set(kind, next);
    return next;
  }

  /** Slack ids: a type letter, "0" and 9 more characters (T team, C channel, U user, B bot). */
  slack(kind: 'T' | 'C' | 'U' | 'B'): string {
    for (;;) {
      const id = `${kind}0${this.#rng.chars(SLACK_ALPHABET, 9)}`;
      if (!this.#slackIssued.has(id)) {
        this.#slackIssued.add(id);
        return id;
      }
    }
  }
}
