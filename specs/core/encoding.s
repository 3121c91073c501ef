// Encodings the kernel rejects before or while walking the program, written as raw slots
// (.8byte: struct bpf_insn as a little-endian u64, code in the lowest byte).

SEC("socket") __id("core.insn.bad-opcode") __rule("core.insn.unknown-opcode")
__failure __msg("unknown opcode ff")
bad_opcode:
	r0 = 0
	.8byte 0xff
	exit

SEC("socket") __id("core.insn.raw-mov") __rule("core.insn.unknown-opcode", "core.alu.reserved-fields")
__description("the raw encoding of r0 = 0 is an ordinary instruction")
__success __retval(0)
raw_mov:
	.8byte 0xb7
	exit

SEC("socket") __id("core.alu.mov-reserved-imm") __rule("core.alu.reserved-fields")
__description("r0 = r1 with a non-zero imm field")
__failure __msg("BPF_MOV uses reserved fields")
mov_reserved_imm:
	.8byte 0x00000005000010bf
	r0 = 0
	exit

SEC("socket") __id("core.alu.add-reserved-off") __rule("core.alu.reserved-fields")
__description("r0 += 1 with a non-zero off field")
__failure __msg("BPF_ALU uses reserved fields")
add_reserved_off:
	r0 = 0
	.8byte 0x0000000100020007
	exit

SEC("socket") __id("core.jmp.reserved-imm") __rule("core.jmp.reserved-fields")
__description("if r0 == r0 goto +0 with a non-zero imm field")
__failure __msg("BPF_JMP/JMP32 uses reserved fields")
jmp_reserved_imm:
	r0 = 0
	.8byte 0x000000010000001d
	exit

SEC("socket") __id("core.jmp.reg-compare") __rule("core.jmp.reserved-fields")
__success __retval(0)
jmp_reg_compare:
	r0 = 0
	.8byte 0x000000000000001d
	exit

SEC("socket") __id("core.insn.ldimm64-no-second-half") __rule("core.insn.ldimm64-invalid")
__failure __msg("invalid bpf_ld_imm64 insn")
ldimm64_no_second_half:
	r0 = 0
	.8byte 0x0000000000000018
	exit

SEC("socket") __id("core.insn.ldimm64-pair") __rule("core.insn.ldimm64-invalid", "core.insn.ldimm64-unknown-src")
__success __retval(5)
ldimm64_pair:
	.8byte 0x0000000500000018
	.8byte 0x0000000000000000
	exit

SEC("socket") __id("core.insn.ldimm64-bad-src") __rule("core.insn.ldimm64-unknown-src")
__failure __msg("unrecognized bpf_ld_imm64 insn")
ldimm64_bad_src:
	.8byte 0x0000000000007018
	.8byte 0x0000000000000000
	r0 = 0
	exit

SEC("socket") __id("core.insn.map-fd-not-a-map") __rule("core.insn.map-reference")
__failure __msg("fd 12345 is not pointing to valid bpf_map")
map_fd_not_a_map:
	.8byte 0x0000303900001018
	.8byte 0x0000000000000000
	r0 = 0
	exit
