/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mirror.h: the Debian mirror and suite the host's apt uses, for when
 * --mirror and --dist are not given (xen-tools' xt-guess-suite-and-mirror).
 * Parsers take text so they are testable; guess() reads the files.
 */
#ifndef XT_XCI_MIRROR_H
#define XT_XCI_MIRROR_H

#include <stddef.h>

/*
 * The first "deb" entry whose suite is not a -security, -updates,
 * -backports or -proposed-updates suite, from one-line sources.list text
 * (deb822 = 0) or a deb822 .sources file (deb822 = 1; "Enabled: no"
 * stanzas skipped). Copies its URI and suite. Returns 0, -ENOENT or
 * -ENAMETOOLONG.
 */
int xci_mirror_parse(const char *text, int deb822, char *uri, size_t ulen,
                     char *suite, size_t slen);

/*
 * Look through <etc_apt>/sources.list then sources.list.d/ (*.list and
 * *.sources, in name order, as apt reads them). Returns 0 or -ENOENT.
 */
int xci_mirror_guess(const char *etc_apt, char *uri, size_t ulen, char *suite,
                     size_t slen);

/* VERSION_CODENAME from os-release text. Returns 0 or -ENOENT. */
int xci_os_codename(const char *text, char *out, size_t len);

#endif
