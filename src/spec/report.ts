// Reporters for `bpfspec check`: human (file:line:col, expected vs actual, log tail), json,
// junit and GitHub workflow annotations.
import type { Checked } from './runner.ts';
import type { KernelCheck } from './kernel-check.ts';

export type Format = 'human' | 'json' | 'junit' | 'github';

const tail = (log: string, n = 8): string => log.trimEnd().split('\n').slice(-n).map((l) => `    | ${l}`).join('\n');

export function summary(results: Checked[]): { total: number; agree: number; disagree: number; unsupported: number } {
  return {
    total: results.length,
    agree: results.filter((r) => r.agrees).length,
    disagree: results.filter((r) => !r.agrees).length,
    unsupported: results.filter((r) => r.actual.verdict === 'unsupported').length,
  };
}

export function formatReport(results: Checked[], format: Format, kernel: Map<string, KernelCheck> | null): string {
  const s = summary(results);
  switch (format) {
    case 'json':
      return JSON.stringify({
        examples: results.map((r) => ({
          id: r.example.id, file: r.example.file, line: r.example.line, rules: r.example.rules, profiles: r.example.profiles,
          expected: r.example.expected,
          actual: { verdict: r.actual.verdict, error: r.actual.error, insn_processed: r.actual.insnProcessed },
          agrees: r.agrees,
          ...(kernel ? { kernel: kernel.get(r.example.id) ?? null } : {}),
        })),
        summary: s,
      }, null, 2) + '\n';
    case 'junit': {
      const esc = (x: string): string => x.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
      const cases = results.map((r) => {
        const body = r.agrees ? '' : `<failure message="${esc(r.problems.join('; '))}">${esc(r.actual.log.split('\n').slice(-10).join('\n'))}</failure>`;
        return `  <testcase classname="${esc(r.example.file)}" name="${esc(r.example.id)}">${body}</testcase>`;
      });
      return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="bpfspec" tests="${s.total}" failures="${s.disagree}">\n${cases.join('\n')}\n</testsuite>\n`;
    }
    case 'github':
      return results.filter((r) => !r.agrees).map((r) => `::error file=${r.example.file},line=${r.example.line},col=${r.example.col}::${r.example.id}: ${r.problems.join('; ')}`).join('\n') + (s.disagree ? '\n' : '') + `${s.agree} passed, ${s.disagree} failed\n`;
    case 'human': {
      const out: string[] = [];
      for (const r of results) {
        const k = kernel?.get(r.example.id);
        if (!r.agrees) {
          out.push(`${r.example.file}:${r.example.line}:${r.example.col}: ${r.example.id}: ${r.problems.join('; ')}`);
          out.push(`  expected: ${r.example.expected.verdict}${r.example.expected.msgs.length ? ` with ${r.example.expected.msgs.map((m) => JSON.stringify(m)).join(', ')}` : ''}`);
          out.push(`  actual:   ${r.actual.verdict}${r.actual.error ? `: ${r.actual.error}` : ''}`);
          out.push(tail(r.actual.log));
        }
        if (k && !k.agrees) out.push(`${r.example.file}:${r.example.line}:${r.example.col}: ${r.example.id}: kernel: ${k.problems.join('; ')}`);
      }
      out.push(`${s.agree} passed, ${s.disagree} failed`);
      return out.join('\n') + '\n';
    }
  }
}
