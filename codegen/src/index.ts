export { type CliIo, HELP, runCli } from './cli/run-cli.ts';
export {
  CONFIG_FILES,
  defineConfig,
  type ResolvedConfig,
  resolveConfig,
  type SsekitConfig,
  type ValidationMode,
} from './config.ts';
export { diffSummary } from './diff-summary.ts';
export { BANNER, clientEmitter, emitClientSource } from './emitters/client/index.ts';
export { emitters } from './emitters/index.ts';
export type { EmitOptions, EmittedFile, Emitter } from './emitters/types.ts';
export { CodegenError, type CodegenErrorLocation } from './errors.ts';
export { type GeneratedFile, type GenerateOptions, type GenerateResult, generate } from './generate.ts';
export { type AnyContract, type BuildIrOptions, buildIr } from './ir/build.ts';
export { type JsonSchemaToTsOptions, jsonSchemaToTs } from './ir/json-schema-to-ts.ts';
export { zodOnlyFeatures } from './ir/needs-zod.ts';
export type {
  IrDocument,
  IrEvent,
  IrRequestPart,
  IrRoute,
  IrTypeDefinition,
  JsonSchema,
} from './ir/types.ts';
export { findContracts, type NamedContract } from './loader/find-contracts.ts';
export { type ImportedModule, type ImportModuleOptions, importModule } from './loader/import-module.ts';
export { type WatchHandle, type WatchHooks, watch } from './watch.ts';
