import type { IrDocument, IrRoute } from '../ir/types.js';

/** What a format reader (OpenAPI, AsyncAPI) gives back from one document. */
export interface ReadRoutes {
  routes: IrRoute[];
  /** Operations that are not SSE streams, or that the client cannot call, as `METHOD /path: why`. */
  skipped: string[];
  /** Things the user must do themselves, e.g. set an auth header through `createClient({ headers })`. */
  notes: string[];
  servers: IrDocument['servers'];
}
