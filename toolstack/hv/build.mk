# SPDX-License-Identifier: GPL-2.0-only
# toolstack/hv: libhv, the engine interface (hv.h): kvm (our VMM) and xen
# (libxenctrl & co.). Users link $(LIBHV) $(LIBPV) $(HV_LDLIBS).
# Without libxen-dev (HAVE_LIBXEN=0) the xen engine is hv_xen_absent.c,
# whose open says so.
hv-srcs := toolstack/hv/hv.c toolstack/hv/hv_kvm.c toolstack/hv/hv_kvm_dom.c toolstack/hv/hv_kvm_save.c \
	toolstack/hv/kvm_ctl.c
ifeq ($(HAVE_LIBXEN),1)
hv-srcs += toolstack/hv/hv_xen.c toolstack/hv/hv_xen_sched.c
else
hv-srcs += toolstack/hv/hv_xen_absent.c
endif
$(eval $(call library,LIBHV,$(hv-srcs)))
# Xen's tool headers (xenctrl.h -> xen/foreign, hvm/save.h) need GNU C.
$(OBJ)/toolstack/hv/hv_xen.o $(SAN_OBJ)/toolstack/hv/hv_xen.o \
$(OBJ)/toolstack/hv/hv_xen_sched.o $(SAN_OBJ)/toolstack/hv/hv_xen_sched.o: \
	ALL_CFLAGS += -std=gnu11

$(eval $(call unittest,test_hv,tests/unit/test_hv.c tests/unit/fake_vmm.c,$(LIBHV) $(LIBPV) $(HV_LDLIBS)))
$(B)/tests/test_hv: ALL_CFLAGS += -std=gnu11

# Grant map cost against the old per-segment system calls (make bench).
$(eval $(call bench,bench_grant,bench/bench_grant.c bench/results.c tests/unit/fake_vmm.c,$(LIBHV) $(LIBPV) $(HV_LDLIBS)))
$(B)/bench/bench_grant: $(LIBHV) $(LIBPV)
$(OBJ)/bench/bench_grant.o $(OBJ)/tests/unit/fake_vmm.o: ALL_CFLAGS += -Itests/unit
