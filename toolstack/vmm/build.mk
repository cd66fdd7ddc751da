# SPDX-License-Identifier: GPL-2.0-only
# toolstack/vmm: pvstack-vmm, the kvm engine's per-domain VMM.
vmm-srcs := toolstack/vmm/main.c toolstack/vmm/kvm.c toolstack/vmm/hcall.c \
	toolstack/vmm/evtchn.c toolstack/vmm/sched.c toolstack/vmm/mem.c \
	toolstack/vmm/ctl.c $(builder-srcs) \
	toolstack/lib/log.c toolstack/lib/parse.c toolstack/lib/paths.c
$(eval $(call program,pvstack-vmm,$(vmm-srcs),-llzma -lz -lpthread))
