import { describe, expect, it } from 'vitest';
import { formatCheckSummary, toJsonReport, toJUnitXml } from './report.js';
import type { CheckReport } from './run-check.js';

const report: CheckReport = {
  baseUrl: 'http://127.0.0.1:1/',
  ok: false,
  counts: { pass: 1, fail: 1, skip: 1, warn: 1 },
  cases: [
    {
      route: 'feed',
      case: 'a <b> & "c"',
      method: 'GET',
      url: 'http://127.0.0.1:1/feed?a=1&b=2',
      checks: [
        { name: 'status', status: 'pass', message: '200' },
        { name: 'ids', status: 'fail', message: 'line(s) that are no SSE field: "x\u0001"' },
        { name: 'resume', status: 'skip', message: 'needs at least 2 events with ids, got 0' },
        { name: 'x-accel-buffering', status: 'warn', message: 'missing' },
      ],
    },
  ],
};

describe('check reports', () => {
  it('writes JUnit XML with every check as a testcase, escaped', () => {
    const xml = toJUnitXml(report);
    expect(xml).toContain('<testsuites name="ssekit check" tests="4" failures="1" skipped="1">');
    expect(xml).toContain('<testcase classname="ssekit.check.feed" name="a &lt;b&gt; &amp; &quot;c&quot;: status"/>');
    expect(xml).toContain(
      '<failure message="line(s) that are no SSE field: &quot;x�&quot;">GET http://127.0.0.1:1/feed?a=1&amp;b=2',
    );
    expect(xml).toContain('<skipped message="needs at least 2 events with ids, got 0"/>');
    expect(xml).toContain('<system-out>warning: missing</system-out>');
    expect(xml).not.toMatch(/[\u0000-\u0008]/);
  });

  it('writes JSON and a summary line', () => {
    expect(JSON.parse(toJsonReport(report))).toEqual(report);
    expect(formatCheckSummary(report)).toBe('FAIL 4 checks in 1 request(s): 1 passed, 1 failed, 1 skipped, 1 warning');
  });
});
