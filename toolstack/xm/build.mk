# SPDX-License-Identifier: GPL-2.0-only
# toolstack/xm: the xm/xl CLI. build/bin/xl is a symlink to xm.
xm-srcs := toolstack/xm/main.c toolstack/xm/frame.c toolstack/xm/cmdtable.c \
	toolstack/xm/dominfo.c toolstack/xm/hostinfo.c toolstack/xm/cmd_list.c \
	toolstack/xm/cmd_create.c toolstack/xm/cmd_attach.c toolstack/xm/cmd_device.c \
	toolstack/xm/cmd_domain.c toolstack/xm/cmd_domain_cfg.c \
	toolstack/xm/dom_console.c toolstack/xm/dom_daemons.c toolstack/xm/cmd_sched.c \
	toolstack/xm/cmd_debug.c toolstack/xm/cmd_top.c toolstack/xm/top_view.c \
	toolstack/xm/cmd_save.c \
	toolstack/xm/cmd_migrate.c toolstack/xm/cmd_snapshot.c \
	toolstack/xm/xlconf_apply.c
# The lifecycle is the domain library's (toolstack/domain), on QEMU for HVM
# (libdm), device entries, the engine (libhv) and libxenstore.
XM_DOM_LIBS := $(LIBDOMAIN) $(LIBDM) $(LIBDEVICE) $(LIBCFG) -lyajl $(LIBHV) $(LIBPV) -lxenstore -llzma -lncurses $(HV_LDLIBS)
$(eval $(call program,xm,$(xm-srcs),$(XM_DOM_LIBS)))
$(BIN)/xm: $(LIBDOMAIN) $(LIBCFG) $(LIBPV) $(LIBDEVICE) $(LIBHV) $(LIBDM)

$(BIN)/xl: $(BIN)/xm
	$(Q)ln -sf xm $@
EXTRA_TARGETS += $(BIN)/xl

$(eval $(call unittest,test_xm,tests/unit/test_xm.c $(filter-out toolstack/xm/main.c,$(xm-srcs)) $(domain-srcs) $(cfg-srcs) $(hv-srcs) $(device-srcs) $(dm-srcs),\
	$(LIBPV) -lyajl -lxenstore -llzma -lncurses $(HV_LDLIBS)))
$(B)/tests/test_xm: ALL_CFLAGS += -std=gnu11
