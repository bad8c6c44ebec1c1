export { type AnyContract, type BuildIrOptions, buildIr } from './build.ts';
export { type JsonSchemaToTsOptions, jsonSchemaToTs, propertyKey } from './json-schema-to-ts.ts';
export { defTypeName, eventTypeName, pascalCase } from './names.ts';
export { zodOnlyFeatures } from './needs-zod.ts';
export type { IrDocument, IrEvent, IrRequestPart, IrRoute, IrTypeDefinition, JsonSchema } from './types.ts';
