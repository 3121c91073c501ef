// The program IR every front end produces and every back end (verifier model, simulator,
// kernel oracle) consumes. Instruction indices are kernel slot indices.
import type { Insn } from '../isa/insn.ts';
import type { SourceLoc } from '../asm/errors.ts';
import type { CType, TypeTable } from '../btf/types.ts';

export type MapType = 'array' | 'hash' | 'percpu_array' | 'percpu_hash' | 'lru_hash' | 'ringbuf' | 'prog_array' | 'task_storage' | 'cgrp_storage' | 'inode_storage' | 'sk_storage';

export interface MapDef {
  /** Kernel-visible name (at most 15 characters; '.' allowed). */
  name: string;
  /** Where it came from: a BTF-defined map in SEC(".maps"), or a global data section. */
  kind: 'map' | 'global';
  type: MapType;
  keySize: number;
  valueSize: number;
  maxEntries: number;
  flags: number;
  keyType: CType | null;
  valueType: CType | null;
  /** Global data: the section ('.bss', '.data', '.rodata', '.data.A', ...), variables, initial bytes. */
  section?: string;
  vars?: GlobalVar[];
  initial?: Uint8Array;
  readonly?: boolean;
  /** Only with Program.btf: the key/value type ids inside that BTF (libbpf passes them to map creation). */
  btfKeyTypeId?: number;
  btfValueTypeId?: number;
  loc: SourceLoc;
}

export interface GlobalVar {
  name: string;
  type: CType;
  offset: number;
  size: number;
}

/** What a slot refers to beyond its bits: map references, kfunc names, local-type ids. */
export type Reloc =
  | { insn: number; kind: 'map_fd'; map: number }
  | { insn: number; kind: 'map_value'; map: number; off: number }
  | { insn: number; kind: 'kfunc'; name: string }
  | { insn: number; kind: 'helper'; name: string }
  | { insn: number; kind: 'subprog'; name: string }
  | { insn: number; kind: 'func_addr'; name: string }
  | { insn: number; kind: 'local_type_id'; type: string }
  | { insn: number; kind: 'ksym'; name: string };

export interface Subprog {
  name: string;
  start: number;
}

/**
 * BTF exactly as a front end received it (an ELF object's .BTF and .BTF.ext), handed to the
 * kernel unchanged. Programs without it get BTF generated from `types`, `maps` and `subprogs`
 * by the kernel back end.
 */
export interface ProgramBtf {
  raw: Uint8Array;
  /** One per subprogram: the BTF FUNC describing the subprogram starting at slot `insn`. */
  funcInfo: { insn: number; typeId: number }[];
  /** Offsets are into `raw`'s string section. */
  lineInfo: { insn: number; fileNameOff: number; lineOff: number; line: number; col: number }[];
}

export interface Program {
  name: string;
  /** The libbpf SEC() name as written. */
  section: string;
  sleepable: boolean;
  license: string;
  insns: Insn[];
  /** Subprograms in address order; [0] is the main program at slot 0. */
  subprogs: Subprog[];
  relocs: Reloc[];
  maps: MapDef[];
  types: TypeTable;
  /** Source location of each slot (the second slot of ld_imm64 repeats the first). */
  srcLocs: SourceLoc[];
  /** Labels by slot index, for printing. */
  labels: Map<number, string>;
  loc: SourceLoc;
  /** prog_flags beyond what the section implies (a selftest's __flag(BPF_F_TEST_...)). */
  extraProgFlags?: number;
  btf?: ProgramBtf;
  /**
   * Capabilities the loading process lacks (an example's __caps_drop("CAP_SYS_BOOT")); the
   * default loader is root with every capability. Only CAP_SYS_BOOT is modelled.
   */
  droppedCaps?: string[];
}
