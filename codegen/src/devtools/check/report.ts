import type { Style } from '../style.js';
import type { CaseReport, CheckReport, CheckStatus } from './run-check.js';

const MARK: Record<CheckStatus, string> = { pass: '✓', fail: '✗', skip: '-', warn: '!' };
const COLOR: Record<CheckStatus, Style> = { pass: 'green', fail: 'red', skip: 'dim', warn: 'yellow' };

/**
 * The readable lines of one case: a header, then one line per check.
 *
 * @example
 * ```ts
 * for (const line of formatCase(report, (_, text) => text)) console.log(line);
 * ```
 */
export function formatCase(report: CaseReport, paint: (style: Style, text: string) => string): string[] {
  const failed = report.checks.some((c) => c.status === 'fail');
  const lines = [
    `${paint(failed ? 'red' : 'green', MARK[failed ? 'fail' : 'pass'])} ${paint('bold', report.route)} · ${report.case}  ${paint('dim', `${report.method} ${report.url}`)}`,
  ];
  for (const check of report.checks) {
    lines.push(`    ${paint(COLOR[check.status], `${MARK[check.status]} ${check.name.padEnd(18)}`)} ${check.message}`);
  }
  return lines;
}

/**
 * The summary line of a check run.
 *
 * @example
 * ```ts
 * formatCheckSummary(report); // 'FAIL 31 checks: 28 passed, 1 failed, 1 skipped, 1 warning'
 * ```
 */
export function formatCheckSummary(report: CheckReport): string {
  const { pass, fail, skip, warn } = report.counts;
  const total = pass + fail + skip + warn;
  return `${report.ok ? 'PASS' : 'FAIL'} ${total} checks in ${report.cases.length} request(s): ${pass} passed, ${fail} failed, ${skip} skipped, ${warn} warning${warn === 1 ? '' : 's'}`;
}

function xml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // characters XML 1.0 cannot hold
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '�')
  );
}

/**
 * A JUnit XML report (one `testsuite` per route, one `testcase` per check) for CI dashboards. Warnings pass, with
 * their message in `system-out`.
 *
 * @example
 * ```ts
 * await writeFile('ssekit-check.xml', toJUnitXml(report));
 * ```
 */
export function toJUnitXml(report: CheckReport): string {
  const byRoute = new Map<string, CaseReport[]>();
  for (const c of report.cases) byRoute.set(c.route, [...(byRoute.get(c.route) ?? []), c]);
  const count = (cases: readonly CaseReport[], status?: CheckStatus) =>
    cases.reduce((n, c) => n + c.checks.filter((k) => status === undefined || k.status === status).length, 0);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ssekit check" tests="${count(report.cases)}" failures="${count(report.cases, 'fail')}" skipped="${count(report.cases, 'skip')}">`,
  ];
  for (const [route, cases] of byRoute) {
    lines.push(
      `  <testsuite name="${xml(route)}" tests="${count(cases)}" failures="${count(cases, 'fail')}" skipped="${count(cases, 'skip')}">`,
    );
    for (const c of cases) {
      for (const check of c.checks) {
        const open = `    <testcase classname="ssekit.check.${xml(route)}" name="${xml(`${c.case}: ${check.name}`)}"`;
        if (check.status === 'pass') lines.push(`${open}/>`);
        else if (check.status === 'fail') {
          lines.push(
            `${open}>`,
            `      <failure message="${xml(check.message)}">${xml(`${c.method} ${c.url}\n${check.message}`)}</failure>`,
            '    </testcase>',
          );
        } else if (check.status === 'skip') {
          lines.push(`${open}>`, `      <skipped message="${xml(check.message)}"/>`, '    </testcase>');
        } else
          lines.push(
            `${open}>`,
            `      <system-out>${xml(`warning: ${check.message}`)}</system-out>`,
            '    </testcase>',
          );
      }
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

/**
 * The report as JSON text (`{ baseUrl, ok, counts, cases: [{ route, case, method, url, checks }] }`).
 *
 * @example
 * ```ts
 * await writeFile('ssekit-check.json', toJsonReport(report));
 * ```
 */
export function toJsonReport(report: CheckReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
