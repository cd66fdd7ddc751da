# SPDX-License-Identifier: GPL-2.0-only
# toolstack/vmm: pvstack-vmm, the kvm engine's per-domain VMM.
vmm-srcs := toolstack/vmm/main.c toolstack/vmm/kvm.c toolstack/vmm/hcall.c \
	toolstack/vmm/evtchn.c toolstack/vmm/sched.c toolstack/vmm/mem.c \
	toolstack/vmm/ctl.c toolstack/vmm/kcache.c toolstack/vmm/save.c toolstack/vmm/restore.c \
	toolstack/vmm/savefmt.c $(builder-srcs) backends/console/conlog.c
$(eval $(call program,pvstack-vmm,$(vmm-srcs),$(LIBPV) $(BUILDER_LDLIBS) -lpthread))

# Tiny PV test kernels (testkernel.S) for tests/integration/3x and bench/.
PVTEST_MODES := hello reboot crash echo spin
PVTEST_ELFS := $(patsubst %,$(B)/tests/pvtest-%.elf,$(PVTEST_MODES))
pvtest_flags_hello := -DMODE_HELLO -DREASON=0
pvtest_flags_reboot := -DMODE_HELLO -DREASON=1
pvtest_flags_crash := -DMODE_CRASH
pvtest_flags_echo := -DMODE_ECHO
pvtest_flags_spin := -DMODE_SPIN
$(B)/tests/pvtest-%.elf: toolstack/vmm/testkernel.S
	@mkdir -p $(dir $@)
	$(Q)$(CC) -c -nostdlib -fno-pic $(pvtest_flags_$*) -o $@.o $<
	$(Q)ld -static -nostdlib -Ttext=0x100000 -o $@ $@.o && rm -f $@.o
EXTRA_TARGETS += $(PVTEST_ELFS)

$(eval $(call bench,pv_bench,bench/pv_bench.c bench/kvm_bare.c bench/results.c,$(LIBHV) $(LIBPV) $(HV_LDLIBS)))
$(B)/bench/pv_bench: | $(BIN)/pvstack-vmm $(PVTEST_ELFS)
$(eval $(call bench,bench_scale,bench/bench_scale.c bench/kvm_bare.c \
	bench/results.c,$(LIBPV)))
$(B)/bench/bench_scale: | $(BIN)/pvstack-vmm $(BIN)/xm

# The hypercall services without KVM (kicks and shutdown stubbed in the test).
vmm-test-srcs := tests/unit/test_vmm.c tests/unit/vmm_stubs.c toolstack/vmm/evtchn.c \
	toolstack/vmm/mem.c toolstack/vmm/hcall.c backends/console/conlog.c \
	toolstack/lib/log.c toolstack/lib/fs.c
$(eval $(call unittest,test_vmm,$(vmm-test-srcs),-lpthread))
$(eval $(call tsantest,test_vmm_tsan,$(vmm-test-srcs),-lpthread))

# The cache of unpacked kernels (no KVM needed).
$(eval $(call unittest,test_kcache,tests/unit/test_kcache.c toolstack/vmm/kcache.c \
	$(builder-srcs),$(LIBPV) $(BUILDER_LDLIBS)))

# Hypercall argument decoding under libFuzzer (make fuzz).
$(eval $(call fuzzer,fuzz_hcall,tests/fuzz/fuzz_hcall.c tests/unit/vmm_stubs.c \
	toolstack/vmm/hcall.c toolstack/vmm/evtchn.c toolstack/vmm/mem.c \
	backends/console/conlog.c toolstack/lib/log.c toolstack/lib/fs.c,-Itests/unit \
	-lpthread))

# The restore stream's checks (proto/vmmsave.h), without KVM.
$(eval $(call unittest,test_vmmsave,tests/unit/test_vmmsave.c toolstack/vmm/savefmt.c \
	toolstack/lib/fs.c,))

# The restore stream's loader under libFuzzer (make fuzz).
$(eval $(call fuzzer,fuzz_vmmsave,tests/fuzz/fuzz_vmmsave.c toolstack/vmm/savefmt.c \
	toolstack/lib/fs.c,))
