// Expanding one asm statement's template as the compiler does: %[name] becomes the operand's
// text, %= a number unique to the statement, %% a '%'. Every output character keeps the source
// offset it came from; an operand's text takes the offset of its %[name].
import { SourceError } from '../asm/errors.ts';
import type { AsmOperand, AsmStmt } from './c-file.ts';
import { evalExpr, type ExprEnv } from './c-expr.ts';

export interface Located {
  text: string;
  offs: number[];
}

export interface OperandContext {
  env: ExprEnv;
  /** Helpers, kfuncs and functions of the file: `call %[name]` keeps the name. */
  isFunction: (name: string) => boolean;
  /** Maps and global variables of the file: `r1 = %[name] ll` keeps the name. */
  isData: (name: string) => boolean;
}

function operandText(o: AsmOperand, ctx: OperandContext): string {
  const at = o.tok.start;
  switch (o.kind) {
    case 'imm': {
      const name = o.value[0].text;
      if (ctx.isFunction(name) || ctx.isData(name)) return name;
      try {
        return evalExpr(o.value, ctx.env, at).toString();
      } catch (e) {
        if (!(e instanceof SourceError)) throw e;
        throw new SourceError(ctx.env.loc(at), `__imm(${name}): not a helper, a kfunc, a function or map of this file, nor a constant (${e.message})`);
      }
    }
    case 'imm_addr':
    case 'imm_ptr': {
      const name = o.value[0].text;
      if (ctx.isData(name) || ctx.isFunction(name)) return name;
      throw new SourceError(ctx.env.loc(at), `__${o.kind}(${name}): '${name}' is not a map, a global variable or a function of this file`);
    }
    case 'raw':
      if (o.value[0]?.text === '&' && o.value.length === 2 && o.value[1].kind === 'ident') {
        const name = o.value[1].text;
        if (ctx.isData(name) || ctx.isFunction(name)) return name;
        throw new SourceError(ctx.env.loc(at), `operand [${o.name}]: '${name}' is not a map, a global variable or a function of this file`);
      }
      if (o.value.length === 1 && o.value[0].kind === 'ident' && ctx.isFunction(o.value[0].text)) return o.value[0].text;
      return evalExpr(o.value, ctx.env, at).toString();
    case 'imm_const':
      return evalExpr(o.value, ctx.env, at).toString();
    case 'imm_insn':
      return BigInt.asUintN(64, evalExpr(o.value, ctx.env, at)).toString();
  }
}

/** The statement's asm text with operands substituted; `unique` is what %= becomes. */
export function expandTemplate(stmt: AsmStmt, unique: number, ctx: OperandContext): Located {
  if (!stmt.extended) return { text: stmt.text, offs: stmt.offs };
  const values = new Map<string, string>();
  for (const o of stmt.operands) {
    if (values.has(o.name)) throw new SourceError(ctx.env.loc(o.tok.start), `asm operand [${o.name}] is defined twice`);
    values.set(o.name, operandText(o, ctx));
  }
  let text = '';
  const offs: number[] = [];
  const put = (s: string, off: number): void => {
    text += s;
    for (let k = 0; k < s.length; k++) offs.push(off);
  };
  const t = stmt.text;
  for (let i = 0; i < t.length; i++) {
    const off = stmt.offs[i];
    if (t[i] !== '%') {
      put(t[i], off);
      continue;
    }
    const n = t[i + 1];
    if (n === '%') {
      put('%', off);
      i++;
    } else if (n === '=') {
      put(String(unique), off);
      i++;
    } else if (n === '[') {
      const close = t.indexOf(']', i);
      if (close < 0) throw new SourceError(ctx.env.loc(off), "unterminated '%[' operand reference");
      const name = t.slice(i + 2, close);
      const v = values.get(name);
      if (v === undefined) {
        const known = [...values.keys()];
        throw new SourceError(ctx.env.loc(off), `unknown asm operand %[${name}]${known.length ? ` (operands: ${known.join(', ')})` : ' (the statement has no operands)'}`);
      }
      put(v, off);
      i = close;
    } else {
      throw new SourceError(ctx.env.loc(off), `'%${n ?? ''}' in asm text is not modelled (use %[name], %= or %%)`);
    }
  }
  return { text, offs };
}
