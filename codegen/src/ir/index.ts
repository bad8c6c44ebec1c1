export { type AnyContract, type BuildIrOptions, buildIr } from './build.js';
export { type JsonSchemaToTsOptions, jsonSchemaToTs, propertyKey } from './json-schema-to-ts.js';
export { defTypeName, eventTypeName, pascalCase } from './names.js';
export { zodOnlyFeatures } from './needs-zod.js';
export type { IrDocument, IrEvent, IrRequestPart, IrRoute, IrTypeDefinition, JsonSchema } from './types.js';
