import { describe, expect, it } from 'vitest';
import { ConfigError, interpolate, parseConfigText, resolveConfig } from '../src/config.js';
import { Registry, RegistryError } from '../src/registry.js';
import { FIXTURE_CATALOGUE, fixtureConnector } from './fixture-connector.js';

const catalogue = FIXTURE_CATALOGUE;

function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('applies defaults: loopback host, port 8080, "__" separator', () => {
    const config = parseConfigText('', { source: 'x.yaml', env: {}, catalogue });
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(config.tools).toMatchObject({ separator: '__', defaultTimeoutMs: 15_000 });
    expect(config.connectors).toEqual([]);
  });

  it('honours HOST and PORT over the file and rejects a bad PORT', () => {
    const text = 'server:\n  host: 127.0.0.1\n  port: 9000\n';
    const config = parseConfigText(text, { source: 'x.yaml', env: { HOST: '::1', PORT: '9100' }, catalogue });
    expect(config.server).toMatchObject({ host: '::1', port: 9100 });
    expect(
      issuesOf(() => parseConfigText(text, { source: 'x.yaml', env: { PORT: 'eighty' }, catalogue })),
    ).toEqual(['PORT: must be a port number (0-65535), got "eighty"']);
  });

  it('interpolates ${VAR} and ${VAR:-default}, keeps $${ literal, and types whole numeric references', () => {
    const { value, interpolated, issues } = interpolate(
      { a: '${A}', b: 'x-${B:-dflt}-y', c: '$${NOT}', n: '${N}', list: ['${A}'] },
      { A: 'alpha', N: '42' },
    );
    expect(issues).toEqual([]);
    expect(value).toEqual({ a: 'alpha', b: 'x-dflt-y', c: '${NOT}', n: 42, list: ['alpha'] });
    expect([...interpolated].sort()).toEqual(['a', 'b', 'list[0]', 'n']);
  });

  it('names the path and the variable when an environment variable is missing', () => {
    const text = 'connectors:\n  - package: fixture\n    config:\n      token: ${FIXTURE_TOKEN}\n';
    expect(issuesOf(() => parseConfigText(text, { source: 'x.yaml', env: {}, catalogue }))).toEqual([
      'connectors[0].config.token: environment variable FIXTURE_TOKEN is not set',
    ]);
  });

  it('refuses a secret written as a literal in the file, suggesting an environment variable', () => {
    const text = 'connectors:\n  - package: fixture\n    config:\n      token: hunter2\n';
    const issues = issuesOf(() => parseConfigText(text, { source: 'x.yaml', env: {}, catalogue }));
    expect(issues).toEqual([
      'connectors[0].config.token: is a secret and must come from the environment, e.g. token: ${FIXTURE_TOKEN}',
    ]);
    expect(issues.join()).not.toContain('hunter2');
    const ok = parseConfigText(text.replace('hunter2', '${T}'), {
      source: 'x.yaml',
      env: { T: 'v' },
      catalogue,
    });
    expect(ok.connectors[0]?.config).toEqual({ token: 'v', ready: true, failConnects: 0 });
  });

  it('names every bad field with what was expected', () => {
    const text = [
      'server:',
      '  port: "eighty"',
      '  bogus: 1',
      'tools:',
      '  separator: "::"',
      'connectors:',
      '  - package: fixture',
      '    config:',
      '      token: ${T}',
      '      ready: "yes"',
      '  - package: salesfarce',
    ].join('\n');
    const issues = issuesOf(() => parseConfigText(text, { source: 'x.yaml', env: { T: 't' }, catalogue }));
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^server\.port: .*expected number, received string/),
        expect.stringMatching(/^server: Unrecognized key.*bogus/),
        expect.stringMatching(/^tools\.separator: .*"__"/),
      ]),
    );
    // Connector sections are checked once the gateway section is valid.
    const connectorIssues = issuesOf(() =>
      parseConfigText(text.split('\n').slice(5).join('\n'), { source: 'x.yaml', env: { T: 't' }, catalogue }),
    );
    expect(connectorIssues).toEqual([
      expect.stringMatching(/^connectors\[0\]\.config\.ready: .*expected boolean, received string/),
      'connectors[1].package: unknown connector package "salesfarce"; known packages: fixture',
    ]);
  });

  it('reports YAML syntax errors with their line', () => {
    const issues = issuesOf(() =>
      parseConfigText('server:\n  port: [1,\n', { source: 'x.yaml', env: {}, catalogue }),
    );
    expect(issues[0]).toMatch(/^line \d+, column \d+: /);
  });

  it('skips disabled connector instances', () => {
    const config = resolveConfig(
      { connectors: [{ package: 'fixture', enabled: false, config: {} }] },
      { source: 'x', env: {}, catalogue },
    );
    expect(config.connectors).toEqual([]);
  });
});

describe('registry', () => {
  const settings = { separator: '__' as const, defaultTimeoutMs: 1000 };
  const instance = (namespace: string) => ({
    connector: fixtureConnector,
    namespace,
    config: { token: 't' },
  });

  function problemsOf(run: () => unknown): readonly string[] {
    try {
      run();
    } catch (error) {
      if (error instanceof RegistryError) return error.problems;
      throw error;
    }
    throw new Error('expected a RegistryError');
  }

  it('prefixes every tool, resource template and prompt with its namespace', () => {
    const registry = new Registry([instance('fx'), instance('fx_eu')], settings);
    expect([...registry.tools.keys()]).toEqual([
      'fx__echo',
      'fx__fail',
      'fx__fan',
      'fx__steps',
      'fx__wait',
      'fx__mine',
      'fx__write_thing',
      'fx_eu__echo',
      'fx_eu__fail',
      'fx_eu__fan',
      'fx_eu__steps',
      'fx_eu__wait',
      'fx_eu__mine',
      'fx_eu__write_thing',
    ]);
    expect(registry.resourceTemplates.map((t) => t.uriTemplate)).toEqual([
      'fx://things/{id}',
      'fx_eu://things/{id}',
    ]);
    expect([...registry.prompts.keys()]).toEqual(['fx__brief', 'fx_eu__brief']);
    expect(registry.findResource('fx_eu://things/12')?.params).toEqual({ id: '12' });
  });

  it('refuses a namespace mounted twice, naming it', () => {
    expect(problemsOf(() => new Registry([instance('fx'), instance('fx')], settings))).toEqual([
      'Namespace "fx" is used twice (connectors fixture and fixture); give one of them another namespace.',
    ]);
  });

  it('refuses a namespace that breaks the name rules, naming it', () => {
    expect(problemsOf(() => new Registry([instance('my.crm')], settings))[0]).toMatch(
      /^Namespace "my\.crm" \(connector fixture\) must match/,
    );
  });

  it('refuses a tool name over 64 characters, naming the tool and its length', () => {
    const namespace = `n${'x'.repeat(31)}`;
    const long = {
      ...fixtureConnector,
      tools: fixtureConnector.tools.map((t) => ({ ...t, name: `${t.name}_${'y'.repeat(30)}` })),
    };
    const problems = problemsOf(() => new Registry([{ connector: long, namespace, config: {} }], settings));
    expect(problems[0]).toContain(`Tool name "${namespace}__echo_${'y'.repeat(30)}"`);
    expect(problems[0]).toContain('but is 69 characters long');
  });

  it('refuses two tools with the same exposed name, naming both sides', () => {
    const twice = {
      ...fixtureConnector,
      tools: [...fixtureConnector.tools, ...fixtureConnector.tools.slice(0, 1)],
    };
    expect(
      problemsOf(() => new Registry([{ connector: twice, namespace: 'fx', config: {} }], settings)),
    ).toEqual([
      'Tool name "fx__echo" is defined twice (connector fixture, tool echo); rename one of them or mount it under another namespace.',
    ]);
  });

  it('detects a collision created by the separator across namespaces', () => {
    const a = {
      ...fixtureConnector,
      tools: fixtureConnector.tools.map((t) => ({ ...t, name: 'b_echo' })).slice(0, 1),
    };
    const problems = problemsOf(
      () =>
        new Registry(
          [
            { connector: a, namespace: 'a', config: {} },
            {
              connector: {
                ...fixtureConnector,
                tools: fixtureConnector.tools.slice(0, 1).map((t) => ({ ...t, name: 'echo' })),
              },
              namespace: 'a_b',
              config: {},
            },
          ],
          { separator: '_', defaultTimeoutMs: 1000 },
        ),
    );
    expect(problems).toEqual([expect.stringContaining('Tool name "a_b_echo" is defined twice')]);
  });

  it('warns about names longer than clients comfortably show', () => {
    const longer = {
      ...fixtureConnector,
      tools: fixtureConnector.tools.map((t) => ({ ...t, name: `${t.name}_by_account` })),
    };
    const registry = new Registry(
      [{ connector: longer, namespace: 'salesforce_emea', config: {} }],
      settings,
    );
    expect(registry.warnings).toEqual([]);
    const longest = new Registry(
      [{ connector: longer, namespace: `n${'x'.repeat(31)}`, config: {} }],
      settings,
    );
    expect(longest.warnings).toHaveLength(7);
    expect(longest.warnings).toContain(
      `Tool name "n${'x'.repeat(31)}__write_thing_by_account" is 56 characters long; some clients truncate names longer than 45.`,
    );
  });

  it('builds each JSON Schema once, at construction', () => {
    const registry = new Registry([instance('fx')], settings);
    const entry = registry.tools.get('fx__echo');
    expect(entry?.listing.inputSchema).toBe(registry.tools.get('fx__echo')?.listing.inputSchema);
    expect(entry?.listing.inputSchema).toMatchObject({ type: 'object', required: ['text'] });
    expect(entry?.timeoutMs).toBe(1000);
    expect(registry.tools.get('fx__fail')?.timeoutMs).toBe(300);
  });
});

describe('tool references in descriptions', () => {
  const settings = { separator: '__' as const, defaultTimeoutMs: 1000 };

  it('writes {tool:x} as the exposed name in descriptions and schema field descriptions', () => {
    const echo = fixtureConnector.tools[0];
    if (!echo) throw new Error('fixture has no tools');
    const referring = {
      ...fixtureConnector,
      tools: [{ ...echo, description: 'Then call {tool:fail}.' }, ...fixtureConnector.tools.slice(1)],
    };
    const registry = new Registry([{ connector: referring, namespace: 'erp', config: {} }], settings);
    expect(registry.tools.get('erp__echo')?.listing.description).toBe('Then call erp__fail.');
  });

  it('refuses a reference to a tool the connector does not define', () => {
    const echo = fixtureConnector.tools[0];
    if (!echo) throw new Error('fixture has no tools');
    const broken = { ...fixtureConnector, tools: [{ ...echo, description: 'Use {tool:fial}.' }] };
    expect(() => new Registry([{ connector: broken, namespace: 'fx', config: {} }], settings)).toThrow(
      'Tool fx__echo refers to {tool:fial}, which its connector does not define.',
    );
  });
});
