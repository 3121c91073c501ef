// The C type model shared by every layer: types declared in a program's preamble, types of the
// running kernel (from the generated catalog, read from vmlinux BTF), and the BTF the kernel
// back end emits. Struct/union/enum types are referenced by name through a TypeTable so the
// graph stays acyclic and serialisable as JSON.

export type IntType = { kind: 'int'; name: string; size: number; signed: boolean; bool?: boolean };

export type CType =
  | { kind: 'void' }
  | IntType
  | { kind: 'float'; name: string; size: number }
  /** tags: BTF type tags on the pointee, e.g. 'rcu', 'user', 'percpu', 'kptr', 'percpu_kptr', 'uptr'. */
  | { kind: 'ptr'; to: CType; tags?: string[] }
  | { kind: 'array'; elem: CType; len: number }
  /** A reference to a named aggregate or enum, resolved through a TypeTable. */
  | { kind: 'ref'; tag: 'struct' | 'union' | 'enum'; name: string }
  | { kind: 'func_proto'; ret: CType; params: FuncParam[]; variadic?: boolean };

export interface FuncParam {
  name: string;
  type: CType;
}

export interface Member {
  name: string;
  type: CType;
  /** Byte offset of the member inside its aggregate. */
  offset: number;
  /** Bitfields only. */
  bitOffset?: number;
  bitSize?: number;
  /** BTF decl tags on the member, e.g. 'contains:foo:node' (from __contains(foo, node)). */
  declTags?: string[];
}

export interface AggregateDef {
  kind: 'struct' | 'union';
  name: string;
  size: number;
  members: Member[];
}

export interface EnumDef {
  kind: 'enum';
  name: string;
  size: number;
  values: { name: string; value: bigint }[];
}

export type NamedTypeDef = AggregateDef | EnumDef;

/** Named types, keyed as 'struct foo', 'union bar', 'enum baz'. */
export type TypeTable = Map<string, NamedTypeDef>;

export const typeKey = (tag: 'struct' | 'union' | 'enum', name: string): string => `${tag} ${name}`;
