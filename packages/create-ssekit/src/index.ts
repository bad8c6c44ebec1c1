export { CreateSsekitError, type CreateSsekitErrorCode } from './errors.js';
export { type MainIo, main, nextSteps, USAGE } from './main.js';
export { nameProblems, suggestName, validateAppName } from './name.js';
export {
  APP_DEPENDENCY_NAMES,
  type AppPackageJson,
  type AppPackageJsonOptions,
  appPackageJson,
  SERVER_KINDS,
  type ServerKind,
  ssekitSpecs,
  THIRD_PARTY_VERSIONS,
  VALIDATION_MODES,
  type ValidationMode,
} from './package-json.js';
export { fileSpec, findTarballs, SSEKIT_PACKAGES, type SsekitPackage, type Tarballs } from './packages-from.js';
export { type ScaffoldOptions, type ScaffoldResult, scaffold } from './scaffold.js';
export { appPath, readTemplates, render, TEMPLATES_DIR, type TemplateFile } from './templates.js';
export { ownVersion, PACKAGE_ROOT } from './version.js';
