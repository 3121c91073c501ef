// The verifier log (struct bpf_verifier_log) with the kernel's conventions: a level, a byte
// buffer that can be reset to an earlier position (level 1 keeps only the failing path), and
// print_insn_state's trick of appending a state to the previous instruction line.

export const BPF_LOG_LEVEL1 = 1;
export const BPF_LOG_LEVEL2 = 2;
export const BPF_LOG_STATS = 4;

export class VLog {
  readonly level: number;
  // Pieces with cumulative end offsets: level-1 logs are reset to earlier positions on every
  // popped branch, which must not cost the length of the whole log each time.
  private pieces: string[] = [];
  private ends: number[] = [];
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
    return this.ends.length ? this.ends[this.ends.length - 1] : 0;
  }
  write(s: string): void {
    if (this.level === 0 || s.length === 0) return;
    this.pieces.push(s);
    this.ends.push(this.endPos + s.length);
  }
  reset(pos: number): void {
    if (pos >= this.endPos) return;
    let lo = 0;
    let hi = this.ends.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid] > pos) hi = mid;
      else lo = mid + 1;
    }
    // piece `lo` is the first one ending after pos: keep its head
    const start = lo === 0 ? 0 : this.ends[lo - 1];
    const head = this.pieces[lo].slice(0, pos - start);
    this.pieces.length = lo;
    this.ends.length = lo;
    if (head) this.write(head);
  }
  text(): string {
    return this.pieces.join('');
  }
  /** vlog_alignment(): spaces before the ';' that starts an appended state. */
  static alignment(pos: number): number {
    const roundUp = (n: number, a: number): number => Math.ceil(n / a) * a;
    return roundUp(Math.max(pos + 4, 40), 8) - pos - 1;
  }
}
