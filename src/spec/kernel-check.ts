// Confirming examples on the running kernel: load each one, compare the kernel's verdict
// and log with the documented outcome and with the model.
import type { Example } from './example.ts';
import { compare } from './runner.ts';
import { KernelBackendLimit, runOnKernel } from '../kernel/from-ir.ts';
import { kernelStatus } from '../kernel/loader.ts';

export interface KernelCheck {
  verdict: 'accept' | 'reject' | 'refused' | 'skipped';
  error: string | null;
  errno: number;
  insn_processed: number | null;
  verification_time_us: number | null;
  retval: number | null;
  release: string | null;
  agrees: boolean;
  problems: string[];
}

export function kernelCheck(ex: Example): KernelCheck {
  const st = kernelStatus();
  const base = { errno: 0, insn_processed: null, verification_time_us: null, retval: null };
  if (!st.available) return { ...base, verdict: 'skipped', error: st.reason, release: null, agrees: true, problems: [] };
  if (ex.modelOnly) return { ...base, verdict: 'skipped', error: `model only: ${ex.modelOnly}`, release: st.release, agrees: true, problems: [] };
  if (ex.program.droppedCaps?.length) {
    return { ...base, verdict: 'skipped', error: `the kernel oracle loads as root with every capability, not without ${ex.program.droppedCaps.join(', ')}`, release: st.release, agrees: true, problems: [] };
  }
  if (!ex.profiles.includes('v6.18')) {
    return { ...base, verdict: 'skipped', error: `documents ${ex.profiles.join(', ')} behaviour, not this kernel's`, release: st.release, agrees: true, problems: [] };
  }
  const testRun = ex.expected.retval !== null ? { data: new Uint8Array(64) } : undefined;
  let r: ReturnType<typeof runOnKernel>;
  try {
    r = runOnKernel(ex.program, ex.expected.logLevel | 4, testRun);
  } catch (e) {
    if (e instanceof KernelBackendLimit) return { ...base, verdict: 'skipped', error: e.message, release: st.release, agrees: true, problems: [] };
    throw e;
  }
  if (r.kind === 'refused') {
    return { ...base, verdict: 'refused', error: r.reason, errno: r.errno, release: st.release, agrees: false, problems: [`kernel refused before verification: ${r.reason}`] };
  }
  const problems = compare(ex, { verdict: r.verdict, log: r.log });
  if (ex.expected.retval !== null && r.verdict === 'accept' && r.retval !== undefined && (r.retval | 0) !== ex.expected.retval) {
    problems.push(`expected retval ${ex.expected.retval}, kernel test run returned ${r.retval | 0}`);
  }
  return {
    verdict: r.verdict, error: r.error, errno: r.errno, insn_processed: r.insnProcessed, verification_time_us: r.verificationTimeUs,
    retval: r.retval !== undefined ? r.retval | 0 : null, release: st.release, agrees: problems.length === 0, problems,
  };
}
