/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xlkeys.c: the xl.cfg keys pvstack does not read (xl.cfg(5)), and the
 * values of them that ask for what pvstack does anyway. A key set to
 * anything else is warned about (cfg.c): it is not silently dropped.
 */
#include <stddef.h>
#include <string.h>

#include "cfg/internal.h"

/*
 * key, then the values (a '|' list) that pvstack honours without reading
 * the key: QEMU's PC has ACPI, an APIC and PAE, boots SeaBIOS with a std
 * VGA; no domain has PCI, Xen's platform device or a vTPM; "" matches
 * nothing. An empty list ([]) asks for nothing and is always fine.
 */
static const struct {
    const char *key;
    const char *ok;
} xl_keys[] = {
    {"acpi", "1"},
    {"acpi_firmware", ""},
    {"acpi_laptop_slate", "0"},
    {"acpi_s3", ""},
    {"acpi_s4", ""},
    {"altp2m", "disabled"},
    {"altp2mhvm", "0"},
    {"apic", "1"},
    {"bios", "seabios"},
    {"bios_path_override", ""},
    {"bootloader_restrict", "0"},
    {"bootloader_user", ""},
    {"channel", ""},
    {"cpuid", ""},
    {"device_model", ""},
    {"device_model_override", ""},
    {"device_model_stubdomain_override", "0"},
    {"device_model_user", ""},
    {"device_model_version", "qemu-xen"},
    {"device_tree", ""},
    {"display", ""},
    {"dm_restrict", "0"},
    {"driver_domain", "0"},
    {"dtdev", ""},
    {"e820_host", "0"},
    {"extratime", ""},
    {"firmware", "bios|seabios"},
    {"gfx_passthru", "0"},
    {"hap", ""},
    {"hdtype", "ide"},
    {"iomem", ""},
    {"ioports", ""},
    {"irqs", ""},
    {"keymap", ""},
    {"latency", ""},
    {"max_event_channels", ""},
    {"max_grant_frames", ""},
    {"max_maptrack_frames", ""},
    {"mmio_hole", ""},
    {"nestedhvm", "0"},
    {"nographic", ""},
    {"nomigrate", "0"},
    {"on_soft_reset", "soft-reset"},
    {"oos", ""},
    {"opengl", "0"},
    {"p9", ""},
    {"pae", "1"},
    {"passthrough", "disabled"},
    {"pci", ""},
    {"pci_msitranslate", ""},
    {"pci_permissive", ""},
    {"pci_power_mgmt", ""},
    {"pci_seize", ""},
    {"period", ""},
    {"pool", "Pool-0"},
    {"pvcalls", ""},
    {"pvshim", "0"},
    {"pvshim_cmdline", ""},
    {"pvshim_extra", ""},
    {"pvshim_path", ""},
    {"rdm", ""},
    {"rtc_timeoffset", "0"},
    {"seclabel", ""},
    {"shadow_memory", ""},
    {"slice", ""},
    {"soundhw", ""},
    {"spice", "0"},
    {"stdvga", "1"},
    {"timer_mode", ""},
    {"tsc_mode", "default"},
    {"usbctrl", ""},
    {"usbdev", ""},
    {"usbdevice", ""},
    {"usbversion", ""},
    {"vendor_device", "none"},
    {"vfb", ""},
    {"vga", "stdvga"},
    {"videoram", ""},
    {"vif2", ""},
    {"viridian", "0"},
    {"virtio", ""},
    {"vkb", ""},
    {"vncconsole", "0"},
    {"vncviewer", "0"},
    {"vnuma", ""},
    {"vpmu", "0"},
    {"vtpm", ""},
    {"vuart", ""},
    {"xauthority", ""},
    {"xen_platform_pci", "0"},
    {"xenstore_feature_mask", ""},
    {"xenstore_quota", ""},
};

/* v is one of the '|'-separated words of list */
static int among(const char *v, const char *list)
{
    size_t n = strlen(v);

    while (*list) {
        const char *bar = strchr(list, '|');
        size_t len = bar ? (size_t)(bar - list) : strlen(list);

        if (len == n && !strncmp(list, v, n))
            return 1;
        if (!bar)
            break;
        list = bar + 1;
    }
    return 0;
}

enum cfg_xl_key cfg_xl_key(const char *name, const struct cfg_value *v)
{
    const char *ok = NULL;
    size_t i;

    for (i = 0; i < sizeof(xl_keys) / sizeof(xl_keys[0]); i++)
        if (!strcmp(name, xl_keys[i].key))
            ok = xl_keys[i].ok;
    /* families of keys: SPICE, the device model's, stubdoms, SMBIOS */
    if (!ok &&
        (!strncmp(name, "spice", 5) || !strncmp(name, "device_model_", 13) ||
         !strncmp(name, "stubdomain_", 11) || !strncmp(name, "smbios", 6)))
        ok = "";
    if (!ok)
        return CFG_XL_UNKNOWN;
    if (v->type == CFG_LIST ? v->n == 0 : among(v->s, ok))
        return CFG_XL_HONOURED;
    return CFG_XL_IGNORED;
}
