import type { InstanceInfo, Logger, Principal, ToolContext } from '../context.js';

/** A logger that drops everything; `records` keeps what was logged for assertions. */
export function silentLogger(records: Array<{ level: string; obj: object; msg?: string }> = []): Logger {
  const log =
    (level: string) =>
    (obj: object, msg?: string): void => {
      records.push(msg === undefined ? { level, obj } : { level, obj, msg });
    };
  const logger: Logger = {
    trace: log('trace'),
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: () => logger,
  };
  return logger;
}

export function testInstance(namespace: string, connector = namespace): InstanceInfo {
  return { namespace, connector, toolName: (localName) => `${namespace}__${localName}` };
}

export const testPrincipal: Principal = { id: 'test', kind: 'local', scopes: new Set(['*']) };

/** A handler context for calling a tool's handler directly in a connector's own tests. */
export function testContext<Client, Config>(
  client: Client,
  config: Config,
  overrides: Partial<Omit<ToolContext<Client, Config>, 'client' | 'config'>> & {
    instance?: InstanceInfo;
  } = {},
): ToolContext<Client, Config> {
  return {
    client,
    config,
    instance: overrides.instance ?? testInstance('test'),
    logger: overrides.logger ?? silentLogger(),
    signal: overrides.signal ?? new AbortController().signal,
    principal: overrides.principal ?? testPrincipal,
    requestId: overrides.requestId ?? 'test-request',
    progress: overrides.progress ?? (async () => {}),
    sources: overrides.sources ?? (() => []),
  };
}

export { type JsonNode, jsonSchema, undescribed } from './contract.js';
