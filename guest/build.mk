# SPDX-License-Identifier: GPL-2.0-only
# guest/: the PV guest kernel (kvm engine and real Xen). Freestanding, its own flags
# (no libc, no red zone, no SSE: the event callback saves only GPRs),
# linked at VIRT_BASE 0 by guest/guest.lds. Produces build/guest/pvguest.elf
# and an xz-compressed copy for the builder's tests.

GUEST_SRCS := guest/head.S guest/lib.c guest/console.c guest/traps.c \
	guest/platform_kvm.c guest/platform_xen.c guest/events.c guest/time.c guest/mm.c guest/gnttab.c guest/xenbus.c guest/xenbus_util.c \
	guest/control.c guest/blkfront.c guest/netfront.c guest/net.c guest/smp.c guest/selftest.c guest/selftest_dev.c guest/selftest_hostile.c guest/flood.c guest/bench.c guest/suspend.c guest/dirty.c guest/shell.c guest/main.c
GUEST_OBJDIR := $(B)/guest/obj
GUEST_OBJS := $(patsubst guest/%,$(GUEST_OBJDIR)/%.o,$(GUEST_SRCS))
GUEST_CFLAGS := -std=gnu11 -O2 -g -ffreestanding -nostdlib -fno-pic -fno-pie \
	-mno-red-zone -mcmodel=small -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-omit-frame-pointer -mno-sse -mno-sse2 -mno-mmx -mno-avx -mno-3dnow \
	-fno-strict-aliasing -fno-common \
	$(WARN) -Wno-address-of-packed-member -MMD -MP \
	-D__XEN_INTERFACE_VERSION__=0x00040e00 -Iinclude -Iguest -I/usr/include
GUEST_LDFLAGS := -nostdlib -static -Wl,-T,guest/guest.lds \
	-Wl,--build-id=none -Wl,-z,noexecstack -Wl,-z,max-page-size=4096 -Wl,--no-warn-rwx-segments

EXTRA_TARGETS += $(B)/guest/pvguest.elf $(B)/guest/pvguest.elf.xz

$(GUEST_OBJDIR)/%.c.o: guest/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(GUEST_CFLAGS) -c -o $@ $<

$(GUEST_OBJDIR)/%.S.o: guest/%.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -c -o $@ $<

$(B)/guest/pvguest.elf: $(GUEST_OBJS) guest/guest.lds
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(GUEST_LDFLAGS) -o $@ $(GUEST_OBJS)

$(B)/guest/pvguest.elf.xz: $(B)/guest/pvguest.elf
	$(Q)xz -9 --check=crc32 -c $< > $@.tmp && mv $@.tmp $@

# The guest's own object folder: rules.mk includes the .d files of $(OBJ)
# only. Without these, a change to kernel.h or platform.h left objects
# built against the old struct layouts beside new ones (struct platform
# gained members: main.c then read platform->name from the wrong slot).
-include $(wildcard $(GUEST_OBJDIR)/*.d)

# Host-side unit tests of guest code that parses hostile input (net.c) and
# of its libc stand-ins (lib.c, renamed so they do not clash with libc).
GUEST_TEST_CFLAGS := -Iguest -D__XEN_INTERFACE_VERSION__=0x00040e00 -fno-builtin
$(eval $(call unittest,test_guest_net,guest/tests/test_guest_net.c \
	guest/net.c guest/lib.c,))
$(B)/tests/test_guest_net: ALL_CFLAGS += $(GUEST_TEST_CFLAGS)
$(eval $(call unittest,test_guest_lib,guest/tests/test_guest_lib.c \
	guest/lib.c,))
$(B)/tests/test_guest_lib: ALL_CFLAGS += $(GUEST_TEST_CFLAGS)
$(eval $(call fuzzer,fuzz_guest_net,guest/tests/fuzz_guest_net.c \
	guest/net.c guest/lib.c,))
$(B)/fuzz/fuzz_guest_net: FUZZFLAGS += $(GUEST_TEST_CFLAGS)
$(eval $(call unittest,test_guest_xenbus,guest/tests/test_guest_xenbus.c \
	guest/xenbus.c guest/xenbus_util.c guest/lib.c,))
$(B)/tests/test_guest_xenbus: ALL_CFLAGS += $(GUEST_TEST_CFLAGS)

# make bench: blk and net through a real guest (bench/guest.bash, guest/bench.c).
$(eval $(call bench,bench_guest,bench/bench_guest.c bench/results.c,-luring))
