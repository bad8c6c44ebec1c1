// validate-npm-package-name ships no types (DefinitelyTyped's lag behind); this is the part create-ssekit uses.
declare module 'validate-npm-package-name' {
  interface ValidationResult {
    /** No errors and no warnings: what `npm init` requires of a new package. */
    validForNewPackages: boolean;
    /** No errors (warnings allowed): names the registry still serves. */
    validForOldPackages: boolean;
    /** Rules new names must follow (capital letters, core module names, special characters, length); absent when none. */
    warnings?: string[];
    /** Rules every name must follow; absent when none. */
    errors?: string[];
  }
  function validate(name: string): ValidationResult;
  export = validate;
}
