import { createConformanceHost } from '../../../host-app.ts';

const host = createConformanceHost();

export const dynamic = 'force-dynamic';
export const GET = host.fetch;
export const POST = host.fetch;
