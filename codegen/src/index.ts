export { CHECK_HELP, TAIL_HELP } from './cli/devtools-cli.js';
export { type CliIo, HELP, runCli } from './cli/run-cli.js';
export {
  CONFIG_FILES,
  defineConfig,
  type ResolvedConfig,
  resolveConfig,
  type SsekitConfig,
  type ValidationMode,
} from './config.js';
export { formatCheckSummary, toJsonReport, toJUnitXml } from './devtools/check/report.js';
export {
  BOGUS_LAST_EVENT_ID,
  type CaseReport,
  type CheckCase,
  type CheckReport,
  type CheckResult,
  type CheckServerOptions,
  type CheckStatus,
  checkServer,
} from './devtools/check/run-check.js';
export { createEventChecker, type EventVerdict } from './devtools/event-checker.js';
export { type LoadedRoute, type LoadRoutesOptions, loadContractRoutes, matchRoute } from './devtools/load-routes.js';
export { formatTailSummary, type TailEnd, type TailOptions, type TailSummary, tail } from './devtools/tail.js';
export { diffSummary } from './diff-summary.js';
export { BANNER, clientEmitter, emitClientSource } from './emitters/client/index.js';
export { emitters } from './emitters/index.js';
export type { EmitOptions, EmittedFile, Emitter } from './emitters/types.js';
export { CodegenError, type CodegenErrorLocation } from './errors.js';
export {
  type FromWarning,
  parseApiDocument,
  type ReadApiDocumentOptions,
  type ReadApiDocumentResult,
  readApiDocument,
} from './from/index.js';
export { type GeneratedFile, type GenerateOptions, type GenerateResult, generate } from './generate.js';
export { type AnyContract, type BuildIrOptions, buildIr } from './ir/build.js';
export { type JsonSchemaToTsOptions, jsonSchemaToTs } from './ir/json-schema-to-ts.js';
export { zodOnlyFeatures } from './ir/needs-zod.js';
export type {
  IrDocument,
  IrEvent,
  IrRequestPart,
  IrRoute,
  IrTypeDefinition,
  JsonSchema,
} from './ir/types.js';
export { findContracts, type NamedContract } from './loader/find-contracts.js';
export { type ImportedModule, type ImportModuleOptions, importModule } from './loader/import-module.js';
export { type WatchHandle, type WatchHooks, watch } from './watch.js';
