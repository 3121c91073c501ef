// Verifier-log rendering of scalar registers: print_reg_state() / print_scalar_ranges()
// / verbose_snum() / verbose_unum() / tnum_strn() of kernel/bpf/log.c (Linux 6.18).
//
// Shapes produced (what follows "R6=" in a state line):
//   42          a known constant, printed as a signed 64-bit number
//   -1          (decimal when in [-32768, 32767], otherwise 0x... of the u64 pattern)
//   P42         the same, precise
//   scalar()    nothing known
//   scalar(id=3,smin=smin32=0,smax=umax=smax32=umax32=255,var_off=(0x0; 0xff))
// Attributes appear in the order id, smin, smax, umin, umax, smin32, smax32, umin32,
// umax32, var_off; bounds at their type's extreme are omitted and a bound equal to a
// later bound of the same kind (min or max) absorbs it ("smin=umin=..."), but a
// negative signed bound never absorbs a non-negative one and vice versa.  6.18 prints
// no liveness suffixes ("_w") after the register name.

import type { ScalarBounds } from './scalar.ts';
import { S32_MAX, S32_MIN, S64_MAX, S64_MIN, U32_MAX, U64_MAX } from './scalar.ts';
import { tnumIsConst, tnumIsUnknown, tnumStrn, toS64, toU32, toU64 } from './tnum.ts';

const UNUM_MAX_DECIMAL = 0xffffn; // U16_MAX
const SNUM_MIN_DECIMAL = -0x8000n; // S16_MIN
const SNUM_MAX_DECIMAL = 0x7fffn; // S16_MAX

const isUnumDecimal = (n: bigint): boolean => n <= UNUM_MAX_DECIMAL;
const isSnumDecimal = (n: bigint): boolean => n >= SNUM_MIN_DECIMAL && n <= SNUM_MAX_DECIMAL;

/** verbose_unum: decimal up to 65535, else 0x-hex. `n` is a u64 bit pattern. */
export function formatUnum(n: bigint): string {
  const u = toU64(n);
  return isUnumDecimal(u) ? u.toString(10) : '0x' + u.toString(16);
}

/** verbose_snum: decimal within [-32768, 32767], else 0x-hex of the u64 bit pattern. */
export function formatSnum(n: bigint): string {
  const s = toS64(n);
  return isSnumDecimal(s) ? s.toString(10) : '0x' + toU64(s).toString(16);
}

export interface FormatScalarOpts {
  /** reg->precise: prefixes "P". */
  readonly precise: boolean;
  /** reg->id without the BPF_ADD_CONST flag bits; 0/undefined prints no id. */
  readonly id?: number;
  /**
   * For registers linked by `rX += const` (id has BPF_ADD_CONST set): the constant,
   * printed as "%+d" right after the id, e.g. "id=2+5".
   */
  readonly addConstDelta?: number;
}

interface MinMax {
  readonly name: string;
  readonly val: bigint; // the u64 the kernel stores in the table
  omit: boolean;
}

/** print_scalar_ranges: the comma-separated bound attributes (without var_off). */
export function formatScalarRanges(s: ScalarBounds): string[] {
  // Signed 32-bit bounds are sign-extended when printed in decimal and kept as the u32
  // pattern when printed in hex, so that hex never shows a misleading sign extension.
  const s32 = (v: bigint): bigint => (isSnumDecimal(v) ? toU64(v) : toU32(v));
  const table: MinMax[] = [
    { name: 'smin', val: toU64(s.smin), omit: s.smin === S64_MIN },
    { name: 'smax', val: toU64(s.smax), omit: s.smax === S64_MAX },
    { name: 'umin', val: s.umin, omit: s.umin === 0n },
    { name: 'umax', val: s.umax, omit: s.umax === U64_MAX },
    { name: 'smin32', val: s32(s.s32min), omit: s.s32min === S32_MIN },
    { name: 'smax32', val: s32(s.s32max), omit: s.s32max === S32_MAX },
    { name: 'umin32', val: s.u32min, omit: s.u32min === 0n },
    { name: 'umax32', val: s.u32max, omit: s.u32max === U32_MAX },
  ];
  const isNeg = (m: MinMax): boolean => m.name[0] === 's' && toS64(m.val) < 0n;
  const out: string[] = [];
  for (let i = 0; i < table.length; i++) {
    const m1 = table[i];
    if (m1 === undefined) continue;
    if (m1.omit) continue;
    let text = `${m1.name}=`;
    for (let j = i + 2; j < table.length; j += 2) {
      const m2 = table[j];
      if (m2 === undefined) continue;
      if (m2.omit || m2.val !== m1.val) continue;
      if (isNeg(m2) !== isNeg(m1)) continue; // never mix negatives with positives
      m2.omit = true;
      text += `${m2.name}=`;
    }
    text += m1.name[0] === 's' ? formatSnum(m1.val) : formatUnum(m1.val);
    out.push(text);
  }
  return out;
}

/**
 * print_reg_state for a SCALAR_VALUE register: the text after "Rn=" in a verifier
 * state line (also used for spilled scalars after "fp-8=").
 */
export function formatScalar(s: ScalarBounds, opts: FormatScalarOpts): string {
  const prefix = opts.precise ? 'P' : '';
  if (tnumIsConst(s.varOff)) return prefix + formatSnum(s.varOff.value);
  const attrs: string[] = [];
  if (opts.id !== undefined && opts.id !== 0) {
    let idText = `id=${opts.id}`;
    if (opts.addConstDelta !== undefined) {
      const d = opts.addConstDelta;
      idText += d >= 0 ? `+${d}` : `${d}`;
    }
    attrs.push(idText);
  }
  attrs.push(...formatScalarRanges(s));
  if (!tnumIsUnknown(s.varOff)) attrs.push(`var_off=${tnumStrn(s.varOff)}`);
  return `${prefix}scalar(${attrs.join(',')})`;
}
