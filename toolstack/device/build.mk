# SPDX-License-Identifier: GPL-2.0-only
# toolstack/device: PV device entries in the store, as libxl writes them.
# xm links $(LIBDEVICE) (and $(LIBPV), -lxenstore).
device-srcs := toolstack/device/device.c toolstack/device/kinds.c \
	toolstack/device/attach.c
$(eval $(call library,LIBDEVICE,$(device-srcs)))

$(eval $(call unittest,test_device,tests/unit/test_device.c $(device-srcs) \
	tests/unit/fake_xs.c toolstack/lib/parse.c,))
