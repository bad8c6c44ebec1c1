import { describe, expect, it } from 'vitest';
import {
  DeliveryMismatchError,
  type DeliveryReport,
  seqChecksum,
  seqChecksumStep,
  verifyDeliveries,
} from './verify.ts';

function report(seqsPerConnection: number[][]): DeliveryReport {
  return {
    connections: seqsPerConnection.length,
    counts: seqsPerConnection.map((seqs) => seqs.length),
    lastSeqs: seqsPerConnection.map((seqs) => seqs.at(-1) ?? -1),
    checksums: seqsPerConnection.map((seqs) => seqs.reduce(seqChecksumStep, 2166136261)),
    errors: [],
  };
}

describe('verifyDeliveries', () => {
  const expected = { connections: 2, events: 5, firstSeq: 10 };
  const all = [10, 11, 12, 13, 14];

  it('accepts exactly the expected events on every connection', () => {
    expect(() => verifyDeliveries('ok', [report([all, all])], expected)).not.toThrow();
    expect(seqChecksum(10, 5)).toBe(report([all]).checksums[0]);
  });

  it('fails on a missing event, even when the last sequence matches', () => {
    const missing = [10, 11, 13, 14];
    expect(() => verifyDeliveries('missing', [report([all, missing])], expected)).toThrow(DeliveryMismatchError);
  });

  it('fails on a duplicated or reordered event with the right count', () => {
    expect(() => verifyDeliveries('dup', [report([all, [10, 11, 11, 13, 14]])], expected)).toThrow(/checksum/);
    expect(() => verifyDeliveries('order', [report([all, [10, 12, 11, 13, 14]])], expected)).toThrow(/checksum/);
  });

  it('fails on a missing connection and on reported client errors', () => {
    expect(() => verifyDeliveries('conn', [report([all])], expected)).toThrow(/1 connections reported/);
    const withError = { ...report([all, all]), errors: ['bad payload'] };
    expect(() => verifyDeliveries('err', [withError], expected)).toThrow(/bad payload/);
  });
});
