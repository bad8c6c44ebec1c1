import { describe, expect, it } from 'vitest';
import { formatClient, formatClientSync, prepareClientFormatter } from './format.js';

const UNFORMATTED = `export const a = {b: 1,c:[1,2]}
export function f(x:number){
if(x>1){return x}
    return 0
}
`;
const FORMATTED = `export const a = { b: 1, c: [1, 2] };
export function f(x: number) {
  if (x > 1) { return x; }
  return 0;
}
`;

describe('client formatter', () => {
  it('formats on this thread: spacing, semicolons, two-space indent, final newline', () => {
    expect(formatClientSync(UNFORMATTED)).toBe(FORMATTED);
    expect(formatClientSync('const a = 1')).toBe('const a = 1;\n');
  });

  it('gives the same text in the worker, for texts sent at once and one after the other', async () => {
    prepareClientFormatter();
    prepareClientFormatter(); // one worker
    const texts = [UNFORMATTED, 'const a = 1', 'let x = {y:2}\r\nlet z=3\r\n'];
    const together = await Promise.all(texts.map((text) => formatClient(text)));
    expect(together).toEqual(texts.map((text) => formatClientSync(text)));
    expect(await formatClient(UNFORMATTED)).toBe(FORMATTED);
  });
});
