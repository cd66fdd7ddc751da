# SPDX-License-Identifier: GPL-2.0-only
# backends/xenbus: the backend side of the XenbusState machine and the
# daemon around a backend (libxenbus-be.a). Users link $(LIBXENBUS)
# $(LIBHV) $(LIBPV) $(HV_LDLIBS) -lxenstore.
xenbus-srcs := backends/xenbus/xenbus.c backends/xenbus/backend.c \
	backends/xenbus/daemon.c backends/xenbus/ringthread.c
$(eval $(call library,LIBXENBUS,$(xenbus-srcs)))

# Unit tests link the in-memory store instead of -lxenstore.
FAKE_XS := tests/unit/fake_xs.c
$(eval $(call unittest,test_xenbus,tests/unit/test_xenbus.c \
	backends/xenbus/xenbus.c backends/xenbus/backend.c $(FAKE_XS),$(LIBPV)))
