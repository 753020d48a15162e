/**
 * Scaffolds a connector package: `pnpm new:connector <name> [--category crm|erp|support|other]`.
 * Writes packages/connectors/<name> with a working example tool, its README and a contract test,
 * then prints the remaining steps of docs/connectors.md. `--root DIR` writes under another tree.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export interface ScaffoldOptions {
  name: string;
  category: 'crm' | 'erp' | 'support' | 'other';
  root: string;
}

const NAME = /^[a-z][a-z0-9_]{1,30}$/;

function pascal(name: string): string {
  return name.replace(/(^|_)([a-z0-9])/g, (_m, _sep: string, c: string) => c.toUpperCase());
}

function camel(name: string): string {
  const p = pascal(name);
  return p.charAt(0).toLowerCase() + p.slice(1);
}

/** The files of a new connector package, by path relative to the repository root. */
export function connectorFiles(options: ScaffoldOptions): Record<string, string> {
  const { name, category } = options;
  const Title = pascal(name);
  const id = camel(name);
  const scope = category === 'other' ? name : category;
  const dir = `packages/connectors/${name}`;
  return {
    [`${dir}/package.json`]: `${JSON.stringify(
      {
        name: `@switchboard/connector-${name}`,
        version: '0.1.0',
        private: true,
        description: `${Title} connector.`,
        type: 'module',
        exports: {
          '.': { development: './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
        },
        files: ['dist'],
        scripts: {
          build: 'tsc -p tsconfig.build.json',
          typecheck: 'tsc -p tsconfig.json',
          test: 'vitest run',
        },
        dependencies: { '@switchboard/kit': 'workspace:*', zod: '^4.6.7' },
        devDependencies: { '@switchboard/sandbox': 'workspace:*' },
      },
      null,
      2,
    )}\n`,
    [`${dir}/tsconfig.json`]: `{
  "extends": "../../../tsconfig.base.json",
  "compilerOptions": { "noEmit": true, "customConditions": ["development"] },
  "include": ["src", "test", "vitest.config.ts"]
}
`,
    [`${dir}/tsconfig.build.json`]: `{
  "extends": "../../../tsconfig.base.json",
  "compilerOptions": { "rootDir": "src", "outDir": "dist" },
  "include": ["src"],
  "exclude": ["src/**/*.test.ts"]
}
`,
    [`${dir}/vitest.config.ts`]: `export { default } from '../../../vitest.shared.js';\n`,
    [`${dir}/src/config.ts`]: `import { secret } from '@switchboard/kit';
import { z } from 'zod';

/** Configuration of one ${Title} connector instance. */
export const ${Title}Config = z.object({
  baseUrl: z.url().describe('Base URL of the ${Title} API.'),
  apiToken: secret('${Title} API token, from the environment.'),
  timeoutMs: z.number().int().min(100).max(60_000).default(10_000).describe('Deadline of one vendor request.'),
});

export type ${Title}Config = z.output<typeof ${Title}Config>;
`,
    [`${dir}/src/connector.ts`]: `import { defineConnector } from '@switchboard/kit';
import { ${Title}Config } from './config.js';

export interface ${Title}Client {
  baseUrl: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

export const ${id} = defineConnector<${Title}Client, ${Title}Config>({
  name: '${name}',
  title: '${Title}',
  description: '${Title}: describe what agents can do with it.',
  category: '${category}',
  config: ${Title}Config,
  // Build the vendor client once per instance; never hang: every network step has a timeout.
  async connect(config) {
    return {
      baseUrl: config.baseUrl.replace(/\\/+$/, ''),
      headers: { authorization: \`Bearer \${config.apiToken}\` },
      timeoutMs: config.timeoutMs,
    };
  },
});
`,
    [`${dir}/src/tools.ts`]: `import { ToolError } from '@switchboard/kit';
import { z } from 'zod';
import { ${id} } from './connector.js';

export const getRecordTool = ${id}.tool({
  name: 'get_record',
  title: 'Get a ${Title} record',
  description: 'One ${Title} record by id. Replace this example with the tools agents need.',
  input: z.object({ id: z.string().min(1).max(100).describe('The record id.') }),
  output: z.object({
    id: z.string().describe('The record id.'),
    name: z.string().describe('Its name.'),
  }),
  scopes: ['${scope}:read'],
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
  cache: { ttlSeconds: 60, scope: 'shared', tags: (input) => [\`${name}:record:\${input.id}\`] },
  timeoutMs: 10_000,
  async handler(input, ctx) {
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(ctx.client.timeoutMs)]);
    const response = await fetch(\`\${ctx.client.baseUrl}/records/\${encodeURIComponent(input.id)}\`, {
      headers: ctx.client.headers,
      signal,
    }).catch((cause: unknown) => {
      throw new ToolError('upstream_unavailable', '${Title} cannot be reached right now.', { cause });
    });
    if (response.status === 404) throw new ToolError('not_found', \`No ${Title} record "\${input.id}".\`);
    if (!response.ok) {
      throw new ToolError('upstream_unavailable', \`${Title} answered \${response.status}.\`, {
        cause: await response.text(),
      });
    }
    const body = z.object({ id: z.string(), name: z.string() }).safeParse(await response.json());
    if (!body.success) throw new ToolError('internal', '${Title} sent an unexpected record.', { cause: body.error });
    return body.data;
  },
});

export const tools = [getRecordTool];
`,
    [`${dir}/src/index.ts`]: `import { ${id} } from './connector.js';
import { tools } from './tools.js';

/** The ${Title} connector as the gateway mounts it. */
export const ${id}Connector = ${id}.build({ tools });

export { ${Title}Config } from './config.js';
export { ${id} } from './connector.js';
export { getRecordTool, tools } from './tools.js';
`,
    [`${dir}/test/contract.test.ts`]: `import { readFileSync } from 'node:fs';
import { jsonSchema, undescribed } from '@switchboard/kit/testing';
import { describe, expect, it } from 'vitest';
import { ${Title}Config, ${id}Connector } from '../src/index.js';

describe('${name} contract', () => {
  it('matches the snapshot of what agents see', () => {
    const tools = ${id}Connector.tools.map((tool) => ({
      name: tool.name,
      title: tool.title,
      description: tool.description,
      scopes: tool.scopes,
      annotations: tool.annotations,
      input: jsonSchema(tool.input, 'input'),
      output: jsonSchema(tool.output, 'output'),
    }));
    expect(tools).toMatchSnapshot();
  });

  it('describes every input, output and configuration field', () => {
    for (const tool of ${id}Connector.tools) {
      expect(undescribed(jsonSchema(tool.input, 'input'), tool.name)).toEqual([]);
      expect(undescribed(jsonSchema(tool.output, 'output'), tool.name)).toEqual([]);
    }
    expect(undescribed(jsonSchema(${Title}Config, 'input'), 'config')).toEqual([]);
  });

  it('documents every tool and configuration field in the README', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const tool of ${id}Connector.tools) expect(readme).toContain(\`\\\`\${tool.name}\\\`\`);
    for (const field of Object.keys(${Title}Config.shape)) expect(readme).toContain(\`\\\`\${field}\\\`\`);
  });
});
`,
    [`${dir}/README.md`]: `# @switchboard/connector-${name}

${Title} connector. Replace this text with what the connector reads and writes.

## Tools

| tool | input | scope | cache |
| --- | --- | --- | --- |
| \`get_record\` | \`id\` | \`${scope}:read\` | 60 s, tag \`${name}:record:<id>\` |

## Configuration

| field | meaning |
| --- | --- |
| \`baseUrl\` | Base URL of the ${Title} API. |
| \`apiToken\` | API token, from the environment: \`apiToken: \${${name.toUpperCase()}_API_TOKEN}\`. |
| \`timeoutMs\` | Deadline of one vendor request (default 10000). |

## Limits

Say what the vendor limits are, how the connector respects them, and which default upstream quota
it declares.
`,
  };
}

export function scaffold(options: ScaffoldOptions): string[] {
  if (!NAME.test(options.name)) {
    throw new Error(`The name must match ${NAME} (lower case, digits, underscores), e.g. "pipedrive".`);
  }
  const dir = join(options.root, 'packages/connectors', options.name);
  if (existsSync(dir)) throw new Error(`${relative(options.root, dir)} exists already.`);
  const written: string[] = [];
  for (const [path, text] of Object.entries(connectorFiles(options))) {
    const target = join(options.root, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
    written.push(path);
  }
  return written;
}

export function cli(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { category: { type: 'string', default: 'other' }, root: { type: 'string' } },
  });
  const name = positionals[0];
  const category = values.category;
  if (!name || (category !== 'crm' && category !== 'erp' && category !== 'support' && category !== 'other')) {
    process.stderr.write('Usage: pnpm new:connector <name> [--category crm|erp|support|other]\n');
    process.exitCode = 2;
    return;
  }
  const root = values.root ?? fileURLToPath(new URL('../..', import.meta.url));
  try {
    const written = scaffold({ name, category, root });
    process.stdout.write(
      [
        `Created ${written.length} files in packages/connectors/${name}.`,
        '',
        'Next (docs/connectors.md):',
        '  1. pnpm install',
        `  2. replace the example tool in src/tools.ts; run: pnpm --filter @switchboard/connector-${name} test`,
        `  3. mount it: add "@switchboard/connector-${name}": "workspace:*" to apps/gateway/package.json`,
        '     and one line to apps/gateway/src/connectors.ts',
        '  4. add an emulator to packages/sandbox and the connector to the demo profile',
        '',
      ].join('\n'),
    );
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
}
