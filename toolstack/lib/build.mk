# SPDX-License-Identifier: GPL-2.0-only
# toolstack/lib: the host library every program links (libpv.a); knows no
# program. xsutil.c needs -lxenstore in the users that call it.
lib-srcs := toolstack/lib/array.c toolstack/lib/log.c toolstack/lib/parse.c toolstack/lib/paths.c \
	toolstack/lib/fs.c toolstack/lib/sock.c toolstack/lib/spawn.c \
	toolstack/lib/pidfile.c toolstack/lib/proc.c toolstack/lib/rand.c toolstack/lib/xsutil.c
$(eval $(call library,LIBPV,$(lib-srcs)))

$(eval $(call unittest,test_lib,tests/unit/test_lib.c,$(LIBPV)))
$(eval $(call unittest,test_xs_many,tests/unit/test_xs_many.c \
	tests/unit/fake_xs.c,$(LIBPV)))
$(eval $(call unittest,test_lib_host,tests/unit/test_lib_host.c \
	tests/unit/fake_xs.c,$(LIBPV)))
