# SPDX-License-Identifier: GPL-2.0-only
# toolstack/cfg: the xl/xm cfg parser and disk/vif spec parsers (library).
# Users link $(LIBCFG) $(LIBPV) -lyajl.
cfg-srcs := toolstack/cfg/cfg.c toolstack/cfg/lex.c toolstack/cfg/syntax.c toolstack/cfg/config.c \
	toolstack/cfg/disk.c toolstack/cfg/vif.c toolstack/cfg/json.c \
	toolstack/cfg/json_read.c toolstack/cfg/xlconf.c toolstack/cfg/xlkeys.c
$(eval $(call library,LIBCFG,$(cfg-srcs)))

$(eval $(call unittest,test_cfg,tests/unit/test_cfg.c,$(LIBCFG) $(LIBPV) -lyajl))
$(eval $(call unittest,test_cfg_spec,tests/unit/test_cfg_spec.c,$(LIBCFG) $(LIBPV) -lyajl))
$(eval $(call fuzzer,fuzz_cfg,tests/fuzz/fuzz_cfg.c $(cfg-srcs) toolstack/lib/array.c toolstack/lib/parse.c,-lyajl))
