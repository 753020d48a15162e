import { customer360 } from './connector.js';
import './tools.js';
import './prompts.js';

/** The customer-360 composite as the gateway mounts it. */
export const customer360Connector = customer360.build();

export type { CollectContext, Collected } from './collect.js';
export { collectCustomer } from './collect.js';
export { Customer360Config } from './config.js';
export type { Customer360Client } from './connector.js';
export { customer360 } from './connector.js';
export type { Deadline, Outcome, RunOptions } from './fanout.js';
export { createDeadline, runSource } from './fanout.js';
export type { HealthInputs } from './health.js';
export {
  bandOf,
  HEALTH_WEIGHTS,
  overdueScore,
  pipelineScore,
  recencyScore,
  scoreHealth,
  ticketScore,
} from './health.js';
export type { MergedProfile, MergeOptions, SourceData } from './merge.js';
export { findConflicts, mergeProfile, sumByCurrency } from './merge.js';
export { buildProfile, healthInputsOf } from './profile.js';
export { accountBriefingPrompt, GET_CUSTOMER_TOOL_NAME } from './prompts.js';
export type { Entry, FoundAccount, InitialLookup } from './resolve.js';
export { enrichLookup, initialLookup, pickMatch } from './resolve.js';
export {
  Conflict,
  GetCustomerInput,
  GetCustomerOutput,
  Health,
  HealthFactor,
  Receivable,
  SourceStatus,
  Summary,
} from './schemas.js';
export { getCustomerTool } from './tools.js';
