import { nextHost } from './conformance/hosts/remote.ts';
import { describeConformance } from './conformance/suite.ts';

// The fetch adapter as a Next.js App Router route handler: `next build`, then `next start` on the Node running this.
describeConformance([nextHost]);
