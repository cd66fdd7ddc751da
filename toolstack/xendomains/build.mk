# SPDX-License-Identifier: GPL-2.0-only
# toolstack/xendomains: the xendomains script (build/bin/xendomains), its
# /etc/default settings, a systemd unit and a sysvinit script.
xd-dir := toolstack/xendomains
PROGRAMS += $(BIN)/xendomains
$(BIN)/xendomains: $(xd-dir)/xendomains.sh
	@mkdir -p $(dir $@)
	$(Q)install -m 0755 $< $@

# The settings file is the admin's once installed: never overwritten.
INSTALL_EXTRA += install -d $(DESTDIR)/etc/xen/auto $(DESTDIR)/etc/default \
	$(DESTDIR)/lib/systemd/system $(DESTDIR)/etc/init.d; \
	[ -e $(DESTDIR)/etc/default/xendomains ] || \
	install -m 0644 $(xd-dir)/xendomains.default $(DESTDIR)/etc/default/xendomains; \
	sed 's|@SBINDIR@|$(PREFIX)/sbin|g' $(xd-dir)/xendomains.service \
	>$(DESTDIR)/lib/systemd/system/xendomains.service; \
	sed 's|@SBINDIR@|$(PREFIX)/sbin|g' $(xd-dir)/xendomains.init \
	>$(DESTDIR)/etc/init.d/xendomains; chmod 0755 $(DESTDIR)/etc/init.d/xendomains;
