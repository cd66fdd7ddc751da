# SPDX-License-Identifier: GPL-2.0-only
# backends/console: xenconsoled, console rings <-> ptys.
console-srcs := backends/console/ring.c backends/console/condom.c \
	backends/console/conlog.c
# The daemon needs the engine primitives (libhv, toolstack/hv), whose
# build.mk is read after ours: name the archive, defer HV_LDLIBS.
$(eval $(call program,xenconsoled,backends/console/xenconsoled.c \
	$(console-srcs) backends/xenbus/xenbus.c backends/xenbus/backend.c backends/xenbus/daemon.c toolstack/lib/log.c \
	toolstack/lib/parse.c toolstack/lib/paths.c,\
	$$(HV_LDLIBS) -lxenstore -lpthread))
$(BIN)/xenconsoled: $(B)/lib/libhv.a
$(eval $(call unittest,test_console,tests/unit/test_console.c \
	$(console-srcs) backends/xenbus/xenbus.c tests/unit/fake_xs.c \
	tests/unit/fake_hv.c toolstack/lib/log.c toolstack/lib/parse.c,))
