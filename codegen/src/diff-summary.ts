/**
 * A short, human diff between the file on disk and what would be generated: the first changed region, trimmed to a
 * few lines each side. Enough for `--check` to say what is stale without a diff library.
 *
 * @example
 * ```ts
 * diffSummary('a\nb\n', 'a\nc\n'); // '@@ line 2 @@\n- b\n+ c'
 * ```
 */
export function diffSummary(actual: string, expected: string, maxLines = 6): string {
  if (actual === expected) return '';
  const a = actual.split('\n');
  const b = expected.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const removed = a.slice(start, endA);
  const added = b.slice(start, endB);
  const show = (lines: string[], mark: string) => {
    const shown = lines.slice(0, maxLines).map((line) => `${mark} ${line}`);
    if (lines.length > maxLines) shown.push(`${mark} … ${lines.length - maxLines} more line(s)`);
    return shown;
  };
  return [`@@ line ${start + 1} @@`, ...show(removed, '-'), ...show(added, '+')].join('\n');
}
