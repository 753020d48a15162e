export { buildApp, LOCAL_PRINCIPAL } from './app.js';
export type {
  ConnectorInstance,
  Environment,
  GatewayConfig,
  ServerSettings,
  ToolSettings,
} from './config.js';
export { ConfigError, interpolate, loadConfigFile, parseConfigText, resolveConfig } from './config.js';
export { CATALOGUE } from './connectors.js';
export { startDemoProfile } from './demo.js';
export { Lifecycle } from './lifecycle.js';
export { createLogger } from './logger.js';
export { main, run } from './main.js';
export { NAME_PATTERN, NAMESPACE_PATTERN, Registry, RegistryError } from './registry.js';
export { Runtime } from './runtime.js';
