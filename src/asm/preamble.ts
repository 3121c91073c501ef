// The C declaration preamble: struct/union definitions (with graph and kptr fields), typedefs,
// BTF-defined maps in SEC(".maps"), and global variables in data sections.
import type { AggregateDef, CType, Member, TypeTable } from '../btf/types.ts';
import { typeKey } from '../btf/types.ts';
import { alignOf, roundUp, sizeOf, type TypeLookup } from '../btf/layout.ts';
import type { SourceLoc } from './errors.ts';
import type { Cursor } from './cursor.ts';
import type { MapType } from '../ir/program.ts';

export interface DeclaredMap {
  name: string;
  type: MapType;
  keyType: CType | null;
  valueType: CType | null;
  keySize: number | null;
  valueSize: number | null;
  maxEntries: number;
  flags: number;
  loc: SourceLoc;
}

export interface DeclaredGlobal {
  name: string;
  type: CType;
  section: string;
  init: bigint | null;
  readonly: boolean;
  loc: SourceLoc;
}

export interface Preamble {
  types: TypeTable;
  typedefs: Map<string, CType>;
  maps: DeclaredMap[];
  globals: DeclaredGlobal[];
}

export const newPreamble = (): Preamble => ({ types: new Map(), typedefs: new Map(), maps: [], globals: [] });

const INT_TYPES: Record<string, { size: number; signed: boolean; bool?: boolean }> = {
  __u8: { size: 1, signed: false }, __u16: { size: 2, signed: false }, __u32: { size: 4, signed: false }, __u64: { size: 8, signed: false },
  __s8: { size: 1, signed: true }, __s16: { size: 2, signed: true }, __s32: { size: 4, signed: true }, __s64: { size: 8, signed: true },
  u8: { size: 1, signed: false }, u16: { size: 2, signed: false }, u32: { size: 4, signed: false }, u64: { size: 8, signed: false },
  s8: { size: 1, signed: true }, s16: { size: 2, signed: true }, s32: { size: 4, signed: true }, s64: { size: 8, signed: true },
  __be16: { size: 2, signed: false }, __be32: { size: 4, signed: false }, __be64: { size: 8, signed: false },
  __le16: { size: 2, signed: false }, __le32: { size: 4, signed: false }, __le64: { size: 8, signed: false },
  size_t: { size: 8, signed: false }, bool: { size: 1, signed: false, bool: true }, _Bool: { size: 1, signed: false, bool: true },
  uint8_t: { size: 1, signed: false }, uint16_t: { size: 2, signed: false }, uint32_t: { size: 4, signed: false }, uint64_t: { size: 8, signed: false },
  int8_t: { size: 1, signed: true }, int16_t: { size: 2, signed: true }, int32_t: { size: 4, signed: true }, int64_t: { size: 8, signed: true },
};
const C_WORDS = new Set(['unsigned', 'signed', 'char', 'short', 'int', 'long']);
const QUALIFIERS = new Set(['const', 'volatile', 'static', 'extern', '__hidden', '__weak', 'inline', '__always_inline', 'restrict']);
/** Pointer type tags written before the declarator name (e.g. `struct foo __kptr *p`). */
const PTR_TAGS: Record<string, string> = { __kptr: 'kptr', __kptr_untrusted: 'kptr_untrusted', __percpu_kptr: 'percpu_kptr', __rcu: 'rcu', __user: 'user', __percpu: 'percpu', __uptr: 'uptr', __arena: 'arena' };

const MAP_TYPES: Record<string, MapType> = {
  BPF_MAP_TYPE_ARRAY: 'array', BPF_MAP_TYPE_HASH: 'hash', BPF_MAP_TYPE_PERCPU_ARRAY: 'percpu_array',
  BPF_MAP_TYPE_PERCPU_HASH: 'percpu_hash', BPF_MAP_TYPE_LRU_HASH: 'lru_hash', BPF_MAP_TYPE_RINGBUF: 'ringbuf',
  BPF_MAP_TYPE_PROG_ARRAY: 'prog_array', BPF_MAP_TYPE_TASK_STORAGE: 'task_storage', BPF_MAP_TYPE_CGRP_STORAGE: 'cgrp_storage',
  BPF_MAP_TYPE_INODE_STORAGE: 'inode_storage', BPF_MAP_TYPE_SK_STORAGE: 'sk_storage',
};
const MAP_FLAGS: Record<string, number> = { BPF_F_NO_PREALLOC: 1, BPF_F_RDONLY_PROG: 0x80, BPF_F_WRONLY_PROG: 0x100, BPF_F_MMAPABLE: 0x400 };

/** Does the cursor sit at the start of a C declaration (rather than a program header)? */
export function atDeclStart(c: Cursor, pre: Preamble): boolean {
  const t = c.peek();
  if (t.kind !== 'ident') return false;
  return (
    t.text === 'struct' || t.text === 'union' || t.text === 'enum' || t.text === 'typedef' || t.text === 'private' ||
    QUALIFIERS.has(t.text) || C_WORDS.has(t.text) || t.text === 'void' || t.text === 'char' ||
    INT_TYPES[t.text] !== undefined || pre.typedefs.has(t.text)
  );
}

export class PreambleParser {
  private readonly c: Cursor;
  private readonly pre: Preamble;
  private readonly lookup: TypeLookup;
  private anon = 0;
  constructor(c: Cursor, pre: Preamble, kernelLookup: TypeLookup) {
    this.c = c;
    this.pre = pre;
    this.lookup = (k) => pre.types.get(k) ?? kernelLookup(k);
  }

  /** One top-level declaration ending in ';'. `sec` is a SEC("...") already read before it. */
  parseDecl(secBefore: string | null): void {
    const c = this.c;
    const startLoc = c.peek().loc;
    let sec = secBefore;
    if (c.eat('private')) {
      c.expect('(');
      const id = c.expectIdent('a section suffix inside private(...)');
      c.expect(')');
      sec = `.data.${id.text}`;
    }
    if (c.eat('typedef')) {
      const base = this.parseType();
      const { name, type } = this.parseDeclarator(base);
      c.expect(';', 'after typedef');
      this.pre.typedefs.set(name, type);
      return;
    }
    let isConst = false;
    let isVolatile = false;
    while (c.peek().kind === 'ident' && QUALIFIERS.has(c.peek().text)) {
      const q = c.next().text;
      if (q === 'const') isConst = true;
      if (q === 'volatile') isVolatile = true;
    }
    // An anonymous struct followed by a declarator in SEC(".maps") is a BTF-defined map.
    if (c.at('struct') && c.at('{', 1)) {
      c.next();
      const body = this.parseMapBody();
      const name = c.expectIdent('the map name');
      const msec = this.parseTrailingAttrs() ?? sec;
      c.expect(';', 'after the map definition');
      if (msec !== '.maps') throw c.error(startLoc, `an anonymous struct declaration must be a BTF map in SEC(".maps"), found section ${msec === null ? 'none' : `"${msec}"`}`);
      this.finishMap(name.text, body, name.loc);
      return;
    }
    const base = this.parseType();
    if (c.eat(';')) return; // a struct/union/enum definition alone
    for (;;) {
      const { name, type, loc } = this.parseDeclarator(base);
      const tsec = this.parseTrailingAttrs() ?? sec;
      let init: bigint | null = null;
      if (c.eat('=')) {
        if (c.eat('{')) {
          if (!c.at('}')) {
            const v = c.expectInt('an initial value');
            init = v.value;
          }
          c.expect('}');
        } else {
          init = c.expectInt('an initial value (an integer)').value;
        }
      }
      if (sizeOf(type, this.lookup) === undefined) throw c.error(loc, `global '${name}' has incomplete type`);
      const section = tsec ?? (isConst && isVolatile ? '.rodata' : isConst ? '.rodata' : init !== null && init !== 0n ? '.data' : '.bss');
      if (section === '.maps') throw c.error(loc, `'${name}' in SEC(".maps") must be an anonymous struct map definition`);
      this.pre.globals.push({ name, type, section, init, readonly: section.startsWith('.rodata'), loc });
      if (c.eat(',')) continue;
      c.expect(';', 'after the declaration');
      return;
    }
  }

  /** SEC("..."), __attribute__((...)), __contains is handled in members. Returns the section if any. */
  private parseTrailingAttrs(): string | null {
    const c = this.c;
    let sec: string | null = null;
    for (;;) {
      if (c.eat('SEC')) {
        c.expect('(');
        sec = c.expectString('the section name').str ?? '';
        c.expect(')');
      } else if (c.at('__attribute__')) {
        this.skipAttribute();
      } else if (c.at('__hidden') || c.at('__weak')) {
        c.next();
      } else return sec;
    }
  }

  private skipAttribute(): void {
    const c = this.c;
    c.expect('__attribute__');
    c.expect('(');
    let depth = 1;
    while (depth > 0) {
      const t = c.next();
      if (t.kind === 'eof') throw c.error(t.loc, 'unterminated __attribute__');
      if (t.text === '(') depth++;
      if (t.text === ')') depth--;
    }
  }

  /** A type specifier: int words, typedef names, struct/union/enum with or without a body. */
  parseType(): CType {
    const c = this.c;
    c.skipNewlines();
    while (c.peek().kind === 'ident' && QUALIFIERS.has(c.peek().text)) c.next();
    const t = c.peek();
    if (t.kind !== 'ident') throw c.error(t.loc, `expected a type but found '${t.text}'`);
    if (t.text === 'struct' || t.text === 'union') {
      c.next();
      const tag = t.text;
      let name: string;
      if (c.atKind('ident') && !c.at('{')) name = c.next().text;
      else name = `__anon_${++this.anon}`;
      if (c.at('{')) this.parseAggregateBody(tag, name, t.loc);
      return { kind: 'ref', tag, name };
    }
    if (t.text === 'enum') {
      c.next();
      const name = c.expectIdent('an enum name').text;
      if (c.eat('{')) {
        const values: { name: string; value: bigint }[] = [];
        let v = 0n;
        while (!c.eat('}')) {
          c.skipNewlines();
          if (c.eat('}')) break;
          const n = c.expectIdent('an enumerator');
          if (c.eat('=')) v = c.expectInt('an enumerator value').value;
          values.push({ name: n.text, value: v });
          v++;
          c.skipNewlines();
          if (!c.eat(',')) {
            c.skipNewlines();
            c.expect('}', 'to close the enum');
            break;
          }
        }
        this.pre.types.set(typeKey('enum', name), { kind: 'enum', name, size: 4, values });
      }
      return { kind: 'ref', tag: 'enum', name };
    }
    if (t.text === 'void') {
      c.next();
      return { kind: 'void' };
    }
    const fixed = INT_TYPES[t.text];
    if (fixed) {
      c.next();
      return { kind: 'int', name: t.text, size: fixed.size, signed: fixed.signed, ...(fixed.bool ? { bool: true } : {}) };
    }
    const td = this.pre.typedefs.get(t.text);
    if (td) {
      c.next();
      return td;
    }
    if (C_WORDS.has(t.text)) {
      const words: string[] = [];
      while (c.peek().kind === 'ident' && C_WORDS.has(c.peek().text)) words.push(c.next().text);
      const unsigned = words.includes('unsigned');
      const longs = words.filter((w) => w === 'long').length;
      const size = words.includes('char') ? 1 : words.includes('short') ? 2 : longs > 0 ? 8 : 4;
      const name = words.join(' ');
      return { kind: 'int', name, size, signed: !unsigned && !(size === 1 && !words.includes('signed')) };
    }
    throw c.error(t.loc, `unknown type name '${t.text}'`);
  }

  /** `*`s, pointer tags, the name, array dimensions. */
  parseDeclarator(base: CType): { name: string; type: CType; loc: SourceLoc } {
    const c = this.c;
    let type = base;
    const tags: string[] = [];
    for (;;) {
      const t = c.peek();
      if (t.kind === 'ident' && PTR_TAGS[t.text] !== undefined) {
        tags.push(PTR_TAGS[t.text]);
        c.next();
      } else if (c.at('const') || c.at('volatile') || c.at('restrict')) {
        c.next();
      } else if (c.eat('*')) {
        type = tags.length > 0 ? { kind: 'ptr', to: type, tags: tags.splice(0) } : { kind: 'ptr', to: type };
      } else break;
    }
    const nameTok = c.expectIdent('a declarator name');
    if (tags.length > 0) throw c.error(nameTok.loc, `pointer tag ${tags.map((x) => `__${x}`).join(' ')} must come before '*'`);
    const dims: number[] = [];
    while (c.eat('[')) {
      const n = c.expectInt('an array length');
      c.expect(']');
      if (n.value < 0n || n.value > 1n << 24n) throw c.error(n.loc, 'array length out of range');
      dims.push(Number(n.value));
    }
    for (let i = dims.length - 1; i >= 0; i--) type = { kind: 'array', elem: type, len: dims[i] };
    return { name: nameTok.text, type, loc: nameTok.loc };
  }

  private parseAggregateBody(tag: 'struct' | 'union', name: string, loc: SourceLoc): void {
    const c = this.c;
    c.expect('{');
    const members: Member[] = [];
    let offset = 0;
    let size = 0;
    let align = 1;
    for (;;) {
      c.skipNewlines();
      if (c.eat('}')) break;
      const mt = this.parseType();
      for (;;) {
        const d = this.parseDeclarator(mt);
        const declTags: string[] = [];
        while (c.at('__contains') || c.at('__attribute__')) {
          if (c.at('__attribute__')) {
            this.skipAttribute();
            continue;
          }
          c.next();
          c.expect('(');
          const tname = c.expectIdent('the contained type name');
          c.expect(',');
          const field = c.expectIdent('the node field name');
          c.expect(')');
          declTags.push(`contains:${tname.text}:${field.text}`);
        }
        if (c.at(':')) throw c.error(c.peek().loc, 'bitfields are not supported in the preamble');
        const msize = sizeOf(d.type, this.lookup);
        if (msize === undefined) {
          throw c.error(d.loc, `field '${d.name}' has incomplete type${d.type.kind === 'ref' ? ` '${d.type.tag} ${d.type.name}' (define it above, or use a kernel type the catalog knows)` : ''}`);
        }
        const malign = alignOf(d.type, this.lookup);
        align = Math.max(align, malign);
        const moff = tag === 'union' ? 0 : roundUp(offset, malign);
        members.push({ name: d.name, type: d.type, offset: moff, ...(declTags.length ? { declTags } : {}) });
        offset = moff + msize;
        size = Math.max(size, offset);
        if (!c.eat(',')) break;
      }
      c.expect(';', 'after the struct field');
    }
    const def: AggregateDef = { kind: tag, name, size: roundUp(size, align), members };
    const key = typeKey(tag, name);
    if (this.pre.types.has(key)) throw c.error(loc, `redefinition of '${key}'`);
    this.pre.types.set(key, def);
  }

  private parseMapBody(): { fields: Map<string, { num?: bigint; ident?: string; type?: CType; loc: SourceLoc }> } {
    const c = this.c;
    c.expect('{');
    const fields = new Map<string, { num?: bigint; ident?: string; type?: CType; loc: SourceLoc }>();
    for (;;) {
      c.skipNewlines();
      if (c.eat('}')) break;
      const kw = c.expectIdent('__uint(...) or __type(...)');
      c.expect('(');
      const key = c.expectIdent('a map attribute name');
      c.expect(',');
      if (kw.text === '__uint') {
        const t = c.peek();
        if (t.kind === 'ident') {
          let v = 0;
          let ident: string;
          do {
            const id = c.expectIdent('a constant');
            ident = id.text;
            const f = MAP_FLAGS[id.text];
            if (key.text !== 'type' && f === undefined) throw c.error(id.loc, `unknown constant '${id.text}'`);
            v |= f ?? 0;
          } while (c.eat('|'));
          fields.set(key.text, key.text === 'type' ? { ident, loc: t.loc } : { num: BigInt(v), loc: t.loc });
        } else {
          fields.set(key.text, { num: c.expectInt('a number').value, loc: t.loc });
        }
      } else if (kw.text === '__type') {
        const loc = c.peek().loc;
        const base = this.parseType();
        let ty = base;
        while (c.eat('*')) ty = { kind: 'ptr', to: ty };
        fields.set(key.text, { type: ty, loc });
      } else {
        throw c.error(kw.loc, `unknown map attribute macro '${kw.text}' (use __uint or __type)`);
      }
      c.expect(')');
      c.expect(';');
    }
    return { fields };
  }

  private finishMap(name: string, body: ReturnType<PreambleParser['parseMapBody']>, loc: SourceLoc): void {
    const c = this.c;
    const f = body.fields;
    const typeF = f.get('type');
    if (!typeF?.ident) throw c.error(loc, `map '${name}' needs __uint(type, BPF_MAP_TYPE_...)`);
    const type = MAP_TYPES[typeF.ident];
    if (!type) throw c.error(typeF.loc, `unsupported map type '${typeF.ident}'`);
    const key = f.get('key')?.type ?? null;
    const value = f.get('value')?.type ?? null;
    const keySize = key ? (sizeOf(key, this.lookup) ?? null) : f.get('key_size')?.num !== undefined ? Number(f.get('key_size')?.num) : null;
    const valueSize = value ? (sizeOf(value, this.lookup) ?? null) : f.get('value_size')?.num !== undefined ? Number(f.get('value_size')?.num) : null;
    const me = f.get('max_entries');
    if (me?.num === undefined) throw c.error(loc, `map '${name}' needs __uint(max_entries, N)`);
    this.pre.maps.push({
      name, type, keyType: key, valueType: value, keySize, valueSize, maxEntries: Number(me.num),
      flags: Number(f.get('map_flags')?.num ?? 0n), loc,
    });
  }
}
