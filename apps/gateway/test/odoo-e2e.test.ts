import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { odooConnector } from '@switchboard/connector-odoo';
import {
  createOdooDatabase,
  demoDataset,
  findCustomer,
  HERO,
  HERO_EMAILS,
  postgresAvailable,
  startEmbeddedOdoo,
} from '@switchboard/sandbox';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFor, type RunningGateway, startGateway } from './harness.js';

interface Database {
  connectionString: string;
  close(): Promise<void>;
}

interface Backend {
  name: string;
  poolMax: number;
  start(): Promise<Database>;
}

const backends: Backend[] = [{ name: 'embedded PGlite', poolMax: 1, start: () => startEmbeddedOdoo() }];

if (await postgresAvailable()) {
  backends.push({
    name: 'PostgreSQL',
    poolMax: 4,
    async start() {
      const database = await createOdooDatabase();
      return { connectionString: database.connectionString, close: () => database.drop() };
    },
  });
} else if (process.env.CI === 'true') {
  throw new Error('PostgreSQL is not reachable at DATABASE_URL or 127.0.0.1:5432; CI=true requires it.');
} else {
  process.stderr.write(
    '\n*** SKIPPED: the gateway end-to-end test against a real PostgreSQL (no server at DATABASE_URL or 127.0.0.1:5432). ***\n\n',
  );
}

const catalogue = new Map([[odooConnector.name, odooConnector]]);
const ajv = new Ajv2020({ strict: false, allErrors: true });

function structured(result: Awaited<ReturnType<Client['callTool']>>): Record<string, unknown> {
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  const content = result.structuredContent;
  if (typeof content !== 'object' || content === null) throw new Error('no structuredContent');
  return Object.fromEntries(Object.entries(content));
}

describe.each(backends)('an agent on one URL, ERP tools over $name', (backend) => {
  let database: Database;
  let gateway: RunningGateway;
  let client: Client;
  const validators = new Map<string, ReturnType<typeof ajv.compile>>();

  beforeAll(async () => {
    database = await backend.start();
    gateway = await startGateway(
      configFor(
        {
          connectors: [
            { package: 'odoo', config: { databaseUrl: database.connectionString, poolMax: backend.poolMax } },
          ],
        },
        catalogue,
      ),
    );
    client = await gateway.client();
    const { tools } = await client.listTools();
    for (const tool of tools) validators.set(tool.name, ajv.compile(tool.outputSchema ?? {}));
  });

  afterAll(async () => {
    await gateway?.close();
    await database?.close();
  });

  /** Calls a tool and checks its structuredContent against the schema the gateway advertised. */
  async function call(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    const content = structured(await client.callTool({ name, arguments: args }));
    const validate = validators.get(name);
    if (!validate) throw new Error(`no listed tool ${name}`);
    expect(validate(content), JSON.stringify(validate.errors)).toBe(true);
    return content;
  }

  it('sees the namespaced ERP catalogue, all read-only with erp tools annotated', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'odoo__find_customers',
      'odoo__get_customer',
      'odoo__get_order',
      'odoo__list_invoices',
      'odoo__list_orders',
      'odoo__product_stock',
      'odoo__receivables_aging',
    ]);
    for (const tool of tools) {
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(true);
      expect(tool.outputSchema?.type).toBe('object');
      expect(tool.title).toBeTruthy();
    }
  });

  it('matches the snapshot of the tools/list entries agents see', async () => {
    const { tools } = await client.listTools();
    const { resourceTemplates } = await client.listResourceTemplates();
    // Recorded once per backend with identical content: the catalogue does not depend on the database.
    expect({ tools, resourceTemplates }).toMatchSnapshot();
  });

  it('resolves a customer by email and follows its id through every ERP tool, each answer typed', async () => {
    const helix = findCustomer(demoDataset(), HERO.everywhere);
    const found = await call('odoo__find_customers', { email: HERO_EMAILS.everywhere });
    const customers = found.customers;
    expect(Array.isArray(customers)).toBe(true);
    expect(JSON.stringify(customers)).toContain(helix.name);
    const id = /"id":"(\d+)"/.exec(JSON.stringify(customers))?.[1];
    expect(id).toBeDefined();

    const customer = await call('odoo__get_customer', { id });
    expect(JSON.stringify(customer)).toContain(helix.name);
    const invoices = await call('odoo__list_invoices', { customerId: id, status: 'overdue' });
    expect(JSON.stringify(invoices)).toMatch(/"daysOverdue":45\b/);
    const orders = await call('odoo__list_orders', { customerId: id, limit: 5 });
    const orderId = /"id":"(\d+)"/.exec(JSON.stringify(orders.orders))?.[1];
    expect(orderId).toBeDefined();
    await call('odoo__get_order', { id: orderId });
    const aging = await call('odoo__receivables_aging', { customerId: id });
    expect(JSON.stringify(aging)).toContain('d31_60');
    const product = demoDataset().odoo.products.find((p) => p.active && p.detailedType === 'product');
    if (!product) throw new Error('the dataset has no storable product');
    const stock = await call('odoo__product_stock', { code: product.defaultCode });
    expect(JSON.stringify(stock)).toContain(product.name);
  });

  it('serves the customer resource with the same data as the tool', async () => {
    const found = await call('odoo__find_customers', { email: HERO_EMAILS.healthy });
    const id = /"id":"(\d+)"/.exec(JSON.stringify(found.customers))?.[1];
    const read = await client.readResource({ uri: `odoo://customers/${id}` });
    const first = read.contents[0];
    const resource: unknown = first && 'text' in first ? JSON.parse(first.text) : undefined;
    expect(resource).toEqual(await call('odoo__get_customer', { id }));
  });

  it('turns an unknown id into not_found that names the id and the tool to use', async () => {
    const result = await client.callTool({ name: 'odoo__get_customer', arguments: { id: 999999 } });
    expect(result.isError).toBe(true);
    const text = JSON.stringify(result.content);
    expect(text).toContain('999999');
    expect(text).toContain('odoo__find_customers');
    expect(result._meta).toMatchObject({ 'switchboard/error': { code: 'not_found' } });
  });

  it('reports the connector ready in /readyz', async () => {
    const response = await fetch(`${gateway.origin}/readyz`);
    expect(await response.json()).toMatchObject({ status: 'ready', connectors: { odoo: { status: 'ok' } } });
  });
});
