// An example: a program and its documented outcome, in the kernel selftest vocabulary
// (__success, __failure, __msg, __not_msg, __retval, __log_level) plus bpfspec's own
// __id, __rule, __profile and __description. Examples come from specs/ files and from
// ```bpf fences inside <Example id="..."> elements of MDX pages.
import type { Annotation, ParsedProgram } from '../asm/parse.ts';
import { SourceError } from '../asm/errors.ts';
import { parseSection } from '../ir/sections.ts';
import type { Program } from '../ir/program.ts';
import { PROFILE_NAMES, isProfileName, type ProfileName } from '../model/profile.ts';

export interface Expectation {
  /** null: nothing documented (a plain ELF object given to `bpfspec verify`); only the verdict is reported. */
  verdict: 'accept' | 'reject' | null;
  /** Ordered substrings of the log; `{{regex}}` islands are regular expressions. */
  msgs: string[];
  notMsgs: string[];
  retval: number | null;
  logLevel: number;
}

export interface Example {
  id: string;
  file: string;
  line: number;
  col: number;
  /** The example's own text (the fence body, or the program's part of a specs file). */
  source: string;
  program: Program;
  expected: Expectation;
  rules: string[];
  profiles: ProfileName[];
  description: string | null;
  /** Why the kernel cannot confirm this example (e.g. a kfunc the kernel lacks). */
  modelOnly: string | null;
  /** Documented expectations no back end checks, each with the reason (a selftest's __xlated, __jited...). */
  unchecked?: string[];
  /**
   * C source text of each slot, indexed like program.srcLocs (ELF objects with BTF line info);
   * `verify` shows the failing slot's line with its srcLocs entry.
   */
  sourceLines?: (string | null)[];
}

const KNOWN = new Set(['__success', '__failure', '__msg', '__not_msg', '__retval', '__log_level', '__description', '__id', '__rule', '__profile', '__model_only', '__caps_drop']);

/** Capabilities an example may take away from the (root) loader: the ones the model knows the effect of. */
const DROPPABLE_CAPS = new Set(['CAP_SYS_BOOT']);

function strArg(a: Annotation, i = 0): string {
  const v = a.args[i];
  if (!v || v.kind !== 'str') throw new SourceError(a.loc, `${a.name} takes a string argument`);
  return v.value;
}

function numArg(a: Annotation): number {
  const v = a.args[0];
  if (!v || v.kind !== 'num') throw new SourceError(a.loc, `${a.name} takes a number argument`);
  return Number(v.value);
}

export function toExample(pp: ParsedProgram, file: string, source: string, idFromPage: string | null): Example {
  let verdict: 'accept' | 'reject' | null = null;
  const msgs: string[] = [];
  const notMsgs: string[] = [];
  let retval: number | null = null;
  let logLevel = 1;
  let id: string | null = idFromPage;
  const rules: string[] = [];
  const profiles: ProfileName[] = [];
  let description: string | null = null;
  let modelOnly: string | null = null;
  const droppedCaps: string[] = [];
  for (const a of pp.annotations) {
    if (!KNOWN.has(a.name)) throw new SourceError(a.loc, `unknown annotation ${a.name} (known: ${[...KNOWN].join(', ')})`);
    switch (a.name) {
      case '__success':
      case '__failure': {
        const v = a.name === '__success' ? 'accept' : 'reject';
        if (verdict && verdict !== v) throw new SourceError(a.loc, 'an example cannot be both __success and __failure');
        verdict = v;
        break;
      }
      case '__msg':
        msgs.push(strArg(a));
        break;
      case '__not_msg':
        notMsgs.push(strArg(a));
        break;
      case '__retval':
        retval = numArg(a);
        break;
      case '__log_level':
        logLevel = numArg(a);
        break;
      case '__description':
        description = strArg(a);
        break;
      case '__id': {
        const v = strArg(a);
        if (idFromPage && v !== idFromPage) throw new SourceError(a.loc, `__id("${v}") differs from the page's <Example id="${idFromPage}">`);
        id = v;
        break;
      }
      case '__rule':
        for (let i = 0; i < a.args.length; i++) rules.push(strArg(a, i));
        break;
      case '__profile':
        for (let i = 0; i < a.args.length; i++) {
          const p = strArg(a, i);
          if (!isProfileName(p)) throw new SourceError(a.loc, `unknown profile "${p}" (known: ${PROFILE_NAMES.join(', ')})`);
          profiles.push(p);
        }
        break;
      case '__model_only':
        modelOnly = strArg(a);
        break;
      case '__caps_drop':
        for (let i = 0; i < a.args.length; i++) {
          const c = strArg(a, i);
          if (!DROPPABLE_CAPS.has(c)) throw new SourceError(a.loc, `__caps_drop: the model knows the effect of dropping ${[...DROPPABLE_CAPS].join(', ')} only, not ${c}`);
          droppedCaps.push(c);
        }
        break;
    }
  }
  if (!verdict) throw new SourceError(pp.program.loc, `example '${pp.program.name}' needs __success or __failure`);
  const sec = parseSection(pp.program.section);
  if (!sec.ok) throw new SourceError(pp.program.loc, `SEC("${pp.program.section}"): ${sec.error}`);
  return {
    id: id ?? `${file.replace(/^.*\//, '').replace(/\.[^.]+$/, '')}.${pp.program.name}`,
    file, line: pp.program.loc.line, col: pp.program.loc.col, source, program: droppedCaps.length ? { ...pp.program, droppedCaps } : pp.program,
    expected: { verdict, msgs, notMsgs, retval, logLevel }, rules,
    profiles: profiles.length ? profiles : ['v6.18', 'bpf-next'], description, modelOnly,
  };
}

/**
 * The profile an example runs under: its single __profile (it documents that kernel's behaviour);
 * undefined for the default, which covers both and runs as this machine's kernel (v6.18).
 */
export function exampleProfile(ex: Pick<Example, 'profiles'>): ProfileName | undefined {
  return ex.profiles.length === 1 ? ex.profiles[0] : undefined;
}

/** Does an outcome meet the example's expectation? Returns the reasons it does not. */
export function compare(ex: Pick<Example, 'expected'>, out: { verdict: string; log: string }): string[] {
  const problems: string[] = [];
  if (ex.expected.verdict !== null && out.verdict !== ex.expected.verdict) problems.push(`expected ${ex.expected.verdict}, got ${out.verdict}`);
  const m = matchMsgs(out.log, ex.expected.msgs);
  if (!m.ok) problems.push(`log does not contain (in order) "${m.missing}"`);
  for (const nm of ex.expected.notMsgs) {
    if (msgRegex(nm).test(out.log)) problems.push(`log contains "${nm}" (__not_msg)`);
  }
  return problems;
}

/** Ordered `__msg` matching as the kernel's test_loader does it: each pattern after the previous match. */
export function matchMsgs(log: string, msgs: string[]): { ok: boolean; missing: string | null } {
  let pos = 0;
  for (const m of msgs) {
    const re = msgRegex(m);
    re.lastIndex = pos;
    const hit = re.exec(log);
    if (!hit) return { ok: false, missing: m };
    pos = hit.index + hit[0].length;
  }
  return { ok: true, missing: null };
}

export function msgRegex(m: string): RegExp {
  let src = '';
  let i = 0;
  while (i < m.length) {
    const open = m.indexOf('{{', i);
    if (open < 0) {
      src += escape(m.slice(i));
      break;
    }
    const close = m.indexOf('}}', open + 2);
    if (close < 0) {
      src += escape(m.slice(i));
      break;
    }
    src += escape(m.slice(i, open)) + '(?:' + m.slice(open + 2, close) + ')';
    i = close + 2;
  }
  return new RegExp(src, 'g');
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
