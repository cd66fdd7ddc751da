# SPDX-License-Identifier: GPL-2.0-only
# xen-create-image/: the image builder and its companions, xen-tools style.
xci-dir := xen-create-image
xci-srcs := $(addprefix $(xci-dir)/,conf.c opts.c layout.c tmpl.c \
	tmpl_default.c mirror.c common.c check.c run.c undo.c lvm.c storage.c \
	install.c)

$(eval $(call program,xen-create-image,$(xci-dir)/create.c $(xci-srcs),$(LIBPV) -lcrypt))
$(eval $(call program,xen-delete-image,$(xci-dir)/delete.c $(xci-srcs),$(LIBPV) -lcrypt))
$(eval $(call program,xen-list-images,$(xci-dir)/list.c $(xci-srcs),$(LIBPV) -lcrypt))
$(eval $(call program,xen-update-image,$(xci-dir)/update.c $(xci-srcs),$(LIBPV) -lcrypt))

$(eval $(call unittest,test_xci_conf,tests/unit/test_xci_conf.c \
	$(xci-srcs),$(LIBPV) -lcrypt))
# The template test also parses our cfg with toolstack/cfg (xm's parser).
$(eval $(call unittest,test_xci_tmpl,tests/unit/test_xci_tmpl.c \
	$(xci-srcs),$(LIBCFG) $(LIBPV) -lcrypt -lyajl))
$(eval $(call unittest,test_xci_misc,tests/unit/test_xci_misc.c \
	$(xci-srcs),$(LIBPV) -lcrypt))

# make install: hooks, roles, the cfg template and xen-tools.conf.
INSTALL_EXTRA += $(xci-dir)/install-data.sh "$(DESTDIR)" "$(PREFIX)";
