import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineConnector, isSecretSchema, secret } from './connector.js';
import { hasScopes } from './context.js';
import { ToolError } from './errors.js';
import { boundCursor, decodeCursor, encodeCursor, fingerprint, limitInput } from './pagination.js';

const kit = defineConnector({
  name: 'demo',
  title: 'Demo',
  description: 'Demo connector.',
  category: 'other',
  config: z.object({ token: secret() }),
  connect: async () => ({}),
});

describe('ToolError', () => {
  it('defaults retryable by code and keeps the cause out of the message', () => {
    const cause = new Error('vendor body with secret');
    const limited = new ToolError('rate_limited', 'Slow down.', { retryAfterMs: 1000, cause });
    expect(limited).toMatchObject({
      code: 'rate_limited',
      retryable: true,
      retryAfterMs: 1000,
      message: 'Slow down.',
    });
    expect(limited.cause).toBe(cause);
    expect(new ToolError('not_found', 'No such thing.').retryable).toBe(false);
    expect(new ToolError('upstream_unavailable', 'Down.').retryable).toBe(true);
    expect(new ToolError('timeout', 'Late.', { retryable: false }).retryable).toBe(false);
  });
});

describe('defineConnector', () => {
  const base = {
    title: 'T',
    description: 'D',
    input: z.object({}),
    output: z.object({}),
    scopes: ['x:read'],
    handler: async () => ({}),
  };

  it('refuses names that are not lower-case identifiers', () => {
    expect(() => kit.tool({ ...base, name: 'Search-Accounts', annotations: { readOnlyHint: true } })).toThrow(
      'Tool name "Search-Accounts" must match',
    );
    expect(() => defineConnector({ ...kit.spec, name: 'My Connector' })).toThrow(
      'Connector name "My Connector" must match',
    );
  });

  it('refuses a cache policy on a tool that is not read-only', () => {
    expect(() =>
      kit.tool({
        ...base,
        name: 'write_it',
        annotations: { readOnlyHint: false },
        cache: { ttlSeconds: 5, scope: 'shared' },
      }),
    ).toThrow('Tool "write_it" is not read-only and so cannot declare a cache policy.');
  });

  it('builds a connector holding every tool, resource and prompt declared through it, once', () => {
    const own = defineConnector({ ...kit.spec, name: 'collected' });
    const first = own.tool({ ...base, name: 'read_it', annotations: { readOnlyHint: true } });
    const second = own.tool({ ...base, name: 'read_more', annotations: { readOnlyHint: true } });
    expect(() => own.tool({ ...base, name: 'read_it', annotations: { readOnlyHint: true } })).toThrow(
      'Tool "read_it" is declared twice in connector "collected".',
    );
    const built = own.build();
    expect(built.name).toBe('collected');
    expect(built.tools).toEqual([first, second]);
    expect(built.resources).toEqual([]);
    expect(built.prompts).toEqual([]);
    expect(own.build()).toBe(built);
    expect(() => own.tool({ ...base, name: 'late', annotations: { readOnlyHint: true } })).toThrow(
      'Tool "late" is declared after connector "collected" was built.',
    );
  });

  it('marks secret() fields so configuration loaders can find them', () => {
    expect(isSecretSchema(secret())).toBe(true);
    expect(isSecretSchema(z.string())).toBe(false);
  });
});

describe('cursors and limits', () => {
  const Payload = z.object({ offset: z.number().int().min(0) });

  it('round-trips an opaque cursor and refuses tampered ones with invalid_input', () => {
    const cursor = encodeCursor({ offset: 40 });
    expect(cursor).not.toContain('40');
    expect(decodeCursor(Payload, cursor)).toEqual({ offset: 40 });
    for (const bad of ['not-a-cursor', encodeCursor({ offset: -1 }), encodeCursor({ other: 1 })]) {
      expect(() => decodeCursor(Payload, bad)).toThrow(
        expect.objectContaining({ code: 'invalid_input', message: expect.stringContaining('nextCursor') }),
      );
    }
  });

  it('caps limits and applies the default', () => {
    const limit = limitInput(20, 100);
    expect(limit.parse(undefined)).toBe(20);
    expect(limit.safeParse(101).success).toBe(false);
    expect(limit.safeParse(0).success).toBe(false);
  });
});

describe('scopes', () => {
  it('requires every listed scope; "*" grants all', () => {
    const reader = { id: 'r', kind: 'api_key' as const, scopes: new Set(['erp:read']) };
    expect(hasScopes(reader, ['erp:read'])).toBe(true);
    expect(hasScopes(reader, ['erp:read', 'crm:read'])).toBe(false);
    expect(hasScopes({ ...reader, scopes: new Set(['*']) }, ['anything'])).toBe(true);
  });
});

describe('the test network guard', () => {
  it('refuses a connection off this machine and names the host', async () => {
    const { connect } = await import('node:net');
    expect(() => connect({ host: '203.0.113.7', port: 443 })).toThrow(
      'Test guard: refused a connection to 203.0.113.7; tests may only reach loopback.',
    );
    expect(() => connect(443, 'example.com')).toThrow('refused a connection to example.com');
  });

  it('lets loopback connections through', async () => {
    const { createServer, connect } = await import('node:net');
    const server = createServer((socket) => socket.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no address');
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: address.port });
      let data = '';
      socket.on('data', (chunk) => {
        data += chunk.toString();
      });
      socket.on('end', () => resolve(data));
      socket.on('error', reject);
    });
    server.close();
    expect(text).toBe('ok');
  });
});

describe('bound cursors', () => {
  const offsets = boundCursor(z.number().int().min(1));

  it('round-trips a position for the same criteria, whatever their key order', () => {
    const cursor = offsets.encode({ status: 'open', q: 'x' }, 40);
    expect(cursor).toBeDefined();
    expect(offsets.decode(cursor, { q: 'x', status: 'open', unset: undefined })).toBe(40);
    expect(offsets.encode({ q: 'x' }, undefined)).toBeUndefined();
    expect(offsets.decode(undefined, { q: 'x' })).toBeUndefined();
  });

  it('refuses a cursor issued for other criteria or tampered with', () => {
    const cursor = offsets.encode({ q: 'x' }, 40);
    expect(() => offsets.decode(cursor, { q: 'y' })).toThrow(
      'This cursor was issued for different criteria.',
    );
    expect(() => offsets.decode(encodeCursor({ f: fingerprint({ q: 'x' }), p: 0 }), { q: 'x' })).toThrow(
      'The cursor is not valid.',
    );
  });
});
