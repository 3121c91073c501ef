// Converts parsed BTF (btf-parse.ts) into the shared C type model (types.ts).
//
// - typedef / const / volatile / restrict are looked through: the model has no qualifiers.
// - BTF type tags between a pointer and its pointee become `tags` on the pointer (e.g. 'rcu',
//   'percpu'); tags that were emitted from a plain __attribute__ (TYPE_TAG kflag, e.g. GCC's
//   'address_space(1)') are not btf_type_tag()s and are dropped.
// - struct / union / enum are referenced by name ({ kind: 'ref' }), never inlined. FWD
//   declarations resolve to a ref of the same name. Anonymous aggregates and enums get a
//   synthetic name (default `__anon_<btf id>`); when BTF has several different definitions of
//   the same name, the lowest id keeps the name and the others are named `<name>__btf<id>`.
// - Bitfield members: `offset` is the byte holding the first bit (bit position / 8, rounded
//   down, as the kernel's btf_struct_walk computes it) and `bitOffset` is the bit position
//   inside that byte, so the absolute bit position is offset * 8 + bitOffset. Both the kflag
//   encoding and the legacy encoding (an INT with BTF_INT_BITS / BTF_INT_OFFSET) are handled.

import type { AggregateDef, CType, EnumDef, FuncParam, Member, NamedTypeDef } from './types.ts';
import { BtfParseError, type BtfType, type ParsedBtf } from './btf-parse.ts';

export interface CTypeOptions {
  /** Synthetic name of an anonymous struct / union / enum with that BTF id. */
  anonName?: (id: number, tag: 'struct' | 'union' | 'enum') => string;
}

export interface FuncSignature {
  ret: CType;
  params: FuncParam[];
  variadic?: boolean;
}

export interface CTypeConverter {
  readonly btf: ParsedBtf;
  /** The CType of a BTF type id (0 = void). */
  ctype(id: number): CType;
  /** The name a struct / union / enum / fwd id is referred to by (see the file comment). */
  refName(id: number): string;
  /** The ref CType of a struct / union / enum / fwd id. */
  ref(id: number): Extract<CType, { kind: 'ref' }>;
  /** The full definition of a struct or union id (modifiers looked through). */
  aggregate(id: number): AggregateDef;
  /** The full definition of an enum / enum64 id (modifiers looked through). */
  enumDef(id: number): EnumDef;
  /** aggregate() or enumDef(), by kind. */
  named(id: number): NamedTypeDef;
  /** Signature of a FUNC, FUNC_PROTO, or a typedef / pointer leading to a FUNC_PROTO. */
  funcSignature(id: number): FuncSignature;
}

const MAX_DEPTH = 256;

const defaultAnonName = (id: number): string => `__anon_${id}`;

export function createCTypeConverter(btf: ParsedBtf, options: CTypeOptions = {}): CTypeConverter {
  const anonName = options.anonName ?? defaultAnonName;
  const nameCache = new Map<number, string>();

  /** Follows modifiers and type tags, collecting the (non-attribute) type tags seen. */
  const strip = (id: number, tags?: string[]): number => {
    let cur = id;
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      if (cur === 0) return 0;
      const t = btf.type(cur);
      switch (t.kind) {
        case 'typedef':
        case 'const':
        case 'volatile':
        case 'restrict':
          cur = t.type;
          break;
        case 'type_tag':
          if (tags && !t.attribute) tags.push(t.name);
          cur = t.type;
          break;
        default:
          return cur;
      }
    }
    throw new BtfParseError(`BTF modifier chain from type ${id} is too long or cyclic`);
  };

  const tagOf = (t: BtfType): 'struct' | 'union' | 'enum' => {
    switch (t.kind) {
      case 'struct':
      case 'union':
        return t.kind;
      case 'enum':
      case 'enum64':
        return 'enum';
      case 'fwd':
        return t.fwdKind;
      default:
        throw new BtfParseError(`BTF type ${t.id} is a ${t.kind}, not a struct, union or enum`);
    }
  };

  const refName = (id: number): string => {
    const cached = nameCache.get(id);
    if (cached !== undefined) return cached;
    const t = btf.type(id);
    const tag = tagOf(t);
    let name: string;
    if (t.name === '') {
      name = anonName(id, tag);
    } else if (t.kind === 'fwd') {
      name = t.name;
    } else {
      const first = t.kind === 'enum' || t.kind === 'enum64' ? firstEnum(t.name) : btf.find(t.kind, t.name);
      name = first === undefined || first === id ? t.name : `${t.name}__btf${id}`;
    }
    nameCache.set(id, name);
    return name;
  };

  /** ENUM and ENUM64 share the 'enum' namespace in C. */
  const firstEnum = (name: string): number | undefined => {
    const a = btf.find('enum', name);
    const b = btf.find('enum64', name);
    if (a === undefined) return b;
    if (b === undefined) return a;
    return Math.min(a, b);
  };

  const ref = (id: number): Extract<CType, { kind: 'ref' }> => {
    const t = btf.type(strip(id));
    return { kind: 'ref', tag: tagOf(t), name: refName(t.id) };
  };

  const convert = (id: number, depth: number): CType => {
    if (depth > MAX_DEPTH) throw new BtfParseError(`BTF type ${id} nests too deeply`);
    const base = strip(id);
    if (base === 0) return { kind: 'void' };
    const t = btf.type(base);
    switch (t.kind) {
      case 'int': {
        const out: CType = { kind: 'int', name: t.name, size: t.size, signed: t.signed };
        if (t.bool) out.bool = true;
        return out;
      }
      case 'float':
        return { kind: 'float', name: t.name, size: t.size };
      case 'ptr': {
        const tags: string[] = [];
        const pointee = strip(t.type, tags);
        const out: CType = { kind: 'ptr', to: convert(pointee, depth + 1) };
        if (tags.length > 0) out.tags = tags;
        return out;
      }
      case 'array':
        return { kind: 'array', elem: convert(t.elemType, depth + 1), len: t.nelems };
      case 'struct':
      case 'union':
      case 'enum':
      case 'enum64':
      case 'fwd':
        return { kind: 'ref', tag: tagOf(t), name: refName(t.id) };
      case 'func':
        return convert(t.type, depth + 1);
      case 'func_proto':
        return protoCType(t.id, depth);
      case 'var':
        return convert(t.type, depth + 1);
      case 'datasec':
      case 'decl_tag':
        throw new BtfParseError(`BTF type ${t.id} is a ${t.kind}, which has no C type`);
      default:
        // typedef / const / volatile / restrict / type_tag were stripped above.
        throw new BtfParseError(`BTF type ${t.id} (${t.kind}) was not expected here`);
    }
  };

  const protoCType = (protoId: number, depth: number): CType => {
    const t = btf.type(protoId);
    if (t.kind !== 'func_proto') throw new BtfParseError(`BTF type ${protoId} is not a FUNC_PROTO`);
    const out: CType = {
      kind: 'func_proto',
      ret: convert(t.ret, depth + 1),
      params: t.params.map((p) => ({ name: p.name, type: convert(p.type, depth + 1) })),
    };
    if (t.variadic) out.variadic = true;
    return out;
  };

  const ctype = (id: number): CType => convert(id, 0);

  const aggregate = (id: number): AggregateDef => {
    const t = btf.type(strip(id));
    if (t.kind !== 'struct' && t.kind !== 'union') {
      throw new BtfParseError(`BTF type ${id} is a ${t.kind}, not a struct or union`);
    }
    const members: Member[] = t.members.map((m, i) => {
      let bitPos = m.bitOffset;
      let bitSize = m.bitfieldSize;
      if (!t.kflag) {
        // Legacy encoding: the member's type is an INT whose bits / offset describe the field.
        const mt = btf.maybeType(strip(m.type));
        if (mt?.kind === 'int' && (mt.bitOffset !== 0 || mt.bits !== mt.size * 8)) {
          bitPos += mt.bitOffset;
          bitSize = mt.bits;
        }
      }
      const offset = Math.floor(bitPos / 8);
      const member: Member = { name: m.name, type: ctype(m.type), offset };
      if (bitSize > 0) {
        member.bitOffset = bitPos - offset * 8;
        member.bitSize = bitSize;
      } else if (bitPos % 8 !== 0) {
        throw new BtfParseError(
          `BTF ${t.kind} ${t.id} member ${i} '${m.name}' is not a bitfield but starts at bit ${bitPos}`,
        );
      }
      const tags = btf.declTags(t.id, i).map((r) => r.value);
      if (tags.length > 0) member.declTags = tags;
      return member;
    });
    return { kind: t.kind, name: refName(t.id), size: t.size, members };
  };

  const enumDef = (id: number): EnumDef => {
    const t = btf.type(strip(id));
    if (t.kind !== 'enum' && t.kind !== 'enum64') {
      throw new BtfParseError(`BTF type ${id} is a ${t.kind}, not an enum`);
    }
    return {
      kind: 'enum',
      name: refName(t.id),
      size: t.size,
      values: t.values.map((v) => ({ name: v.name, value: v.value })),
    };
  };

  const named = (id: number): NamedTypeDef => {
    const t = btf.type(strip(id));
    return t.kind === 'enum' || t.kind === 'enum64' ? enumDef(t.id) : aggregate(t.id);
  };

  const funcSignature = (id: number): FuncSignature => {
    let cur = strip(id);
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      const t = btf.type(cur);
      if (t.kind === 'func' || t.kind === 'ptr') cur = strip(t.type);
      else if (t.kind === 'func_proto') {
        const c = protoCType(t.id, 0);
        if (c.kind !== 'func_proto') throw new BtfParseError('unreachable');
        const sig: FuncSignature = { ret: c.ret, params: c.params };
        if (c.variadic) sig.variadic = true;
        return sig;
      } else {
        throw new BtfParseError(`BTF type ${id} does not lead to a FUNC_PROTO (found ${t.kind} ${t.id})`);
      }
    }
    throw new BtfParseError(`BTF type ${id} nests too deeply`);
  };

  return { btf, ctype, refName, ref, aggregate, enumDef, named, funcSignature };
}

const converters = new WeakMap<ParsedBtf, CTypeConverter>();

/** A converter with default options, cached per ParsedBtf. */
export function converterFor(btf: ParsedBtf): CTypeConverter {
  let c = converters.get(btf);
  if (!c) {
    c = createCTypeConverter(btf);
    converters.set(btf, c);
  }
  return c;
}

export const btfToCType = (btf: ParsedBtf, id: number): CType => converterFor(btf).ctype(id);
export const btfToAggregate = (btf: ParsedBtf, id: number): AggregateDef => converterFor(btf).aggregate(id);
export const btfToEnum = (btf: ParsedBtf, id: number): EnumDef => converterFor(btf).enumDef(id);
export const btfFuncSignature = (btf: ParsedBtf, id: number): FuncSignature =>
  converterFor(btf).funcSignature(id);
