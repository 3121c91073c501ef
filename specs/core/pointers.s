// Pointer arithmetic: 64-bit add/sub of scalars only, never from the frame pointer,
// never on a pointer that may be NULL.

struct { __uint(type, BPF_MAP_TYPE_HASH); __uint(max_entries, 4); __type(key, int); __type(value, long); } hmap SEC(".maps");

SEC("socket") __id("core.ptr.sub-from-fp") __rule("core.ptr.sub-from-fp")
__failure __msg("R1 subtraction from stack pointer prohibited")
sub_from_fp:
	r1 = r10
	r1 -= 8
	r0 = 0
	exit

SEC("socket") __id("core.ptr.add-negative-to-fp") __rule("core.ptr.sub-from-fp", "core.ptr.alu32", "core.ptr.bitwise", "core.ptr.arith-operator")
__success __log_level(2) __msg("R1=fp-8") __retval(0)
add_negative_to_fp:
	r1 = r10
	r1 += -8
	r0 = 0
	exit

SEC("socket") __id("core.ptr.alu32-on-pointer") __rule("core.ptr.alu32")
__failure __msg("R1 32-bit pointer arithmetic prohibited")
alu32_on_pointer:
	r1 = r10
	w1 += -8
	r0 = 0
	exit

SEC("socket") __id("core.ptr.bitwise") __rule("core.ptr.bitwise")
__failure __msg("R1 bitwise operator &= on pointer prohibited")
bitwise:
	r1 = r10
	r1 &= -8
	r0 = 0
	exit

SEC("socket") __id("core.ptr.mul") __rule("core.ptr.arith-operator")
__failure __msg("R1 pointer arithmetic with *= operator prohibited")
mul:
	r1 = r10
	r1 *= 2
	r0 = 0
	exit

SEC("socket") __id("core.ptr.ptr-plus-ptr") __rule("core.ptr.pointer-op-pointer")
__failure __msg("R1 pointer += pointer prohibited")
ptr_plus_ptr:
	r1 = r10
	r2 = r10
	r1 += r2
	r0 = 0
	exit

SEC("socket") __id("core.ptr.ptr-minus-ptr") __rule("core.ptr.pointer-op-pointer")
__description("privileged programs may subtract two pointers; the result is a scalar")
__success __log_level(2) __msg("R1=scalar()") __retval(0)
ptr_minus_ptr:
	r1 = r10
	r2 = r10
	r1 -= r2
	r0 = 0
	exit

SEC("socket") __id("core.ptr.scalar-minus-ptr") __rule("core.ptr.sub-from-scalar")
__failure __msg("R2 tried to subtract pointer from scalar")
scalar_minus_ptr:
	r1 = r10
	r2 = 5
	r2 -= r1
	r0 = 0
	exit

SEC("socket") __id("core.ptr.map-ptr-arith") __rule("core.ptr.arith-prohibited-type")
__failure __msg("R1 pointer arithmetic on map_ptr prohibited")
map_ptr_arith:
	r1 = hmap ll
	r1 += 8
	r0 = 0
	exit

SEC("socket") __id("core.ptr.maybe-null-arith") __rule("core.ptr.arith-on-maybe-null")
__failure __msg("R0 pointer arithmetic on map_value_or_null prohibited, null-check it first")
maybe_null_arith:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = hmap ll
	call bpf_map_lookup_elem
	r0 += 8
	exit

SEC("socket") __id("core.ptr.checked-then-arith") __rule("core.ptr.arith-on-maybe-null", "core.ptr.sub-from-scalar")
__description("after the NULL check a map value pointer takes additions and subtractions of scalars")
__success __retval(0)
checked_then_arith:
	*(u32 *)(r10 - 4) = 0
	r2 = r10
	r2 += -4
	r1 = hmap ll
	call bpf_map_lookup_elem
	if r0 == 0 goto out
	r0 += 8
	r0 -= 4
	r0 = *(u32 *)(r0 + 0)
	r0 = 0
out:
	exit

SEC("socket") __id("core.ptr.map-ptr-plus-zero") __rule("core.ptr.arith-prohibited-type")
__description("the one arithmetic a map pointer allows: adding the constant 0")
__success __retval(0)
map_ptr_plus_zero:
	r1 = hmap ll
	r1 += 0
	r0 = 0
	exit

SEC("socket") __id("core.ptr.huge-constant") __rule("core.ptr.offset-too-large")
__failure __msg("math between fp pointer and 536870912 is not allowed")
huge_constant:
	r1 = r10
	r2 = 536870912
	r1 += r2
	r0 = 0
	exit

SEC("socket") __id("core.ptr.unbounded-add") __rule("core.ptr.value-out-of-bounds")
__failure __msg("value -2147483648 makes fp pointer be out of bounds")
unbounded_add:
	call bpf_get_prandom_u32
	r1 = r10
	r0 <<= 32
	r0 s>>= 32
	r1 += r0
	r0 = 0
	exit

SEC("socket") __id("core.ptr.mov32-zero-extends")
__description("a 32-bit copy of a pointer is an unknown scalar, zero-extended: it never exceeds U32_MAX (found by bpfspec fuzz --seed 22)")
__success __retval(0)
mov32_zero_extends:
	w2 = w1
	if r2 > 0xffffffff goto bad
	r0 = 0
	exit
bad:
	r0 = r5
	exit
