// Atomic instructions: always naturally aligned, never on the context, packets or sockets; the
// fetch register receives the old value as a load would (a spilled constant stays constant).

struct val { long a; long b; };
struct { __uint(type, BPF_MAP_TYPE_ARRAY); __uint(max_entries, 4); __type(key, int); __type(value, struct val); } arr SEC(".maps");

SEC("socket") __id("core.atomic.map-value-aligned") __rule("core.mem.misaligned", "core.atomic.pointer-type")
__success __retval(0)
map_value_aligned:
	*(u32 *)(r10 - 4) = 1
	r2 = r10
	r2 += -4
	r1 = arr ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r1 = 1
	lock *(u64 *)(r0 + 8) += r1
out:
	r0 = 0
	exit

SEC("socket") __id("core.atomic.map-value-misaligned") __rule("core.mem.misaligned")
__description("a plain load at offset 4 would be fine on x86; an atomic one is not")
__failure __msg("misaligned value access off 0+0+4 size 8")
map_value_misaligned:
	*(u32 *)(r10 - 4) = 1
	r2 = r10
	r2 += -4
	r1 = arr ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r1 = 1
	lock *(u64 *)(r0 + 4) += r1
out:
	r0 = 0
	exit

SEC("socket") __id("core.atomic.ctx-denied") __rule("core.atomic.pointer-type")
__failure __msg("BPF_ATOMIC stores into R1 ctx is not allowed")
ctx_denied:
	r2 = 1
	lock *(u32 *)(r1 + 0) += r2
	r0 = 0
	exit

SEC("socket") __id("core.atomic.fetch-keeps-spilled-constant")
__description("atomic_fetch_add reads the old value like a fill: the spilled 3 comes back as 3, so the branch on it is decided")
__success __retval(0)
fetch_keeps_spilled_constant:
	*(u64 *)(r10 - 8) = 3
	r1 = 0
	r1 = atomic_fetch_add((u64 *)(r10 - 8), r1)
	if r1 == 3 goto ok
	r0 = r5
ok:
	r0 = 0
	exit

SEC("socket") __id("core.atomic.cmpxchg-clobbers-r0-address") __rule("core.mem.misaligned")
__description("cmpxchg marks R0 unknown before it reads memory, so R0 cannot also be the address (found by bpfspec fuzz --seed 4)")
__failure __msg("misaligned access off (0x0; 0xffffffffffffffff)+0+8 size 8")
cmpxchg_clobbers_r0_address:
	r4 = 12
	r0 = r10
	r0 += -16
	r0 = cmpxchg_64(r0 + 8, r0, r4)
	exit

SEC("socket") __id("core.atomic.load-acquire-stack") __rule("core.atomic.load-pointer-type")
__success __retval(5)
load_acquire_stack:
	*(u64 *)(r10 - 8) = 5
	r0 = load_acquire((u64 *)(r10 - 8))
	exit

SEC("socket") __id("core.atomic.load-acquire-ctx") __rule("core.atomic.load-pointer-type")
__failure __msg("BPF_ATOMIC loads from R1 ctx is not allowed")
load_acquire_ctx:
	r0 = load_acquire((u32 *)(r1 + 0))
	exit

SEC("socket") __id("core.atomic.misaligned-constant-address") __rule("core.mem.misaligned")
__description("a known address prints like a register value: decimal up to 65535, hex above (found by bpfspec fuzz --seed 103)")
__failure __msg("misaligned access off 0xfffffffffffffffd+0+0 size 8")
misaligned_constant_address:
	r1 = -3
	r2 = 1
	lock *(u64 *)(r1 + 0) += r2
	r0 = 0
	exit
