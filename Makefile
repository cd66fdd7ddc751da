# SPDX-License-Identifier: GPL-2.0-only
# pvstack top-level build. Each directory lists its sources in build.mk;
# mk/rules.mk holds the shared rules. Output goes to build/.

PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc

all:

include mk/rules.mk
include $(sort $(wildcard */build.mk */*/build.mk))

all: $(PROGRAMS) $(EXTRA_TARGETS)

.PHONY: all check check-unit check-integration demo bench fuzz fuzz-long install clean \
	hdrcheck format-check deps nolibxen unit-tests check-nolibxen check-xen

deps:
	@scripts/install-deps

# The build without libxen-dev's tool headers (HAVE_LIBXEN=0: no xen
# engine), which CI builds beside the full one; make check builds it here
# and runs its unit tests too.
NOLIBXEN_B := $(B)/nolibxen
NOLIBXEN_TESTS := $(patsubst $(B)/%,$(NOLIBXEN_B)/%,$(UNIT_TESTS))
nolibxen:
	@$(MAKE) --no-print-directory B=$(NOLIBXEN_B) HAVE_LIBXEN=0 all unit-tests

unit-tests: $(UNIT_TESTS)

# make check: install what is missing, build, run every test, one summary line.
# (the benches too: 91-guest-bench drives the guest with bench_guest)
# CI runs a plain `make check`: the builds then take every CPU, unless the
# caller gave -j itself (its jobserver is passed on as it is). The tests
# run one at a time either way.
CHECK_J = $(if $(findstring -j,$(MAKEFLAGS)),,-j$(shell nproc))
check: deps hdrcheck format-check
	@$(MAKE) --no-print-directory $(CHECK_J) all $(UNIT_TESTS) $(BENCHES)
	@$(MAKE) --no-print-directory $(CHECK_J) nolibxen
	@scripts/run-tests $(UNIT_TESTS) $(NOLIBXEN_TESTS) -- \
		$(sort $(wildcard tests/integration/[0-9]*.sh))

check-unit: all $(UNIT_TESTS)
	@scripts/run-tests $(UNIT_TESTS) --

check-nolibxen: nolibxen
	@scripts/run-tests $(NOLIBXEN_TESTS) --

check-integration: all $(BENCHES)
	@scripts/run-tests -- $(sort $(wildcard tests/integration/[0-9]*.sh))

# All of the real-Xen lab (tests/xen, docs/xenlab.md): Debian's Xen + dom0
# under QEMU TCG, every tests/xen/NN-*.sh run in dom0. make check runs its
# smoke (tests/integration/80-xen-smoke.sh).
check-xen: deps all
	@tests/xen/lab.sh all

demo: deps all
	@scripts/demo

bench: all $(BENCHES)
	@scripts/run-bench $(BENCHES)

fuzz: $(FUZZERS)
	@scripts/run-fuzz $(FUZZERS)

# Every target for an hour (docs/fuzzing.md records the runs).
fuzz-long: $(FUZZERS)
	@FUZZ_SECONDS=$${FUZZ_SECONDS:-3600} scripts/run-fuzz $(FUZZERS)

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin
	for p in $(PROGRAMS); do install -m 0755 $$p $(DESTDIR)$(PREFIX)/sbin/; done
	ln -sf xm $(DESTDIR)$(PREFIX)/sbin/xl
	install -d $(DESTDIR)$(PREFIX)/lib/pvstack $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man8
	install -m 0644 build/guest/pvguest.elf build/guest/pvguest.elf.xz \
		$(DESTDIR)$(PREFIX)/lib/pvstack/
	for m in docs/man/*.[158]; do \
		install -m 0644 $$m $(DESTDIR)$(PREFIX)/share/man/man$${m##*.}/; done
	ln -sf xm.1 $(DESTDIR)$(PREFIX)/share/man/man1/xl.1
	$(INSTALL_EXTRA)

clean:
	rm -rf build

# Every header compiles on its own (Xen's headers.chk).
HDRS := $(shell git ls-files 'toolstack/*.h' 'backends/*.h' 'include/*.h' 'xen-create-image/*.h' 2>/dev/null)
hdrcheck:
	@for h in $(HDRS); do \
		echo "#include \"$$h\"" | $(CC) -std=c11 -D_GNU_SOURCE $(WARN) -I. -Iinclude -Itoolstack -Ibackends \
			-fsyntax-only -x c - || { echo "hdrcheck: $$h"; exit 1; }; \
	done; echo "hdrcheck: $(words $(HDRS)) headers ok"

format-check:
	@clang-format --dry-run --Werror $(shell git ls-files '*.c' '*.h')
