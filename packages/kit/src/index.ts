export type {
  AccountMatch,
  CallOptions,
  Capabilities,
  CapabilityName,
  CapabilitySource,
  CrmCapability,
  CustomerLookup,
  ErpCapability,
  MatchMethod,
  SupportCapability,
} from './capabilities.js';
export { CAPABILITY_READ_SCOPES } from './capabilities.js';
export type {
  AnyConnector,
  AnyZodObject,
  CachePolicy,
  CapabilityFactories,
  Connector,
  ConnectorCategory,
  ConnectorKit,
  ConnectorSpec,
  PromptMessage,
  PromptSpec,
  ResourceContent,
  ResourceSpec,
  ToolAnnotations,
  ToolSpec,
  UpstreamQuota,
} from './connector.js';
export { defineConnector, isSecretSchema, secret, secretRegistry } from './connector.js';
export type {
  ConnectDeps,
  InstanceInfo,
  Logger,
  Principal,
  PrincipalKind,
  Progress,
  ToolContext,
} from './context.js';
export { hasScopes } from './context.js';
export type { ToolErrorCode, ToolErrorOptions } from './errors.js';
export { isToolError, TOOL_ERROR_CODES, ToolError } from './errors.js';
export {
  Account,
  AgingBuckets,
  Contact,
  Conversation,
  Deal,
  Invoice,
  InvoiceStatus,
  Money,
  Order,
  OrderState,
  SourceRef,
  Ticket,
  TicketPriority,
  TicketStatus,
} from './models.js';
export { cursorInput, decodeCursor, encodeCursor, limitInput, nextCursorOutput } from './pagination.js';
