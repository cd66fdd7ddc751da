# SPDX-License-Identifier: GPL-2.0-only
# toolstack/xm: the xm/xl CLI. build/bin/xl is a symlink to xm.
xm-srcs := toolstack/xm/main.c toolstack/xm/frame.c toolstack/xm/cmdtable.c \
	toolstack/xm/dominfo.c toolstack/xm/cmd_list.c \
	toolstack/xm/cmd_create.c toolstack/xm/cmd_attach.c
XM_LDLIBS := $(LIBCFG) $(LIBHV) $(LIBPV) -lyajl -lxenstore $(HV_LDLIBS)
$(eval $(call program,xm,$(xm-srcs),$(XM_LDLIBS)))
$(BIN)/xm: $(LIBCFG) $(LIBHV) $(LIBPV)

$(BIN)/xl: $(BIN)/xm
	$(Q)ln -sf xm $@
EXTRA_TARGETS += $(BIN)/xl

$(eval $(call unittest,test_xm,tests/unit/test_xm.c $(filter-out toolstack/xm/main.c,$(xm-srcs)) $(cfg-srcs) $(hv-srcs) toolstack/lib/log.c toolstack/lib/parse.c toolstack/lib/paths.c,-lyajl -lxenstore $(HV_LDLIBS)))
$(B)/tests/test_xm: ALL_CFLAGS += -std=gnu11
