// Examples from a clang-built BPF object: one per program. Expectations come from the kernel
// selftests' test_loader annotations, which bpf_misc.h turns into BTF decl tags on the program's
// FUNC ("comment:test_expect_success", "comment:test_expect_msg=<counter>=<text>", ...). An
// object without any such tag documents nothing: its examples expect no particular verdict.
import { SourceError } from '../asm/errors.ts';
import type { ParsedBtf } from '../btf/btf-parse.ts';
import { BPF_PROG_FLAG } from '../ir/sections.ts';
import type { Example, Expectation } from '../spec/example.ts';
import type { Program } from '../ir/program.ts';
import { readElfObject } from './link.ts';

const TAG = 'comment:';

/** The test_loader tags on a program's BTF FUNC, without the 'comment:' prefix, in BTF order. */
export function testTags(btf: ParsedBtf | null, func: string): string[] {
  if (!btf) return [];
  const id = btf.findAll('func', func)[0];
  if (id === undefined) return [];
  return btf.declTags(id, -1).map((t) => t.value).filter((v) => v.startsWith(TAG)).map((v) => v.slice(TAG.length));
}

const RETVAL_NAMES: Record<string, number> = { INT_MIN: -2147483648, POINTER_VALUE: 0xcafe4a11, TEST_DATA_LEN: 64 };

function parseInt32(s: string, what: string, fail: (m: string) => never): number {
  const t = s.trim();
  if (t in RETVAL_NAMES) return RETVAL_NAMES[t] | 0;
  if (!/^-?(0x[0-9a-fA-F]+|\d+)$/.test(t)) fail(`${what}: '${s}' is not a number`);
  const neg = t.startsWith('-');
  const v = Number(BigInt(neg ? t.slice(1) : t)) * (neg ? -1 : 1);
  return v | 0;
}

export interface ElfExpectation {
  expected: Expectation;
  description: string | null;
  progFlags: number;
  auxiliary: boolean;
  /** Tags bpfspec does not check (unprivileged mode, __xlated, __jited, __arch ...). */
  unchecked: string[];
  /** At least one test_loader tag was present. */
  annotated: boolean;
}

/** Reads test_loader tags the way test_loader.c's parse_test_spec does (privileged mode only). */
export function expectationFromTags(tags: string[], fail: (m: string) => never): ElfExpectation {
  let verdict: 'accept' | 'reject' | null = null;
  const msgs: { n: number; text: string; not: boolean }[] = [];
  let retval: number | null = null;
  let logLevel = 1;
  let description: string | null = null;
  let progFlags = 0;
  let auxiliary = false;
  const unchecked: string[] = [];
  const counted = (v: string): { n: number; text: string } => {
    // newer bpf_misc.h: "<__COUNTER__>=<msg>" keeps the source order that clang may not
    const m = /^(\d+)=(.*)$/s.exec(v);
    return m ? { n: Number(m[1]), text: m[2] } : { n: Number.MAX_SAFE_INTEGER, text: v };
  };
  for (const tag of tags) {
    const eq = tag.indexOf('=');
    const key = eq < 0 ? tag : tag.slice(0, eq);
    const val = eq < 0 ? '' : tag.slice(eq + 1);
    switch (key) {
      case 'test_expect_success':
      case 'test_expect_failure': {
        const v = key === 'test_expect_success' ? 'accept' : 'reject';
        if (verdict && verdict !== v) fail('a program cannot be both __success and __failure');
        verdict = v;
        break;
      }
      case 'test_expect_msg': msgs.push({ ...counted(val), not: false }); break;
      case 'test_expect_not_msg': msgs.push({ ...counted(val), not: true }); break;
      case 'test_retval': retval = parseInt32(val, '__retval', fail); break;
      case 'test_log_level': logLevel = parseInt32(val, '__log_level', fail); break;
      case 'test_description': description = val; break;
      case 'test_auxiliary': auxiliary = true; break;
      case 'test_prog_flags': {
        const f = val.trim();
        progFlags |= f in BPF_PROG_FLAG ? BPF_PROG_FLAG[f as keyof typeof BPF_PROG_FLAG] : parseInt32(f, '__flag', fail);
        break;
      }
      default:
        unchecked.push(`comment:${tag}: bpfspec checks the privileged verdict, log and retval only`);
        break;
    }
  }
  const stable = msgs.map((m, i) => ({ ...m, i })).sort((a, b) => a.n - b.n || a.i - b.i);
  const annotated = tags.length > 0;
  return {
    expected: {
      // test_loader: no __success/__failure means success is expected
      verdict: verdict ?? (annotated ? 'accept' : null),
      msgs: stable.filter((m) => !m.not).map((m) => m.text),
      notMsgs: stable.filter((m) => m.not).map((m) => m.text),
      retval, logLevel,
    },
    description, progFlags, auxiliary, unchecked, annotated,
  };
}

/** `bpfspec verify prog.bpf.o`: one example per program of the object. */
export function examplesFromElf(path: string, bytes: Uint8Array): Example[] {
  let obj;
  try {
    obj = readElfObject(path, bytes);
  } catch (e) {
    if (e instanceof SourceError) throw e;
    throw new SourceError({ file: path, line: 1, col: 1 }, e instanceof Error ? e.message : String(e));
  }
  const stem = path.replace(/^.*\//, '').replace(/\.o$/, '').replace(/\.bpf$/, '');
  const perProg = obj.programs.map((p) => {
    const fail = (m: string): never => {
      throw new SourceError(p.loc, `program '${p.name}': ${m}`);
    };
    return { p, e: expectationFromTags(testTags(obj.btf, p.name), fail) };
  });
  const selftest = perProg.some((x) => x.e.annotated);
  return perProg.filter((x) => !x.e.auxiliary).map(({ p, e }) => {
    const program: Program = e.progFlags ? { ...p, extraProgFlags: e.progFlags } : p;
    const expected = selftest && e.expected.verdict === null ? { ...e.expected, verdict: 'accept' as const } : e.expected;
    return {
      id: `${stem}.${p.name}`, file: path, line: 1, col: 1,
      source: `SEC("${p.section}") ${p.name} (${p.loc.file}:${p.loc.line})`,
      program, expected, rules: [], profiles: ['v6.18', 'bpf-next'], description: e.description, modelOnly: null,
      sourceLines: obj.sourceText.get(p.name) ?? [],
      ...(e.unchecked.length ? { unchecked: e.unchecked } : {}),
    };
  });
}
