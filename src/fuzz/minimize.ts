// Shrinking a disagreement to the fewest lines that still show it: delta debugging over the
// body lines (chunks of halving size, then single lines), then the subprogram. A candidate
// that no longer parses (a branch to a removed label) simply does not count.
import type { GeneratedProgram } from './grammar.ts';

export function minimize(p: GeneratedProgram, stillFails: (q: GeneratedProgram) => boolean, budget = 2000): GeneratedProgram {
  let cur = p;
  let tries = 0;
  const attempt = (q: GeneratedProgram): boolean => {
    if (tries >= budget) return false;
    tries++;
    return stillFails(q);
  };
  let chunk = Math.max(1, Math.floor(cur.lines.length / 2));
  for (;;) {
    let progress = false;
    // the final `exit` stays: a program must end in one
    for (let i = 0; i + 1 < cur.lines.length; ) {
      const end = Math.min(i + chunk, cur.lines.length - 1);
      const q = { ...cur, lines: [...cur.lines.slice(0, i), ...cur.lines.slice(end)] };
      if (end > i && attempt(q)) {
        cur = q;
        progress = true;
      } else i += chunk;
    }
    if (tries >= budget) break;
    if (chunk === 1 && !progress) break;
    if (!progress) chunk = Math.max(1, Math.floor(chunk / 2));
  }
  if (cur.sub.length) {
    const q = { ...cur, sub: [] };
    if (attempt(q)) cur = q;
  }
  return cur;
}
