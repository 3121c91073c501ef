// The kernel's byte format of instructions: struct bpf_insn, 8 bytes little-endian:
// code u8, dst_reg:4 (low nibble) | src_reg:4 (high nibble) u8, off s16, imm s32.
import type { Insn } from './insn.ts';

export const INSN_SIZE = 8;

export function encodeInsns(insns: readonly Insn[]): Uint8Array {
  const out = new Uint8Array(insns.length * INSN_SIZE);
  const dv = new DataView(out.buffer);
  insns.forEach((i, n) => {
    const o = n * INSN_SIZE;
    dv.setUint8(o, i.code & 0xff);
    dv.setUint8(o + 1, ((i.src & 0xf) << 4) | (i.dst & 0xf));
    dv.setInt16(o + 2, i.off, true);
    dv.setInt32(o + 4, i.imm, true);
  });
  return out;
}

export class DecodeError extends Error {}

export function decodeInsns(bytes: Uint8Array): Insn[] {
  if (bytes.length % INSN_SIZE !== 0) {
    throw new DecodeError(`program size ${bytes.length} is not a multiple of ${INSN_SIZE} bytes`);
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Insn[] = [];
  for (let o = 0; o < bytes.length; o += INSN_SIZE) {
    const regs = dv.getUint8(o + 1);
    out.push({
      code: dv.getUint8(o),
      dst: regs & 0xf,
      src: regs >> 4,
      off: dv.getInt16(o + 2, true),
      imm: dv.getInt32(o + 4, true),
    });
  }
  return out;
}

/** The 64-bit constant of an ld_imm64 pair, as the kernel assembles it. */
export function ldImm64Value(lo: Insn, hi: Insn): bigint {
  return (BigInt(hi.imm >>> 0) << 32n) | BigInt(lo.imm >>> 0);
}
