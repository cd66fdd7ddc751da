# SPDX-License-Identifier: GPL-2.0-only
# backends/console: xenconsoled, console rings <-> ptys.
console-srcs := backends/console/ring.c backends/console/condom.c
# The daemon needs the engine primitives (libhv, toolstack/hv).
ifdef LIBHV
$(eval $(call program,xenconsoled,backends/console/xenconsoled.c \
	$(console-srcs) $(xenbus-srcs) toolstack/lib/log.c toolstack/lib/parse.c \
	toolstack/lib/paths.c,$(LIBHV) -lxenstore -lpthread))
endif
$(eval $(call unittest,test_console,tests/unit/test_console.c \
	$(console-srcs) backends/xenbus/xenbus.c tests/unit/fake_xs.c \
	tests/unit/fake_hv.c toolstack/lib/log.c toolstack/lib/parse.c,))
