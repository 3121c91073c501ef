// SPDX-License-Identifier: GPL-2.0
/* Basic verifier behaviour written in the kernel selftest test_loader style: each test is a
 * __naked function whose body is one asm statement, with its expected outcome as annotations.
 * bpfspec reads this file directly (no clang) and checks every test on the model and the kernel.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "bpf_misc.h"

/* bpfspec's own annotation: the rules of its message catalogue an example shows. */
#ifndef __rule
#define __rule(...)
#endif

#define VAL_WORDS 2

struct val {
	long words[VAL_WORDS];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, int);
	__type(value, struct val);
} vals SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4);
	__type(key, int);
	__type(value, struct val);
} hvals SEC(".maps");

SEC("socket")
__description("scalar ALU: 64-bit and 32-bit arithmetic compute the documented result")
__success __retval(42)
__naked void scalar_alu(void)
{
	asm volatile ("					\
	r0 = 40;					\
	r0 += %[two];					\
	w1 = -1;					\
	r1 >>= 32;					\
	r0 += r1;					\
	exit;						\
"	:
	: __imm_const(two, 2)
	: __clobber_all);
}

SEC("socket")
__description("division by an immediate zero is rejected")
__failure __msg("div by zero")
__rule("core.alu.div-by-zero")
__naked void div_by_zero_imm(void)
{
	asm volatile (
	"r0 = 1;"
	"r0 /= 0;"
	"exit;"
	::: __clobber_all);
}

SEC("socket")
__description("a spilled scalar is filled back with its value")
__success __retval(7)
__naked void stack_spill_fill(void)
{
	asm volatile (
	"r1 = 7;"
	"*(u64 *)(r10 - 8) = r1;"
	"r0 = *(u64 *)(r10 - 8);"
	"exit;"
	::: __clobber_all);
}

SEC("socket")
__description("privileged programs may read stack slots nothing wrote")
__success __log_level(2) __msg("r0 = *(u64 *)(r10 -8)")
__rule("core.stack.read-uninit")
__naked void stack_read_uninit(void)
{
	asm volatile (
	"r0 = *(u64 *)(r10 - 8);"
	"r0 = 0;"
	"exit;"
	::: __clobber_all);
}

SEC("socket")
__description("the frame pointer is read only")
__failure __msg("frame pointer is read only")
__rule("core.reg.fp-read-only")
__naked void write_fp(void)
{
	asm volatile (
	"r10 = 0;"
	"r0 = 0;"
	"exit;"
	::: __clobber_all);
}

SEC("socket")
__description("map lookup result used after a NULL check")
__success __retval(0)
__naked void map_lookup_null_check(void)
{
	asm volatile (
	"r1 = 0;"
	"*(u32 *)(r10 - 4) = r1;"
	"r2 = r10;"
	"r2 += -4;"
	"r1 = %[vals] ll;"
	"call %[bpf_map_lookup_elem];"
	"if r0 == 0 goto l0_%=;"
	"r1 = *(u64 *)(r0 + %[last_word]);"
"l0_%=:"
	"r0 = 0;"
	"exit;"
	:
	: __imm(bpf_map_lookup_elem),
	  __imm_addr(vals),
	  __imm_const(last_word, offsetof(struct val, words[1]))
	: __clobber_all);
}

SEC("socket")
__description("map lookup result dereferenced without a NULL check")
__failure __msg("R0 invalid mem access 'map_value_or_null'")
__rule("core.mem.invalid-type")
__naked void map_lookup_no_null_check(void)
{
	asm volatile (
	"r1 = 0;"
	"*(u32 *)(r10 - 4) = r1;"
	"r2 = r10;"
	"r2 += -4;"
	"r1 = %[hvals] ll;"
	"call %[bpf_map_lookup_elem];"
	"r0 = *(u64 *)(r0 + 0);"
	"exit;"
	:
	: __imm(bpf_map_lookup_elem),
	  __imm_addr(hvals)
	: __clobber_all);
}

SEC("socket")
__description("reading past the end of a map value is rejected")
__failure __msg("invalid access to map value, value_size={{[0-9]+}} off=16 size=8")
__rule("core.map.min-out-of-range")
__naked void map_value_past_end(void)
{
	asm volatile (
	"r1 = 0;"
	"*(u32 *)(r10 - 4) = r1;"
	"r2 = r10;"
	"r2 += -4;"
	"r1 = %[vals] ll;"
	"call %[bpf_map_lookup_elem];"
	"if r0 == 0 goto l0_%=;"
	"r0 = *(u64 *)(r0 + %[size]);"
"l0_%=:"
	"exit;"
	:
	: __imm(bpf_map_lookup_elem),
	  __imm_addr(vals),
	  __imm_const(size, sizeof(struct val))
	: __clobber_all);
}

SEC("socket")
__description("both branches of a comparison are explored")
__success __retval(1)
__naked void branches(void)
{
	asm volatile (
	"r1 = 5;"
	"r0 = 0;"
	"if r1 > 3 goto l0_%=;"
	"r0 = 2;"
	"goto l1_%=;"
"l0_%=:"
	"r0 = 1;"
"l1_%=:"
	"exit;"
	::: __clobber_all);
}

static __naked __noinline __attribute__((used))
void add_one(void)
{
	asm volatile (
	"r0 = r1;"
	"r0 += 1;"
	"exit;"
	::: __clobber_all);
}

SEC("socket")
__description("a bpf-to-bpf call to a static subprogram of the file")
__success __retval(11)
__naked void bpf_to_bpf_call(void)
{
	asm volatile (
	"r1 = 10;"
	"call add_one;"
	"exit;"
	::: __clobber_all);
}

SEC("socket")
__description("caller-saved registers are not preserved across a call")
__failure __msg("R1 !read_ok")
__rule("core.reg.read-uninit")
__naked void call_clobbers_r1(void)
{
	asm volatile (
	"r1 = 10;"
	"call %[add_one];"
	"r0 = r1;"
	"exit;"
	:
	: __imm(add_one)
	: __clobber_all);
}

SEC("socket")
__description("R0 must be set before exit")
__failure __msg("R0 !read_ok")
__rule("core.reg.read-uninit")
__naked void exit_without_r0(void)
{
	asm volatile ("exit;" ::: __clobber_all);
}

char _license[] SEC("license") = "GPL";
