/**
 * Delivery verification: every client connection must have received exactly the expected events, in order, with the
 * expected checksum. A run that fails it throws — its numbers are never reported.
 */

/** What one client process reports about its connections after a run. */
export interface DeliveryReport {
  /** Connections held by this client process. */
  connections: number;
  /** Per connection: events of the run received. */
  counts: number[];
  /** Per connection: the last sequence number received (-1 when none). */
  lastSeqs: number[];
  /** Per connection: a checksum over received sequence numbers (see {@link seqChecksum}). */
  checksums: number[];
  /** Order, payload or parse errors seen (first few). */
  errors: string[];
}

/** What every connection should have received. */
export interface ExpectedDelivery {
  connections: number;
  /** Events per connection. */
  events: number;
  /** First sequence number of the run. */
  firstSeq: number;
}

/** Order-sensitive checksum step over sequence numbers, kept in 32 bits. */
export function seqChecksumStep(sum: number, seq: number): number {
  return (Math.imul(sum ^ seq, 16777619) + seq) >>> 0;
}

/** The checksum a connection should report after receiving `events` events starting at `firstSeq`. */
export function seqChecksum(firstSeq: number, events: number, start = 2166136261): number {
  let sum = start;
  for (let seq = firstSeq; seq < firstSeq + events; seq++) sum = seqChecksumStep(sum, seq);
  return sum;
}

/** A run whose deliveries did not match. */
export class DeliveryMismatchError extends Error {
  readonly problems: string[];
  constructor(label: string, problems: string[]) {
    super(`${label}: delivery verification failed:\n  ${problems.slice(0, 10).join('\n  ')}`);
    this.name = 'DeliveryMismatchError';
    this.problems = problems;
  }
}

/** Throws {@link DeliveryMismatchError} unless every connection of every report received exactly what was expected. */
export function verifyDeliveries(label: string, reports: readonly DeliveryReport[], expected: ExpectedDelivery): void {
  const problems: string[] = [];
  const checksum = seqChecksum(expected.firstSeq, expected.events);
  const lastSeq = expected.firstSeq + expected.events - 1;
  let connections = 0;
  reports.forEach((report, r) => {
    connections += report.connections;
    for (const error of report.errors) problems.push(`client ${r}: ${error}`);
    for (let i = 0; i < report.connections; i++) {
      const where = `client ${r} connection ${i}`;
      if (report.counts[i] !== expected.events)
        problems.push(`${where}: ${report.counts[i]} events, expected ${expected.events}`);
      if (report.lastSeqs[i] !== lastSeq)
        problems.push(`${where}: last seq ${report.lastSeqs[i]}, expected ${lastSeq}`);
      if (report.checksums[i] !== checksum)
        problems.push(`${where}: checksum ${report.checksums[i]}, expected ${checksum}`);
    }
  });
  if (connections !== expected.connections) {
    problems.unshift(`${connections} connections reported, expected ${expected.connections}`);
  }
  if (problems.length) throw new DeliveryMismatchError(label, problems);
}
