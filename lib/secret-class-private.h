/* v2c - move VMware virtual machines onto Kubernetes
 * Copyright (C) 2026 the v2c authors
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * What lib/secret-class.c shares with lib/secret-class-cmd.c and
 * lib/inspect-secrets.c.
 */
#ifndef V2C_SECRET_CLASS_PRIVATE_H
#define V2C_SECRET_CLASS_PRIVATE_H

#include <stddef.h>

#define V2C_SECRET_MAX_CMD (64 * 1024) /* bytes of a value or command */

/* w in the NULL-terminated list. */
int v2c_secret_in_list (const char *w, const char *const *list);

/* w ends with suffix. */
int v2c_secret_ends_with (const char *w, const char *suffix);

#define V2C_SECRET_KEY_WORDS 16

/* The words of key name key[0..n), lower case, into words: split at
 * '_', '.' and '-' and where a lower-case letter meets an upper-case
 * one (camelCase); at most V2C_SECRET_KEY_WORDS words of 31 bytes.
 * Their number: 0 for a name that is empty, over 128 bytes, or the
 * shell's PWD/OLDPWD (a directory, not a password). */
size_t v2c_secret_key_words (const char *key, size_t n,
                             char words[V2C_SECRET_KEY_WORDS][32]);

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
