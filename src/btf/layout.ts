// C layout rules (x86_64/BPF ABI): sizes and alignments of CTypes, resolved through a TypeTable.
import type { CType, NamedTypeDef, TypeTable } from './types.ts';
import { typeKey } from './types.ts';

export type TypeLookup = (key: string) => NamedTypeDef | undefined;

export const lookupIn = (...tables: TypeTable[]): TypeLookup => (key) => {
  for (const t of tables) {
    const d = t.get(key);
    if (d) return d;
  }
  return undefined;
};

export function sizeOf(t: CType, lookup: TypeLookup): number | undefined {
  switch (t.kind) {
    case 'void':
      return undefined;
    case 'int':
    case 'float':
      return t.size;
    case 'ptr':
      return 8;
    case 'array': {
      const e = sizeOf(t.elem, lookup);
      return e === undefined ? undefined : e * t.len;
    }
    case 'ref':
      return lookup(typeKey(t.tag, t.name))?.size;
    case 'func_proto':
      return undefined;
  }
}

export function alignOf(t: CType, lookup: TypeLookup): number {
  switch (t.kind) {
    case 'int':
    case 'float':
      return Math.min(t.size, 8) || 1;
    case 'ptr':
      return 8;
    case 'array':
      return alignOf(t.elem, lookup);
    case 'ref': {
      const d = lookup(typeKey(t.tag, t.name));
      if (!d) return 1;
      if (d.kind === 'enum') return d.size;
      let a = 1;
      for (const m of d.members) a = Math.max(a, alignOf(m.type, lookup));
      return a;
    }
    default:
      return 1;
  }
}

export const roundUp = (n: number, a: number): number => Math.ceil(n / a) * a;

/** Human-readable C spelling, used in messages. */
export function typeName(t: CType): string {
  switch (t.kind) {
    case 'void':
      return 'void';
    case 'int':
    case 'float':
      return t.name;
    case 'ptr':
      return `${typeName(t.to)} *`;
    case 'array':
      return `${typeName(t.elem)}[${t.len}]`;
    case 'ref':
      return `${t.tag} ${t.name}`;
    case 'func_proto':
      return `${typeName(t.ret)} (*)(${t.params.map((p) => typeName(p.type)).join(', ')})`;
  }
}
