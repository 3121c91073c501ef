// Regenerates docs/kernel-log-samples/: small hand-encoded programs loaded into the running
// kernel's verifier at log_level 1 and 2 (one also at 1|4), each raw log saved verbatim.
// These files are ground truth for the verifier model's log printer.
//
//   ./node_modules/.bin/node scripts/kernel-log-samples.ts [--out DIR]
//
// Needs root and a kernel that can load BPF programs; exits 2 (writing nothing) otherwise.

import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { kernelStatus, loadProgram, type KernelLoadRequest, type KernelMapSpec, type KernelResult } from '../src/kernel/loader.ts';
import { BPF_PROG_TYPE, type ProgTypeName } from '../src/ir/sections.ts';

// ---------------------------------------------------------------------------------------------
// A tiny local encoder (struct bpf_insn, little-endian). Kept here so the samples do not depend
// on the rest of the toolchain.

type Slot = [code: number, dst: number, src: number, off: number, imm: number];

const R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R10 = 10;

const mov64i = (dst: number, imm: number): Slot => [0xb7, dst, 0, 0, imm];
const mov64r = (dst: number, src: number): Slot => [0xbf, dst, src, 0, 0];
const add64i = (dst: number, imm: number): Slot => [0x07, dst, 0, 0, imm];
const mul64i = (dst: number, imm: number): Slot => [0x27, dst, 0, 0, imm];
const and64i = (dst: number, imm: number): Slot => [0x57, dst, 0, 0, imm];
const mov32i = (dst: number, imm: number): Slot => [0xb4, dst, 0, 0, imm];
const mov32r = (dst: number, src: number): Slot => [0xbc, dst, src, 0, 0];
const add32i = (dst: number, imm: number): Slot => [0x04, dst, 0, 0, imm];
const lsh32i = (dst: number, imm: number): Slot => [0x64, dst, 0, 0, imm];
const stxdw = (dst: number, off: number, src: number): Slot => [0x7b, dst, src, off, 0];
const ldxdw = (dst: number, src: number, off: number): Slot => [0x79, dst, src, off, 0];
const ldxw = (dst: number, src: number, off: number): Slot => [0x61, dst, src, off, 0];
const stw = (dst: number, off: number, imm: number): Slot => [0x62, dst, 0, off, imm];
const stdw = (dst: number, off: number, imm: number): Slot => [0x7a, dst, 0, off, imm];
const ja = (off: number): Slot => [0x05, 0, 0, off, 0];
const jgti = (dst: number, imm: number, off: number): Slot => [0x25, dst, 0, off, imm];
const jeqi = (dst: number, imm: number, off: number): Slot => [0x15, dst, 0, off, imm];
const jnei = (dst: number, imm: number, off: number): Slot => [0x55, dst, 0, off, imm];
const jlti = (dst: number, imm: number, off: number): Slot => [0xa5, dst, 0, off, imm];
const callHelper = (id: number): Slot => [0x85, 0, 0, 0, id];
const callLocal = (rel: number): Slot => [0x85, 0, 1, 0, rel];
const exit = (): Slot => [0x95, 0, 0, 0, 0];
/** ld_imm64 with src 1 (map fd, patched by the loader): two slots. */
const ldMapFd = (dst: number): Slot[] => [[0x18, dst, 1, 0, 0], [0, 0, 0, 0, 0]];

function encode(slots: Slot[]): Uint8Array {
  const out = new Uint8Array(slots.length * 8);
  const dv = new DataView(out.buffer);
  slots.forEach(([code, dst, src, off, imm], i) => {
    out[i * 8] = code;
    out[i * 8 + 1] = ((src & 0xf) << 4) | (dst & 0xf);
    dv.setInt16(i * 8 + 2, off, true);
    dv.setInt32(i * 8 + 4, imm, true);
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// The samples

interface Sample {
  id: string;
  title: string;
  progType: ProgTypeName;
  progFlags?: number;
  /** The program in llvm-objdump style pseudo-C, one line per slot (ld_imm64 on its first slot). */
  asm: string[];
  slots: Slot[];
  maps?: KernelMapSpec[];
  relocs?: { insn: number; map: number }[];
  /** Which logs to save. */
  levels: ('level1' | 'level2' | 'level1-stats')[];
  /** Keep only the last N lines (huge logs). */
  tail?: number;
  what: string;
}

const arrayMap: KernelMapSpec = { name: 'arr', type: 'array', keySize: 4, valueSize: 8, maxEntries: 1 };
const hashMap: KernelMapSpec = { name: 'tbl', type: 'hash', keySize: 4, valueSize: 8, maxEntries: 16 };
const both: Sample['levels'] = ['level1', 'level2'];

const SAMPLES: Sample[] = [
  {
    id: '01-straight-line',
    title: 'straight-line ALU64, accepted',
    progType: 'socket_filter',
    asm: ['r0 = 1', 'r0 += 2', 'r0 *= 3', 'exit'],
    slots: [mov64i(R0, 1), add64i(R0, 2), mul64i(R0, 3), exit()],
    levels: both,
    what: 'mov, add, mul on a 64-bit register; constant tracking.',
  },
  {
    id: '02-alu32',
    title: '32-bit ALU on w registers, accepted',
    progType: 'socket_filter',
    asm: ['w1 = 5', 'w1 += -1', 'w0 = w1', 'w0 <<= 2', 'exit'],
    slots: [mov32i(R1, 5), add32i(R1, -1), mov32r(R0, R1), lsh32i(R0, 2), exit()],
    levels: both,
    what: '32-bit moves and ALU (zero-extension into the 64-bit register).',
  },
  {
    id: '03-spill-fill',
    title: 'spill a constant and a stack pointer, fill them back, accepted',
    progType: 'socket_filter',
    asm: [
      'r1 = 42',
      '*(u64 *)(r10 -8) = r1',
      'r2 = r10',
      'r2 += -16',
      '*(u64 *)(r10 -16) = r2',
      'r3 = *(u64 *)(r10 -8)',
      'r4 = *(u64 *)(r10 -16)',
      'r0 = r3',
      'exit',
    ],
    slots: [mov64i(R1, 42), stxdw(R10, -8, R1), mov64r(R2, R10), add64i(R2, -16), stxdw(R10, -16, R2), ldxdw(R3, R10, -8), ldxdw(R4, R10, -16), mov64r(R0, R3), exit()],
    levels: both,
    what: 'Register spill/fill of a scalar constant and of a PTR_TO_STACK; stack slot printing (fp-8=..., fp-16=fp-16).',
  },
  {
    id: '04-st-imm',
    title: 'BPF_ST immediate stores to the stack, accepted',
    progType: 'socket_filter',
    asm: ['*(u32 *)(r10 -4) = 7', '*(u64 *)(r10 -16) = 0', 'r0 = *(u32 *)(r10 -4)', 'exit'],
    slots: [stw(R10, -4, 7), stdw(R10, -16, 0), ldxw(R0, R10, -4), exit()],
    levels: both,
    what: 'ST of an immediate (4 and 8 bytes); misc/zero stack slot markers.',
  },
  {
    id: '05-branch-both',
    title: 'a conditional branch whose both sides are explored, accepted',
    progType: 'socket_filter',
    asm: ['r0 = *(u32 *)(r1 +0)', 'if r0 > 10 goto +2', 'r0 = 1', 'exit', 'r0 = 2', 'exit'],
    slots: [ldxw(R0, R1, 0), jgti(R0, 10, 2), mov64i(R0, 1), exit(), mov64i(R0, 2), exit()],
    levels: both,
    what: 'skb->len is unknown, so both sides are walked; the `from 1 to 4:` line and range refinement.',
  },
  {
    id: '06-branch-const',
    title: 'a branch on a known constant (folded, dead side never walked), accepted',
    progType: 'socket_filter',
    asm: ['r1 = 5', 'if r1 > 10 goto +2', 'r0 = 0', 'exit', 'r0 = 1', 'exit'],
    slots: [mov64i(R1, 5), jgti(R1, 10, 2), mov64i(R0, 0), exit(), mov64i(R0, 1), exit()],
    levels: both,
    what: 'The verifier evaluates the branch and follows only the fall-through.',
  },
  {
    id: '07-uninit-reg',
    title: 'read of an uninitialised register, rejected',
    progType: 'socket_filter',
    asm: ['r0 = r2', 'exit'],
    slots: [mov64r(R0, R2), exit()],
    levels: both,
    what: 'R2 !read_ok (EACCES).',
  },
  {
    id: '08-uninit-stack',
    title: 'read of uninitialised stack, accepted (privileged)',
    progType: 'socket_filter',
    asm: ['r0 = *(u64 *)(r10 -8)', 'exit'],
    slots: [ldxdw(R0, R10, -8), exit()],
    levels: both,
    what: 'As root (allow_uninit_stack) reading never-written stack is allowed: the result is an unknown scalar. Unprivileged loads would be rejected with `invalid read from stack`.',
  },
  {
    id: '09-stack-oob-write',
    title: 'stack write below the 512-byte frame, rejected',
    progType: 'socket_filter',
    asm: ['*(u64 *)(r10 -520) = 0', 'r0 = 0', 'exit'],
    slots: [stdw(R10, -520, 0), mov64i(R0, 0), exit()],
    levels: both,
    what: 'invalid write to stack (off=-520).',
  },
  {
    id: '10-bounded-loop',
    title: 'bounded loop, r1 counts 0..4, accepted',
    progType: 'socket_filter',
    asm: ['r1 = 0', 'r1 += 1', 'if r1 < 5 goto -2', 'r0 = 0', 'exit'],
    slots: [mov64i(R1, 0), add64i(R1, 1), jlti(R1, 5, -2), mov64i(R0, 0), exit()],
    levels: both,
    what: 'The loop is unrolled by the verifier; back-edge states, precision marking at level 2.',
  },
  {
    id: '11-infinite-loop',
    title: 'infinite loop (goto -1), rejected',
    progType: 'socket_filter',
    asm: ['r0 = 0', 'goto -1'],
    slots: [mov64i(R0, 0), ja(-1)],
    levels: both,
    what: 'infinite loop detected at insn 1 (EINVAL), followed by `cur state:` / `old state:` dumps.',
  },
  {
    id: '12-map-lookup-checked',
    title: 'hash map lookup with NULL check, load from the value, accepted',
    progType: 'socket_filter',
    asm: [
      '*(u32 *)(r10 -4) = 0',
      'r2 = r10',
      'r2 += -4',
      'r1 = map[tbl] ll',
      '',
      'call bpf_map_lookup_elem',
      'if r0 == 0 goto +2',
      'r0 = *(u64 *)(r0 +0)',
      'exit',
      'r0 = 0',
      'exit',
    ],
    slots: [stw(R10, -4, 0), mov64r(R2, R10), add64i(R2, -4), ...ldMapFd(R1), callHelper(1), jeqi(R0, 0, 2), ldxdw(R0, R0, 0), exit(), mov64i(R0, 0), exit()],
    maps: [hashMap],
    relocs: [{ insn: 3, map: 0 }],
    levels: ['level1', 'level2', 'level1-stats'],
    what: 'map_value_or_null becomes map_value after the NULL check. As root the ld_imm64 prints the raw kernel map address (`r1 = 0xffff...`), which differs per run. Also saved at log_level 1|4 (stats).',
  },
  {
    id: '13-map-lookup-unchecked',
    title: 'hash map lookup without NULL check, rejected',
    progType: 'socket_filter',
    asm: ['*(u32 *)(r10 -4) = 0', 'r2 = r10', 'r2 += -4', 'r1 = map[tbl] ll', '', 'call bpf_map_lookup_elem', 'r0 = *(u64 *)(r0 +0)', 'exit'],
    slots: [stw(R10, -4, 0), mov64r(R2, R10), add64i(R2, -4), ...ldMapFd(R1), callHelper(1), ldxdw(R0, R0, 0), exit()],
    maps: [hashMap],
    relocs: [{ insn: 3, map: 0 }],
    levels: both,
    what: "R0 invalid mem access 'map_value_or_null'.",
  },
  {
    id: '14-array-lookup-unchecked',
    title: 'array map lookup with a constant in-range key and no NULL check, accepted',
    progType: 'socket_filter',
    asm: ['*(u32 *)(r10 -4) = 0', 'r2 = r10', 'r2 += -4', 'r1 = map[arr] ll', '', 'call bpf_map_lookup_elem', 'r0 = *(u64 *)(r0 +0)', 'exit'],
    slots: [stw(R10, -4, 0), mov64r(R2, R10), add64i(R2, -4), ...ldMapFd(R1), callHelper(1), ldxdw(R0, R0, 0), exit()],
    maps: [arrayMap],
    relocs: [{ insn: 3, map: 0 }],
    levels: both,
    what: 'For an array map and a constant key below max_entries, 6.18 elides the NULL case: the call returns `map_value`, not `map_value_or_null`.',
  },
  {
    id: '15-bpf2bpf-call',
    title: 'bpf-to-bpf call to a static subprogram, accepted',
    progType: 'socket_filter',
    asm: ['r1 = 5', 'call pc+2', 'r0 += 1', 'exit', 'r0 = r1', 'r0 *= 2', 'exit'],
    slots: [mov64i(R1, 5), callLocal(2), add64i(R0, 1), exit(), mov64r(R0, R1), mul64i(R0, 2), exit()],
    levels: ['level1', 'level2', 'level1-stats'],
    what: 'Caller/callee frames, `caller:`/`callee:` and `returning from callee:` lines at level 2. Also saved at log_level 1|4 (stats: `stack depth 0+0`).',
  },
  {
    id: '16-return-pointer-socket',
    title: 'returning a stack pointer from a socket filter, accepted (privileged)',
    progType: 'socket_filter',
    asm: ['r0 = r10', 'exit'],
    slots: [mov64r(R0, R10), exit()],
    levels: both,
    what: 'As root (allow_ptr_leaks) the kernel does not print `R0 leaks addr as return value`; socket filters have no return range check, so this is accepted.',
  },
  {
    id: '17-return-pointer-cgroup-skb',
    title: 'returning a stack pointer from cgroup_skb, rejected',
    progType: 'cgroup_skb',
    asm: ['r0 = r10', 'exit'],
    slots: [mov64r(R0, R10), exit()],
    levels: both,
    what: 'Program types with a return range reject a non-scalar R0: `At program exit the register R0 is not a known value (fp)`.',
  },
  {
    id: '18-exit-r0-unset',
    title: 'exit with R0 never written, rejected',
    progType: 'socket_filter',
    asm: ['exit'],
    slots: [exit()],
    levels: both,
    what: 'R0 !read_ok at exit.',
  },
  {
    id: '19-prune-safe',
    title: 'two diamonds; the second path is pruned (`safe`), accepted',
    progType: 'socket_filter',
    asm: [
      'r0 = *(u32 *)(r1 +0)',
      'r3 = 0',
      'r3 += 1',
      'r3 += 1',
      'r3 += 1',
      'r3 += 1',
      'if r0 > 10 goto +1',
      'r2 = 1',
      'if r0 > 20 goto +1',
      'r2 = 2',
      'r3 += 1',
      'r3 += 1',
      'r0 = 0',
      'exit',
    ],
    slots: [
      ldxw(R0, R1, 0),
      mov64i(R3, 0),
      add64i(R3, 1),
      add64i(R3, 1),
      add64i(R3, 1),
      add64i(R3, 1),
      jgti(R0, 10, 1),
      mov64i(R2, 1),
      jgti(R0, 20, 1),
      mov64i(R2, 2),
      add64i(R3, 1),
      add64i(R3, 1),
      mov64i(R0, 0),
      exit(),
    ],
    levels: both,
    what: 'A checkpoint is taken at insn 10 (>= 2 jumps and >= 8 insns since the last one); later paths reaching it with an equivalent state print `safe`.',
  },
  {
    id: '20-masked-index',
    title: 'unknown scalar masked with & 7, accepted',
    progType: 'socket_filter',
    asm: ['r4 = *(u32 *)(r1 +0)', 'r4 &= 7', 'r0 = r4', 'exit'],
    slots: [ldxw(R4, R1, 0), and64i(R4, 7), mov64r(R0, R4), exit()],
    levels: both,
    what: 'tnum/range printing of a masked unknown: `scalar(smin=smin32=0,smax=umax=smax32=umax32=7,var_off=(0x0; 0x7))`.',
  },
  {
    id: '21-complexity-limit',
    title: 'a loop counting to 1<<30: the 1M-instruction complexity limit, rejected',
    progType: 'socket_filter',
    asm: ['r1 = 0', 'r1 += 1', 'if r1 != 0x40000000 goto -2', 'r0 = 0', 'exit'],
    slots: [mov64i(R1, 0), add64i(R1, 1), jnei(R1, 0x40000000, -2), mov64i(R0, 0), exit()],
    levels: ['level1'],
    tail: 50,
    what: 'BPF program is too large (E2BIG). The level-1 log is tens of MB; only its last 50 lines are kept.',
  },
];

// ---------------------------------------------------------------------------------------------

const LEVEL_BITS: Record<Sample['levels'][number], number> = { level1: 1, level2: 2, 'level1-stats': 1 | 4 };

function summary(r: KernelResult): string {
  if (r.kind === 'refused') return `refused (${r.stage}, errno ${r.errno}): ${r.reason}`;
  const v = r.verdict === 'accept' ? 'accept' : `reject, errno ${r.errno}: ${r.error ?? '(no reason line)'}`;
  return `${v}; processed ${r.insnProcessed ?? '?'} insns`;
}

function tailLines(log: string, n: number): string {
  const lines = log.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return `${lines.slice(-n).join('\n')}\n`;
}

function readme(rows: { s: Sample; outcome: string; files: string[] }[], release: string): string {
  const out: string[] = [];
  out.push('# Kernel verifier log samples');
  out.push('');
  out.push(`Raw verifier logs from the running kernel (${release}), saved verbatim by`);
  out.push('`scripts/kernel-log-samples.ts` (re-run it as root to regenerate this folder). They are the ground truth');
  out.push("for the verifier model's log printer. Every program is hand-encoded; maps are created fresh for each load,");
  out.push('so the kernel addresses printed for `ld_imm64` map loads differ from run to run, and so does `verification time`.');
  out.push('');
  out.push('Files: `NN-name.level1.txt` (log_level 1), `NN-name.level2.txt` (log_level 2),');
  out.push('`NN-name.level1-stats.txt` (log_level 1|4).');
  out.push('');
  out.push('## Observations (Linux 6.18)');
  out.push('');
  for (const line of OBSERVATIONS) out.push(line);
  out.push('');
  out.push('## Samples');
  for (const { s, outcome, files } of rows) {
    out.push('');
    out.push(`### ${s.id}: ${s.title}`);
    out.push('');
    out.push(`Prog type: \`${s.progType}\` (${BPF_PROG_TYPE[s.progType]})${s.maps !== undefined ? `; maps: ${s.maps.map((m) => `\`${m.name}\` ${m.type} key ${m.keySize} value ${m.valueSize} max_entries ${m.maxEntries}`).join(', ')}` : ''}.`);
    out.push(`Kernel: ${outcome}.`);
    out.push(`Files: ${files.map((f) => `\`${f}\``).join(', ')}${s.tail !== undefined ? ` (last ${s.tail} lines only)` : ''}.`);
    out.push('');
    out.push('```');
    s.asm.forEach((line, i) => {
      if (line !== '') out.push(`${String(i).padStart(2)}: ${line}`);
    });
    out.push('```');
    out.push('');
    out.push(s.what);
  }
  out.push('');
  return out.join('\n');
}

const OBSERVATIONS: string[] = [
  '- Level 1 keeps only the path being walked: the kernel rewinds the level-1 log whenever a path',
  '  finishes, so an accepted program logs just the final `processed N insns ...` line, and a rejected',
  '  one logs the instructions of the failing path, the reason line, then `processed ...`.',
  '- Level 2 starts with one `func#N @insn` line per subprogram and a `Live regs before insn:` table:',
  '  `      0: .1........ (61) r0 = *(u32 *)(r1 +0)`. The first 7 columns hold the loop SCC number',
  '  (right-aligned in 3, blank outside loops: `  1   1: ...`) and the insn index (right-aligned in 4),',
  '  then `: `, one character per register r0..r9 (the digit if live before the insn, else `.`), a space,',
  '  and the instruction. An ld_imm64 takes one line (index 3, next line is 5).',
  '- The first state line is `0: R1=ctx() R10=fp0`. Each walked instruction prints as `N: (op) text`; when',
  '  the instruction changed registers or stack, `; <changed state>` is appended on the same line. With L the',
  '  length of `N: (op) text`, the `;` sits at 0-based column roundup8(max(L + 5, 40)) - 2 (column 38 for',
  '  short instructions, 46 for L of 35..42, ...), padded with spaces. Instructions that change nothing',
  '  printable (exit, goto, a branch whose outcome is known) have no `;` part.',
  '  When other lines were printed after the instruction (e.g. `mark_precise:` lines at level 2), the state',
  '  goes on its own line as `N: <state>` instead (see 06-branch-const: `1: R1=5`).',
  '- Scalar constants print bare: decimal for -32768..32767 (`R0=42`, `R3=-32768`), otherwise hex as u64',
  '  (`R2=0x8000`, `R4=0xffffffffffff7fff` for -32769) (checked by hand on this kernel, not a sample file).',
  '  In instruction text, ALU immediates print in decimal (`r2 = 32768`) but jump immediates in hex',
  '  (`if r0 > 0xa goto pc+1`). Unknowns print as `scalar()` or `scalar(smin=...,smax=umax=...,var_off=(0x0; 0xf))`',
  '  with equal bounds merged by `=`. Stack slots print as `fp-8=42`, `fp-16=fp-16` (spilled pointer),',
  '  `fp-8=0000????` (per byte, highest address first: 0 zero, m misc, ? invalid).',
  '- A queued branch side, when popped, prints an empty line, `from 1 to 4: <full state>`, then',
  '  `4: <full state>` and the walk continues. A pruned path prints `N: safe`, or `from X to Y: safe`',
  '  when the popped state is pruned at once (see 19-prune-safe).',
  '- Level 2 also shows `mark_precise: frame0: ...` backtracking lines, `caller:`/`callee:`/',
  '  `returning from callee:`/`to caller at N:` blocks for bpf-to-bpf calls (callee registers prefixed',
  '  by `frame1: `), `SCC enter (N)` / `SCC exit (N)` around loops, and new in 6.18 stack-liveness lines',
  '  such as `(0) frame 0 insn 5 +live -8 ` (note the trailing space) ending in',
  '  `(0) live stack update done in 2 iterations`.',
  '- `processed N insns (limit 1000000) max_states_per_insn A total_states B peak_states C mark_read D` ends',
  '  every log; with bit 4 (stats) it is preceded by `verification time N usec` and `stack depth D0+D1...`',
  '  (one number per subprogram, `+`-joined).',
  '- `infinite loop detected at insn N` is followed by `cur state: ...` and `old state: ...` lines.',
  '- As root the ld_imm64 of a map prints the raw kernel address (`r1 = 0xffff888104795800`), and the map',
  '  pointer state is `map_ptr(map=tbl,ks=4,vs=8)`; lookups give `map_value_or_null(id=1,map=tbl,ks=4,vs=8)`.',
  '- As root (allow_ptr_leaks, allow_uninit_stack) returning a pointer from a socket filter and reading',
  '  never-written stack are both accepted; cgroup_skb checks the return value and rejects a pointer with',
  '  `At program exit the register R0 is not a known value (fp)`.',
  '- SEC("syscall") programs must be loaded with BPF_F_SLEEPABLE, or the verifier says',
  '  `Syscall programs can only be sleepable`.',
];

function main(): void {
  const args = process.argv.slice(2);
  const outIdx = args.indexOf('--out');
  const outArg = outIdx >= 0 ? args[outIdx + 1] : undefined;
  const outDir = resolve(outArg ?? join(import.meta.dirname, '..', 'docs', 'kernel-log-samples'));
  const status = kernelStatus();
  if (!status.available) {
    process.stderr.write(`kernel-log-samples: kernel unavailable: ${status.reason}\n`);
    process.exit(2);
  }
  mkdirSync(outDir, { recursive: true });
  for (const f of readdirSync(outDir)) if (/^\d\d-.*\.txt$/.test(f)) rmSync(join(outDir, f));
  const rows: { s: Sample; outcome: string; files: string[] }[] = [];
  for (const s of SAMPLES) {
    const files: string[] = [];
    let outcome = '';
    for (const level of s.levels) {
      const req: KernelLoadRequest = {
        name: s.id.replace(/^\d+-/, '').replace(/-/g, '_'),
        progType: BPF_PROG_TYPE[s.progType],
        insns: encode(s.slots),
        logLevel: LEVEL_BITS[level],
        maps: s.maps ?? [],
        relocs: s.relocs ?? [],
        ...(s.progFlags !== undefined ? { progFlags: s.progFlags } : {}),
      };
      const r = loadProgram(req);
      if (r.kind === 'refused') throw new Error(`${s.id} ${level}: ${r.reason}`);
      if (r.logTruncated !== undefined) throw new Error(`${s.id} ${level}: log did not fit (${r.logTruncated.trueSize} bytes)`);
      const text = s.tail !== undefined ? tailLines(r.log, s.tail) : r.log;
      const file = `${s.id}.${level}.txt`;
      writeFileSync(join(outDir, file), text);
      files.push(file);
      if (outcome === '') outcome = summary(r);
      process.stdout.write(`${file}: ${summary(r)} (${r.log.length} bytes of log)\n`);
    }
    rows.push({ s, outcome, files });
  }
  writeFileSync(join(outDir, 'README.md'), readme(rows, status.release));
}

main();
