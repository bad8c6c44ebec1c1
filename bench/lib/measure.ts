import type { Fleet } from './fleet.ts';
import { type DeliveryReport, verifyDeliveries } from './verify.ts';

export interface CpuWindow {
  cpuUs: number;
  userUs: number;
  systemUs: number;
  wallMs: number;
}

/**
 * One verified CPU run: arm the clients, let the server send `events` ticks (`burst` per event-loop turn), wait for
 * every client to have them all, then close the server's CPU window. Throws if any connection missed anything.
 */
export async function cpuRun(
  fleet: Fleet,
  label: string,
  connections: number,
  run: { events: number; burst: number; firstSeq: number },
): Promise<CpuWindow> {
  await Promise.all(fleet.clients.map((c) => c.request('arm', { events: run.events })));
  await fleet.server.request('run', run);
  const reports = await Promise.all(
    fleet.clients.map((c) => c.request<DeliveryReport>('await', { timeoutMs: 40_000 }, 45_000)),
  );
  const cpu = await fleet.server.request<CpuWindow>('stop', {}, 45_000);
  verifyDeliveries(label, reports, { connections, events: run.events, firstSeq: run.firstSeq });
  return cpu;
}
