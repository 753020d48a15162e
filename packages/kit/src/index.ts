export { canonicalHash, canonicalJson } from './canonical.js';
export type {
  AccountMatch,
  CallOptions,
  Capabilities,
  CapabilityName,
  CapabilitySource,
  CrmAccountDetail,
  CrmCapability,
  CustomerLookup,
  ErpCapability,
  ErpFinancials,
  MatchMethod,
  SourceOf,
  SupportCapability,
} from './capabilities.js';
export { bindSource, CAPABILITY_READ_SCOPES } from './capabilities.js';
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
export {
  defineConnector,
  intSetting,
  isSecretSchema,
  secret,
  secretRegistry,
  upstreamProfileOf,
} from './connector.js';
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
export * from './identity.js';
export type {
  JsonSchemaObject,
  ListingScope,
  PromptListing,
  ResourceTemplateListing,
  ToolListing,
} from './listing.js';
export {
  expandReferences,
  listedSchema,
  promptListing,
  resourceTemplateListing,
  toolListing,
} from './listing.js';
export * from './models.js';
export type { BoundCursor } from './pagination.js';
export {
  boundCursor,
  cursorInput,
  decodeCursor,
  encodeCursor,
  fingerprint,
  limitInput,
  nextCursorOutput,
  pagedInput,
  pagedOutput,
  totalOutput,
} from './pagination.js';
export {
  ANNOTATIONS,
  atLeastOne,
  categoryScopes,
  domainInput,
  emailInput,
  exactlyOne,
  textInput,
} from './tools.js';
export type {
  FailureMeaning,
  HttpRequest,
  Query,
  RunOptions,
  Upstream,
  UpstreamFailure,
  UpstreamHooks,
  UpstreamOptions,
  UpstreamProfile,
  UpstreamRule,
} from './upstream.js';
export {
  classifyFailure,
  createUpstream,
  errorCodes,
  parseRetryAfter,
  UpstreamHttpError,
  untilAborted,
} from './upstream.js';
