# SPDX-License-Identifier: GPL-2.0-only
# toolstack/domain: the domain library (libxl's role), $(LIBDOMAIN). Users
# also link $(LIBDM) $(LIBCFG) $(LIBDEVICE) libhv libpv -lxenstore -lyajl.
domain-srcs := toolstack/domain/create.c toolstack/domain/pv.c \
	toolstack/domain/hvm.c toolstack/domain/store.c \
	toolstack/domain/control.c toolstack/domain/list.c \
	toolstack/domain/monitor.c toolstack/domain/userdata.c \
	toolstack/domain/devices.c toolstack/domain/hostmem.c toolstack/domain/sched.c \
	toolstack/domain/saveimg.c \
	toolstack/domain/save.c toolstack/domain/save_pv.c toolstack/domain/libxlsr.c \
	toolstack/domain/snapshot.c toolstack/domain/snapdisk.c toolstack/domain/xzpipe.c \
	toolstack/domain/coredump.c toolstack/domain/restart.c toolstack/domain/bootloader.c
$(eval $(call library,LIBDOMAIN,$(domain-srcs)))

# Store entries, names and the kept config on fake_xs.c.
$(eval $(call unittest,test_domain,tests/unit/test_domain.c \
	toolstack/domain/store.c toolstack/domain/userdata.c $(cfg-srcs) \
	$(device-srcs) tests/unit/fake_xs.c,$(LIBPV) -lyajl))

# xl.conf and Xen's memory accounting (domain_list stubbed in the test).
$(eval $(call unittest,test_hostmem,tests/unit/test_hostmem.c \
	toolstack/domain/hostmem.c $(cfg-srcs),$(LIBPV) -lyajl))

# cpumaps in xl's syntax (sched.c).
$(eval $(call unittest,test_sched,tests/unit/test_sched.c \
	toolstack/domain/sched.c,$(LIBDM) $(LIBCFG) $(LIBHV) $(LIBPV) -lyajl -lxenstore $(HV_LDLIBS)))
# xl's save-image framing (saveimg.c).
$(eval $(call unittest,test_saveimg,tests/unit/test_saveimg.c \
	toolstack/domain/saveimg.c,$(LIBPV) -llzma))

# The -z stream through liblzma (xzpipe.c).
$(eval $(call unittest,test_xzpipe,tests/unit/test_xzpipe.c \
	toolstack/domain/xzpipe.c,$(LIBPV) -llzma))
# libxl's stream v2 around a PV domain's libxc stream (libxlsr.c).
$(eval $(call unittest,test_libxlsr,tests/unit/test_libxlsr.c \
	toolstack/domain/libxlsr.c,$(LIBPV)))
# The PV save protocol and restore step (save_pv.c) on fake_xs.c, with the
# engine calls scripted in the test.
$(eval $(call unittest,test_save_pv,tests/unit/test_save_pv.c \
	toolstack/domain/save_pv.c toolstack/domain/libxlsr.c \
	tests/unit/fake_xs.c,$(LIBPV)))
$(B)/tests/test_save_pv: ALL_CFLAGS += -Itests/unit
# The restart-loop guard (restart.c).
$(eval $(call unittest,test_restart,tests/unit/test_restart.c \
	toolstack/domain/restart.c,))
# bootloader = "pygrub": the answer parser, and runs of a stand-in pygrub.
$(eval $(call unittest,test_bootloader,tests/unit/test_bootloader.c \
	toolstack/domain/bootloader.c,$(LIBPV)))

# make bench: save/restore and live migration of an HVM guest (bench/save.bash).
$(eval $(call bench,bench_save,bench/bench_save.c bench/results.c,))
