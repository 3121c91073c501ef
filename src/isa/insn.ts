// One eBPF instruction slot exactly as the kernel sees it (struct bpf_insn).
// Like the kernel, a 64-bit immediate load (BPF_LD | BPF_IMM | BPF_DW, code 0x18) occupies
// two consecutive slots; the second slot has code 0 and carries the upper 32 bits in `imm`.
// Instruction indices everywhere (jumps, logs, errors) are slot indices, as in the kernel.

export interface Insn {
  /** The opcode byte: class | size/source | mode/op. */
  code: number;
  /** Destination register, 0..15 as encoded (the verifier rejects >= 11). */
  dst: number;
  /** Source register, 0..15 as encoded; for ld_imm64 and calls the pseudo source kind. */
  src: number;
  /** Signed 16-bit offset. */
  off: number;
  /** Signed 32-bit immediate. */
  imm: number;
}

/** Instruction classes (low 3 bits of code). */
export const BPF_LD = 0x00;
export const BPF_LDX = 0x01;
export const BPF_ST = 0x02;
export const BPF_STX = 0x03;
export const BPF_ALU = 0x04;
export const BPF_JMP = 0x05;
export const BPF_JMP32 = 0x06;
export const BPF_ALU64 = 0x07;

export const insnClass = (code: number): number => code & 0x07;
export const LD_IMM64 = 0x18;
export const isLdImm64 = (i: Insn): boolean => i.code === LD_IMM64;
