# SPDX-License-Identifier: GPL-2.0-only
# backends/xenbus: the backend side of the XenbusState machine (libxenstore).
xenbus-srcs := backends/xenbus/xenbus.c backends/xenbus/backend.c
LIBXENBUS := $(B)/lib/libxenbus-be.a
$(LIBXENBUS): $(patsubst %.c,$(OBJ)/%.o,$(xenbus-srcs))
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && $(AR) rcs $@ $^
EXTRA_TARGETS += $(LIBXENBUS)

# Unit tests link the in-memory store instead of -lxenstore.
FAKE_XS := tests/unit/fake_xs.c
$(eval $(call unittest,test_xenbus,tests/unit/test_xenbus.c $(xenbus-srcs) \
	$(FAKE_XS) toolstack/lib/log.c toolstack/lib/parse.c,))
