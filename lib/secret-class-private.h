/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What lib/secret-class.c shares with lib/secret-class-cmd.c.
 */
#ifndef V2C_SECRET_CLASS_PRIVATE_H
#define V2C_SECRET_CLASS_PRIVATE_H

#include <stddef.h>

#define V2C_SECRET_MAX_CMD (64 * 1024) /* bytes of a value or command */

/* w in the NULL-terminated list. */
int v2c_secret_in_list (const char *w, const char *const *list);

/* s[0..n) is word, ignoring case. */
int v2c_secret_word_eq (const char *s, size_t n, const char *word);

/* s[0..n) is [A-Za-z_][A-Za-z0-9_]*. */
int v2c_secret_ident (const char *s, size_t n);

/* The end of a known token shape starting at s[p], or 0. */
size_t v2c_secret_token_at (const char *s, size_t n, size_t p);

/* At s[i] "://": the password of scheme://user:pass@ as [*ps, *pe), the
 * scheme as [*ss, i), the authority's end as *ae (set whenever s[i] is
 * "://").  0 when there is no password (or a placeholder). */
int v2c_secret_url_password (const char *s, size_t n, size_t i, size_t *ss,
                             size_t *ps, size_t *pe, size_t *ae);

#endif /* V2C_SECRET_CLASS_PRIVATE_H */
