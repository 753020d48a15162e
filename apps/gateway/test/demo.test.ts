import { type ChildProcess, spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { HERO_EMAILS } from '@switchboard/sandbox';
import { afterAll, describe, expect, it } from 'vitest';
import { demoBanner } from '../src/demo.js';
import { childEnv, REPO_ROOT } from './cli.js';

/** Starts `pnpm start` from the repository root, as the README says, on a free port. */
const DEMO_KEY = 'sbk_DemoDemoDemo_0123456789abcdefghijABCDEFGHIJklmnopqrstuvw';

function startDemo(): { child: ChildProcess; url: Promise<string>; output: () => string } {
  const child = spawn('pnpm', ['start'], {
    cwd: REPO_ROOT,
    env: childEnv({ PORT: '0', LOG_LEVEL: 'warn', SWITCHBOARD_DEMO_API_KEY: DEMO_KEY }),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const found = /listening on (http:\/\/\S+\/mcp)/.exec(output);
      if (found?.[1]) resolve(found[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`pnpm start exited with ${code}:\n${output}`)));
  });
  return { child, url, output: () => output };
}

describe('the demo profile, started the way the README says', () => {
  const demo = startDemo();

  afterAll(async () => {
    const pid = demo.child.pid;
    if (pid !== undefined && demo.child.exitCode === null) {
      const exited = new Promise((resolve) => demo.child.once('exit', resolve));
      process.kill(-pid, 'SIGTERM');
      await exited;
    }
  });

  it('prints the endpoint and a ready-to-paste client configuration', async () => {
    const url = await demo.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(demo.output()).toContain(`"url": "${url}"`);
    expect(demo.output()).toContain('"mcpServers"');
    expect(demo.output()).toContain(
      `Demo API key (every scope; set SWITCHBOARD_DEMO_API_KEY to fix it): ${DEMO_KEY}`,
    );
    expect(demo.output()).toContain(`"Authorization": "Bearer ${DEMO_KEY}"`);
  }, 90_000);

  it('answers a tool call over Streamable HTTP', async () => {
    const url = await demo.url;
    const anonymous = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(anonymous.status).toBe(401);
    const client = new Client({ name: 'readme-tour', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers: { authorization: `Bearer ${DEMO_KEY}` } },
      }),
    );
    try {
      // The same hero customer in every system of the demo company, each through its own connector.
      const calls: Array<[string, Record<string, unknown>]> = [
        ['odoo__find_customers', { email: HERO_EMAILS.everywhere }],
        ['salesforce__search_accounts', { email: HERO_EMAILS.everywhere }],
        ['hubspot__search_contacts', { email: HERO_EMAILS.everywhere }],
        ['zendesk__search_tickets', { requesterEmail: HERO_EMAILS.everywhere }],
        ['slack__list_channels', {}],
      ];
      for (const [name, args] of calls) {
        const result = await client.callTool({ name, arguments: args });
        expect(result.isError, `${name}: ${JSON.stringify(result.content)}`).toBeFalsy();
        expect(JSON.stringify(result.structuredContent).toLowerCase(), name).toContain('helix');
      }
    } finally {
      await client.close();
    }
  }, 90_000);
});

describe('the demo without authentication (--no-auth, for test runners that send no credentials)', () => {
  it('prints no key and a client configuration without an Authorization header', () => {
    const banner = demoBanner('http://127.0.0.1:4000/mcp', 3, undefined);
    expect(banner).toContain('No authentication (--no-auth)');
    expect(banner).not.toContain('Authorization');
    expect(banner).toContain('"url": "http://127.0.0.1:4000/mcp"');
  });
});
