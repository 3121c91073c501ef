// The verifier log (struct bpf_verifier_log) with the kernel's conventions: a level, a byte
// buffer that can be reset to an earlier position (level 1 keeps only the failing path), and
// print_insn_state's trick of appending a state to the previous instruction line.

export const BPF_LOG_LEVEL1 = 1;
export const BPF_LOG_LEVEL2 = 2;
export const BPF_LOG_STATS = 4;

export class VLog {
  readonly level: number;
  private buf = '';
  /** env->prev_log_pos / env->prev_insn_print_pos of the kernel. */
  prevLogPos = 0;
  prevInsnPrintPos = 0;
  constructor(level: number) {
    this.level = level;
  }
  get enabled(): boolean {
    return this.level !== 0;
  }
  get l1(): boolean {
    return (this.level & (BPF_LOG_LEVEL1 | BPF_LOG_LEVEL2)) !== 0;
  }
  get l2(): boolean {
    return (this.level & BPF_LOG_LEVEL2) !== 0;
  }
  get endPos(): number {
    return this.buf.length;
  }
  write(s: string): void {
    if (this.level !== 0) this.buf += s;
  }
  reset(pos: number): void {
    if (pos < this.buf.length) this.buf = this.buf.slice(0, pos);
  }
  text(): string {
    return this.buf;
  }
  /** vlog_alignment(): spaces before the ';' that starts an appended state. */
  static alignment(pos: number): number {
    const roundUp = (n: number, a: number): number => Math.ceil(n / a) * a;
    return roundUp(Math.max(pos + 4, 40), 8) - pos - 1;
  }
}
