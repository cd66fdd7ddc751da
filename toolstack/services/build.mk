# SPDX-License-Identifier: GPL-2.0-only
# toolstack/services: the host daemons as services, as Xen ships them:
# systemd units (xenstored, xenconsoled, blkback, netback), the xencommons
# init script and its /etc/default settings, installed by `make install`.
svc-dir := toolstack/services
SVC_UNITS := xenstored.service xenconsoled.service blkback.service \
	netback.service

# The settings file is the admin's once installed: never overwritten.
INSTALL_EXTRA += install -d $(DESTDIR)/lib/systemd/system \
	$(DESTDIR)/etc/init.d $(DESTDIR)/etc/default; \
	for u in $(SVC_UNITS); do \
	sed 's|@SBINDIR@|$(PREFIX)/sbin|g' $(svc-dir)/$$u \
	>$(DESTDIR)/lib/systemd/system/$$u || exit 1; done; \
	sed 's|@SBINDIR@|$(PREFIX)/sbin|g' $(svc-dir)/xencommons.init \
	>$(DESTDIR)/etc/init.d/xencommons; \
	chmod 0755 $(DESTDIR)/etc/init.d/xencommons; \
	[ -e $(DESTDIR)/etc/default/xencommons ] || \
	install -m 0644 $(svc-dir)/xencommons.default \
	$(DESTDIR)/etc/default/xencommons;
