# SPDX-License-Identifier: GPL-2.0-only
# Every library's archive and what its users link after it, named once here
# (before any build.mk is read), so a build.mk can use any library whatever
# the order the build.mk files are read in. Each library's own build.mk
# says what goes into it: $(eval $(call library,LIBPV,$(lib-srcs))).

# toolstack/lib: the host library every program links.
LIBPV := $(B)/lib/libpv.a
# toolstack/cfg: the xl/xm cfg parser (users add -lyajl).
LIBCFG := $(B)/lib/libcfg.a
# toolstack/device: PV device entries in the store.
LIBDEVICE := $(B)/lib/libdevice.a
# toolstack/domain: the domain library (libxl's role).
LIBDOMAIN := $(B)/lib/libdomain.a
# toolstack/dm: QEMU as device model.
LIBDM := $(B)/lib/libdm.a
# toolstack/hv: the engine interface; HV_LDLIBS is what the engines need.
LIBHV := $(B)/lib/libhv.a
# backends/xenbus: the backend side of the XenbusState machine and the
# daemon around it; XENBUS_LDLIBS is what a backend daemon links.
LIBXENBUS := $(B)/lib/libxenbus-be.a
XENBUS_LDLIBS = $(LIBXENBUS) $(LIBHV) $(LIBPV) $(HV_LDLIBS) -lxenstore

ifeq ($(HAVE_LIBXEN),1)
HV_LDLIBS := -lxenguest -lxenctrl -lxenforeignmemory -lxengnttab -lxenevtchn \
	-lpthread
else
HV_LDLIBS := -lpthread
endif
