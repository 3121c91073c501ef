// The line the "cite" control copies, ready to paste into a code review:
//   <id>: <one-sentence statement> (Linux <release>, kernel-confirmed|model only) <URL>
import type { SiteData } from '../results.ts';
import { exampleConfirmation, exampleStatement, ruleConfirmation } from './model.ts';
import { examplePath, rulePath } from './urls.ts';

export interface Citation {
  /** Everything before the URL. */
  head: string;
  /** Site path (/rules/<id>/ or /examples/<id>/), to be made absolute where the page is served. */
  path: string;
}

function statusText(status: 'kernel-confirmed' | 'model-only'): string {
  return status === 'kernel-confirmed' ? 'kernel-confirmed' : 'model only';
}

/** One sentence: collapse whitespace, end with a full stop. */
function sentence(text: string): string {
  const s = text.replace(/\s+/g, ' ').trim();
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

export function ruleCitation(data: SiteData, id: string): Citation {
  const rule = Object.hasOwn(data.rules, id) ? data.rules[id] : undefined;
  if (!rule) throw new Error(`bpfspec: cannot cite rule "${id}": no such rule in the results file`);
  const c = ruleConfirmation(data, rule);
  return { head: `${rule.id}: ${sentence(rule.statement)} (${c.kernelLabel}, ${statusText(c.status)})`, path: rulePath(rule.id) };
}

export function exampleCitation(data: SiteData, id: string): Citation {
  const ex = Object.hasOwn(data.examples, id) ? data.examples[id] : undefined;
  if (!ex) throw new Error(`bpfspec: cannot cite example "${id}": no such example in the results file`);
  const c = exampleConfirmation(ex, data.profile);
  return { head: `${ex.id}: ${sentence(exampleStatement(ex))} (${c.kernelLabel}, ${statusText(c.status)})`, path: examplePath(ex.id) };
}

/** The full line, given the URL prefix (origin + base, or just the base). */
export function citationLine(c: Citation, prefix: string): string {
  return `${c.head} ${prefix}${c.path}`;
}
