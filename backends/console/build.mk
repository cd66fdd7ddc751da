# SPDX-License-Identifier: GPL-2.0-only
# backends/console: xenconsoled, console rings <-> ptys.
console-srcs := backends/console/ring.c backends/console/condom.c \
	backends/console/conlog.c
$(eval $(call program,xenconsoled,backends/console/xenconsoled.c \
	$(console-srcs),$(XENBUS_LDLIBS) -lpthread))
$(eval $(call unittest,test_console,tests/unit/test_console.c \
	$(console-srcs) backends/xenbus/xenbus.c tests/unit/fake_xs.c \
	tests/unit/fake_hv.c,$(LIBPV)))
