// Regenerate test/model/scalar/fixtures/kernel-scalar-cases.json from the running kernel.
//
//   node test/model/scalar/gen-kernel-fixture.ts [count] [seed]
//
// Needs a kernel that lets this process load socket filters with log_level 2 (root, or
// CAP_BPF + CAP_PERFMON).  Every program is also checked against the model; programs
// the model disagrees with are reported (and still written, so the fixture test fails
// until the model is fixed).

import { writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kernelStatus, loadProgram } from '../../../src/kernel/loader.ts';
import { BPF_PROG_TYPE } from '../../../src/ir/sections.ts';
import { type Prog, Rng, checkProgram, encodeProg, genProg, trimLog } from './harness.ts';

export interface KernelCase {
  readonly prog: Prog;
  readonly accepted: boolean;
  /** The verifier log reduced by trimLog(). */
  readonly log: string;
}

export interface KernelFixture {
  readonly kernel: string;
  readonly seed: number;
  readonly cases: readonly KernelCase[];
}

/** Load one program and return its (untrimmed) log, or null if the kernel refused it. */
export function kernelLog(prog: Prog): { accepted: boolean; log: string } | null {
  const r = loadProgram({
    name: 'scalar_case',
    progType: BPF_PROG_TYPE.socket_filter,
    insns: encodeProg(prog),
    logLevel: 2,
    maps: [],
    relocs: [],
  });
  if (r.kind !== 'verdict') return null;
  return { accepted: r.verdict === 'accept', log: r.log };
}

function main(): void {
  const status = kernelStatus();
  if (!status.available) throw new Error(`kernel not available: ${status.reason}`);
  const count = Number(process.argv[2] ?? 300);
  const seed = Number(process.argv[3] ?? 2024);
  const rng = new Rng(seed);
  const cases: KernelCase[] = [];
  let bad = 0;
  for (let i = 0; i < count; i++) {
    const prog = genProg(rng);
    const res = kernelLog(prog);
    if (res === null) continue;
    const log = trimLog(res.log);
    const errs = checkProgram(prog, log);
    if (errs.length > 0) {
      bad++;
      console.error(`case ${cases.length}: ${JSON.stringify(prog)}\n${errs.join('\n')}`);
    }
    cases.push({ prog, accepted: res.accepted, log });
  }
  const fixture: KernelFixture = { kernel: release(), seed, cases };
  const out = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'kernel-scalar-cases.json');
  writeFileSync(out, JSON.stringify(fixture) + '\n');
  console.log(`wrote ${cases.length} cases (${bad} disagreeing with the model) to ${out}`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();
