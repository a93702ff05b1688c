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
export {
  type AuditInput,
  boxKey,
  diffReports,
  type Exposure,
  exposuresOf,
  markBaseline,
  type ReportDiff,
  readAuditInput,
} from './baseline.js';
export { type AuditTarget, type CollectOptions, type CollectResult, collect } from './collect.js';
export { type AdapterSuggestion, suggestAdapter } from './detect.js';
export { defaultGateway } from './discovery/gateway.js';
export type {
  DiscoveredGateway,
  DiscoverOptions,
  DiscoveryResult,
  DiscoveryStats,
} from './discovery/ssdp.js';
export { discover } from './discovery/ssdp.js';
export { BoxauditError, type ErrorCode, isBoxauditError } from './errors.js';
export {
  auditFleet,
  type FleetFile,
  type FleetOptions,
  type FleetResult,
  type FleetSite,
  fleetExitCode,
  fleetResultLine,
  MAX_FLEET_CONCURRENCY,
  type PreparedSite,
  readFleetBaseline,
  readFleetFile,
} from './fleet.js';
export type { Lang } from './i18n/index.js';
export type { ForwardInput } from './model/forward.js';
export * from './model/types.js';
export { REACH_REASONS } from './probes/reach.js';
export type { ReachLimits, ReachReason, VantageOptions } from './reachability.js';
export { exposureLabel, renderDiffChunks } from './reporters/diff.js';
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
export {
  escapeLabelValue,
  type PrometheusSite,
  type RenderPrometheusOptions,
  renderPrometheus,
} from './reporters/prometheus.js';
export { defaultSarifArtifact, type SarifArtifact, sarifBoxId } from './reporters/sarif.js';
export { type EvaluateOptions, type EvaluateResult, evaluate } from './rules/evaluate.js';
export { builtinRules, loadRuleSet, validateRuleFiles } from './rules/load.js';
export type * from './rules/types.js';
export { SEVERITIES } from './rules/types.js';
export { type Lookup, PinnedTarget, type PinOptions } from './transport/pin.js';
export type { SoapArgs } from './transport/soap.js';
export type { DeviceDescription, WanConnectionService } from './upnp/description.js';
export {
  AuditBudget,
  type AuditLimits,
  type BudgetHit,
  type BudgetKind,
  DEFAULT_LIMITS,
} from './util/budget.js';
export { SCHEMA_VERSION, VERSION } from './version.js';
export {
  checkWebhookUrl,
  type PostWebhookOptions,
  type PostWebhookResult,
  postWebhook,
  WEBHOOK_SCHEMA_VERSION,
  type WebhookFinding,
  type WebhookPayload,
  type WebhookPayloadOptions,
  webhookBody,
  webhookPayload,
} from './webhook.js';
