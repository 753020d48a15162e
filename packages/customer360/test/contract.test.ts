import { readFileSync } from 'node:fs';
import {
  connectorContract,
  contractProblems,
  jsonSchema,
  readmeRows,
  undescribed,
} from '@switchboard/kit/testing';
import { describe, expect, it } from 'vitest';
import {
  Customer360Config,
  customer360Connector,
  GET_CUSTOMER_TOOL_NAME,
  getCustomerTool,
  HEALTH_WEIGHTS,
} from '../src/index.js';

/** The contract agents and operators see: a change to it must be a visible diff. */

describe('contract', () => {
  it('matches the snapshot of the tool and prompt as agents see them, through the registry listing', () => {
    expect(connectorContract(customer360Connector)).toMatchSnapshot();
  });

  it('keeps the contract rules every connector keeps; every output field at any depth and the prompt arguments are described too', () => {
    expect(contractProblems(customer360Connector)).toEqual([]);
    for (const tool of customer360Connector.tools) {
      expect(undescribed(jsonSchema(tool.output, 'output'), `${tool.name}.output`)).toEqual([]);
    }
    for (const prompt of customer360Connector.prompts) {
      expect(undescribed(jsonSchema(prompt.arguments, 'input'), prompt.name)).toEqual([]);
    }
  });

  it('is a read-only composite without its own cache, needing every read scope it draws on', () => {
    expect(customer360Connector.category).toBe('composite');
    expect(getCustomerTool.scopes).toEqual(['customer360:read', 'crm:read', 'erp:read', 'support:read']);
    expect(getCustomerTool.annotations.readOnlyHint).toBe(true);
    expect(getCustomerTool.cache).toBeUndefined();
    const config = Customer360Config.parse({});
    expect(config).toMatchObject({ deadlineMs: 4000, sourceTimeoutMs: 3000 });
    // The gateway's timeout of the tool stays above the largest deadline the composite accepts.
    expect(Customer360Config.safeParse({ deadlineMs: 25_001 }).success).toBe(false);
    expect(getCustomerTool.timeoutMs).toBeGreaterThan(25_000);
    expect(Customer360Config.safeParse({ deadlineMs: 1000, sourceTimeoutMs: 2000 }).success).toBe(false);
    expect(`customer360__${getCustomerTool.name}`).toBe(GET_CUSTOMER_TOOL_NAME);
  });

  it('renders a briefing prompt that asks for the tool by its exposed name', () => {
    const [prompt] = customer360Connector.prompts;
    const messages = prompt?.render(prompt.arguments.parse({ customer: 'maya@helix-robotics.com' })) ?? [];
    expect(messages).toHaveLength(1);
    expect(messages[0]?.role).toBe('user');
    expect(messages[0]?.text).toContain('"maya@helix-robotics.com"');
    expect(messages[0]?.text).toContain(GET_CUSTOMER_TOOL_NAME);
    expect(prompt?.description).toContain('{tool:get_customer}');
  });
});

describe('README', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const rows = readmeRows(readme);

  it('documents the tool, the prompt and every configuration field, and nothing else', () => {
    const names = [
      ...customer360Connector.tools.map((tool) => tool.name),
      ...customer360Connector.prompts.map((prompt) => prompt.name),
      ...Object.keys(Customer360Config.shape),
    ];
    for (const name of names) expect(rows.has(name), name).toBe(true);
    const factors = Object.keys(HEALTH_WEIGHTS);
    expect([...rows.keys()].filter((name) => !names.includes(name) && !factors.includes(name))).toEqual([]);
  });

  it('states the health weights and bands the code uses', () => {
    for (const [name, weight] of Object.entries(HEALTH_WEIGHTS)) {
      expect(rows.get(name)?.split('|')[0]?.trim(), name).toBe(String(weight));
    }
    expect(readme).toContain('red < 40, yellow 40–69, green ≥ 70');
  });
});
