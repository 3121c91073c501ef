// Register access with the kernel's checks and bookkeeping (check_reg_arg): reads of
// uninitialised registers, writes to R10, and the "scratched" marks the log prints.
import type { Env } from '../env.ts';
import { scratchReg } from '../env.ts';
import { reject } from '../errors.ts';
import { RULES } from '../../messages/catalog.ts';
import type { Reg } from '../state/reg.ts';
import { curFrame } from '../state/state.ts';

export function checkRegRead(env: Env, r: number): Reg {
  if (r >= 11) reject(RULES.regInvalid, r);
  scratchReg(env, r);
  const reg = curFrame(env.cur).regs[r];
  if (reg.type === 'not_init') reject(RULES.regNotInit, r);
  return reg;
}

export function checkRegWrite(env: Env, r: number): void {
  if (r >= 11) reject(RULES.regInvalid, r);
  scratchReg(env, r);
  if (r === 10) reject(RULES.fpReadOnly);
}

export function getReg(env: Env, r: number): Reg {
  return curFrame(env.cur).regs[r];
}

export function setReg(env: Env, r: number, v: Reg): void {
  curFrame(env.cur).regs[r] = v;
}
