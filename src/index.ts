// Public API: re-exports only.

export type * from './adapters/types.js';
export {
  type CollectUpnpOptions,
  collectUpnp,
  parseDeviceDescription,
  parsePortMappingEntry,
  parsePortMappingList,
  upnpIgd,
} from './adapters/upnp-igd.js';
export {
  type AuditOptions,
  audit,
  buildReport,
  describeFinding,
  describeFindings,
  type ReportOptions,
} from './audit.js';
export { type AuditTarget, type CollectOptions, type CollectResult, collect } from './collect.js';
export { type AdapterSuggestion, suggestAdapter } from './detect.js';
export { defaultGateway } from './discovery/gateway.js';
export type { DiscoveredGateway, DiscoverOptions, DiscoveryResult } from './discovery/ssdp.js';
export { discover } from './discovery/ssdp.js';
export { BoxauditError, type ErrorCode, isBoxauditError } from './errors.js';
export { auditFleet, type FleetOptions, type FleetResult, type FleetSite } from './fleet.js';
export * from './model/types.js';
export {
  createRedactor,
  escapeHtml,
  type Redactor,
  type RenderDumpOptions,
  type RenderOptions,
  redactSecrets,
  render,
  renderChunks,
  renderDump,
  renderDumpChunks,
  type SecretList,
} from './reporters/index.js';
export { type EvaluateOptions, type EvaluateResult, evaluate } from './rules/evaluate.js';
export { builtinRules, loadRuleSet, validateRuleFiles } from './rules/load.js';
export type * from './rules/types.js';
export { SEVERITIES } from './rules/types.js';
export { type Lookup, PinnedTarget } from './transport/pin.js';
export { AuditBudget, type AuditLimits, type BudgetKind, DEFAULT_LIMITS } from './util/budget.js';
export { SCHEMA_VERSION, VERSION } from './version.js';
