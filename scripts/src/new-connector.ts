/**
 * Scaffolds a connector package: `pnpm new:connector <name> [--category crm|erp|support|other]`.
 * Writes packages/connectors/<name>: a connector on the kit's upstream seam with one example tool,
 * an emulator of the vendor and tests of its contract and failure handling (see connector-template.ts),
 * then prints the remaining steps of docs/connectors.md. `--root DIR` writes under another tree.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type ConnectorCategory, namesOf, connectorFiles as templateFiles } from './connector-template.js';

export { compareNames, markdownTable, namedList } from './connector-template.js';

export interface ScaffoldOptions {
  name: string;
  category: ConnectorCategory;
  root: string;
}

/**
 * Lower-case words of letters and digits joined by single underscores, 2 to 20 characters. The name
 * is the default namespace, and `<namespace>__<tool>` must stay within 45 characters.
 */
const NAME = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const MIN_NAME = 2;
const MAX_NAME = 20;

/** Words that cannot name the connector's value in the generated modules. */
const RESERVED = new Set(
  [
    'arguments await break case catch class const continue debugger default delete do else enum eval',
    'export extends false finally for function if implements import in instanceof interface let new null',
    'package private protected public return static super switch this throw true try typeof undefined',
    'var void while with yield',
  ].flatMap((line) => line.split(' ')),
);

export const CATEGORIES: readonly ConnectorCategory[] = ['crm', 'erp', 'support', 'other'];

function isCategory(value: string | undefined): value is ConnectorCategory {
  return CATEGORIES.some((category) => category === value);
}

/** The name's problem, or undefined when it can name a connector. */
export function nameProblem(name: string): string | undefined {
  if (!NAME.test(name) || name.length < MIN_NAME || name.length > MAX_NAME) {
    return (
      `The name must be ${MIN_NAME} to ${MAX_NAME} lower-case letters and digits, words joined by single ` +
      'underscores, starting with a letter, e.g. "pipedrive" or "zoho_crm". It becomes the namespace ' +
      'that prefixes every tool name.'
    );
  }
  const { id } = namesOf(name, 'other');
  if (RESERVED.has(id)) return `The name must not be a reserved word of JavaScript ("${id}").`;
  return undefined;
}

/** The files of a new connector package, by path relative to the repository root. */
export function connectorFiles(options: Omit<ScaffoldOptions, 'root'>): Record<string, string> {
  return templateFiles(namesOf(options.name, options.category));
}

export function scaffold(options: ScaffoldOptions): string[] {
  const problem = nameProblem(options.name);
  if (problem !== undefined) throw new Error(problem);
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

/** What to do after scaffolding, in the order of docs/connectors.md. */
export function nextSteps(name: string, fileCount: number): string {
  const { title, id } = namesOf(name, 'other');
  const pkg = `@switchboard/connector-${name}`;
  return [
    `Created ${fileCount} files in packages/connectors/${name}.`,
    '',
    'Next (docs/connectors.md):',
    `  1. pnpm install && pnpm --filter ${pkg} test`,
    '     (against the emulator in test/emulator.ts; the first run writes the contract snapshot)',
    "  2. read the vendor's API description and make test/emulator.ts answer as it documents: paths,",
    '     auth, status codes, error bodies, Retry-After',
    `  3. src/client.ts: the failure rules of ${title} as data (status and vendor error codes), the 429`,
    '     wait without Retry-After; src/connector.ts: the documented quota, the readiness probe',
    '  4. replace the example tool in src/tools.ts (requests through the fetch helper, answers parsed by',
    '     zod schemas) and keep test/upstream.test.ts proving each tool: one quota token per request,',
    '     not found, refused credentials, forbidden, 429 with Retry-After, timeout; update README.md',
    `  5. move the emulator into packages/sandbox as start${title}Sandbox, seeded from the shared`,
    '     dataset, and type sandboxConfig in src/testing.ts with it',
    '  6. add the emulator and sandboxConfig to the demo world (packages/demo/src/index.ts, with',
    `     "${pkg}": "workspace:*" in packages/demo/package.json)`,
    `  7. mount it: "${pkg}": "workspace:*" in apps/gateway/package.json,`,
    `     ${id}Connector in the catalogue of apps/gateway/src/connectors.ts`,
    '  8. pnpm lint && pnpm typecheck && pnpm test',
    '',
  ].join('\n');
}

export function cli(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { category: { type: 'string', default: 'other' }, root: { type: 'string' } },
  });
  const name = positionals[0];
  const category = values.category;
  if (name === undefined || positionals.length > 1 || !isCategory(category)) {
    process.stderr.write('Usage: pnpm new:connector <name> [--category crm|erp|support|other]\n');
    process.exitCode = 2;
    return;
  }
  const root = values.root ?? fileURLToPath(new URL('../..', import.meta.url));
  try {
    const written = scaffold({ name, category, root });
    process.stdout.write(nextSteps(name, written.length));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  }
}
