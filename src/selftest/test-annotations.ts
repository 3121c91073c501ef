// The test_loader annotations of bpf_misc.h on one test function, read the way
// tools/testing/selftests/bpf/test_loader.c reads their BTF decl tags: privileged-mode outcome,
// ordered log patterns, retval, log level and prog flags. bpfspec runs privileged, so the
// unprivileged variants are recognised and set aside.
import { SourceError } from '../asm/errors.ts';
import { BPF_PROG_FLAG } from '../ir/sections.ts';
import type { CTok } from './c-scan.ts';
import type { CAnnot } from './c-file.ts';
import { evalExpr, type ExprEnv } from './c-expr.ts';

export interface TestSpec {
  verdict: 'accept' | 'reject';
  msgs: string[];
  notMsgs: string[];
  retval: number | null;
  logLevel: number;
  description: string | null;
  /** prog_flags test_loader adds (its testing_prog_flags() default plus every __flag). */
  progFlags: number;
  /** Loaded only as a helper for other tests (__auxiliary): not a test itself. */
  auxiliary: boolean;
  /** Why test_loader would not run this program privileged on this machine (null: it would). */
  skip: string | null;
  /** Documented expectations bpfspec does not check, each with the reason. */
  unchecked: string[];
  /** bpfspec's own __rule("id", ...) (defined away for clang with `#define __rule(...)`). */
  rules: string[];
}

/** What test_progs' testing_prog_flags() turns on when the kernel supports it (6.18 does). */
export const TESTING_PROG_FLAGS = BPF_PROG_FLAG.BPF_F_TEST_RND_HI32 | BPF_PROG_FLAG.BPF_F_TEST_REG_INVARIANTS;

const UNPRIV = new Set(['__success_unpriv', '__failure_unpriv', '__msg_unpriv', '__not_msg_unpriv', '__retval_unpriv', '__caps_unpriv', '__auxiliary_unpriv', '__xlated_unpriv', '__jited_unpriv', '__stderr_unpriv', '__stdout_unpriv']);
const ARCHES: Record<string, string> = { __arch_x86_64: 'X86_64', __arch_arm64: 'ARM64', __arch_riscv64: 'RISCV64', __arch_s390x: 's390x', __arch_loongarch: 'LOONGARCH' };
const NODE_ARCH: Record<string, string> = { x64: 'X86_64', arm64: 'ARM64', riscv64: 'RISCV64', s390x: 's390x', loong64: 'LOONGARCH' };
const UNCHECKED: Record<string, string> = {
  __xlated: 'the translated program (__xlated) is not checked',
  __jited: 'the JIT output (__jited) is not checked',
  __stderr: 'the program stderr stream (__stderr) is not checked',
  __stdout: 'the program stdout stream (__stdout) is not checked',
  __btf_path: 'loading with custom BTF (__btf_path) is not modelled',
  __btf_func_path: 'loading with custom BTF (__btf_func_path) is not modelled',
  __linear_size: 'the linear skb size for the test run (__linear_size) is not modelled',
};

const KNOWN = [
  '__success', '__failure', '__msg', '__not_msg', '__retval', '__log_level', '__description', '__flag', '__auxiliary', '__arch',
  '__load_if_JITed', '__load_if_no_JITed', '__rule', ...Object.keys(ARCHES), ...Object.keys(UNCHECKED), ...UNPRIV,
];

export function readTestSpec(annots: CAnnot[], env: ExprEnv, fn: string): TestSpec {
  let failure: boolean | null = null;
  let priv = false;
  let unpriv = false;
  const msgs: string[] = [];
  const notMsgs: string[] = [];
  let retval: number | null = null;
  let logLevel: number | null = null;
  let description: string | null = null;
  let progFlags: number = TESTING_PROG_FLAGS;
  let auxiliary = false;
  const arches: string[] = [];
  let skip: string | null = null;
  const unchecked: string[] = [];
  const rules: string[] = [];
  const loc = (a: CAnnot): ReturnType<ExprEnv['loc']> => env.loc(a.tok.start);
  const one = (a: CAnnot): CTok[] => {
    if (!a.args || a.args.length !== 1 || a.args[0].length === 0) throw new SourceError(loc(a), `${a.name} takes one argument`);
    return a.args[0];
  };
  const str = (a: CAnnot): string => {
    const toks = one(a);
    if (toks.some((t) => t.kind !== 'str')) throw new SourceError(loc(a), `${a.name} takes a string literal`);
    return toks.map((t) => t.value ?? '').join('');
  };
  const int = (a: CAnnot): number => Number(BigInt.asIntN(32, evalExpr(one(a), env, a.tok.start)));
  for (const a of annots) {
    if (UNPRIV.has(a.name)) {
      // bpfspec runs privileged: the unprivileged run test_loader adds is not modelled
      if (a.name !== '__caps_unpriv') unpriv = true;
      continue;
    }
    switch (a.name) {
      case '__success':
      case '__failure':
        failure = a.name === '__failure';
        priv = true;
        break;
      case '__msg':
        msgs.push(str(a));
        priv = true;
        break;
      case '__not_msg':
        notMsgs.push(str(a));
        priv = true;
        break;
      case '__retval': {
        const v = evalExpr(one(a), env, a.tok.start);
        // POINTER_VALUE: run the program but accept any result, as test_loader does
        retval = v === 0xbadcafen ? null : Number(BigInt.asIntN(32, v));
        priv = true;
        break;
      }
      case '__log_level':
        logLevel = int(a);
        break;
      case '__description':
        description = str(a);
        break;
      case '__flag': {
        const toks = one(a);
        const clear = toks[0]?.text === '!';
        const rest = clear ? toks.slice(1) : toks;
        const v = Number(evalExpr(rest, env, a.tok.start));
        progFlags = clear ? progFlags & ~v : progFlags | v;
        break;
      }
      case '__auxiliary':
        auxiliary = true;
        priv = true;
        break;
      case '__arch':
        arches.push(str(a));
        break;
      case '__rule':
        for (const arg of a.args ?? []) {
          if (arg.length === 0 || arg.some((t) => t.kind !== 'str')) throw new SourceError(loc(a), '__rule takes string literals');
          rules.push(arg.map((t) => t.value ?? '').join(''));
        }
        break;
      case '__load_if_JITed':
        // the machines bpfspec runs on have the JIT on (x86_64, CONFIG_BPF_JIT_ALWAYS_ON or bpf_jit_enable=1)
        break;
      case '__load_if_no_JITed':
        skip ??= 'test_loader runs it only when the JIT is off (__load_if_no_JITed)';
        break;
      default:
        if (ARCHES[a.name]) arches.push(ARCHES[a.name]);
        else if (UNCHECKED[a.name]) {
          if (!unchecked.includes(UNCHECKED[a.name])) unchecked.push(UNCHECKED[a.name]);
          if (a.name === '__xlated' || a.name === '__jited') priv = true;
        } else {
          throw new SourceError(loc(a), `unknown annotation ${a.name} on '${fn}' (test_loader annotations: ${KNOWN.join(', ')})`);
        }
    }
  }
  const here = NODE_ARCH[process.arch] ?? 'UNKNOWN';
  if (arches.length > 0 && !arches.includes(here)) skip ??= `test_loader runs it only on ${arches.join(', ')} (__arch_*)`;
  if (unpriv && !priv) skip ??= 'it has only unprivileged expectations (__*_unpriv); bpfspec runs privileged';
  return {
    verdict: failure ? 'reject' : 'accept', msgs, notMsgs, retval: failure ? null : retval,
    // libbpf reloads a failed program at level 1 when none was asked for, so failures always have a log
    logLevel: logLevel ?? 1, description, progFlags, auxiliary, skip, unchecked, rules,
  };
}
