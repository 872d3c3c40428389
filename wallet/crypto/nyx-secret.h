/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Secret strings in sodium_malloc() memory: copying, reading from a file descriptor, freeing with a wipe. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <glib.h>

G_BEGIN_DECLS

#define NYX_SECRET_ERROR (nyx_secret_error_quark ())

typedef enum
{
  NYX_SECRET_ERROR_NO_MEMORY,
  NYX_SECRET_ERROR_TOO_LONG,
  NYX_SECRET_ERROR_READ,
  NYX_SECRET_ERROR_NOT_TEXT,
} NyxSecretError;

GQuark nyx_secret_error_quark (void);

/* A NUL-terminated copy of @len bytes of @text in sodium_malloc() memory, or NULL if out of memory. */
char  *nyx_secret_strndup     (const char *text,
                               size_t      len) G_GNUC_WARN_UNUSED_RESULT;
/* Frees memory from sodium_malloc(); sodium_free() wipes it. NULL is allowed. */
void   nyx_secret_free        (void *secret);
/*
 * Reads @fd to its end (at most @max_len bytes) into sodium_malloc() memory, without any
 * copy in ordinary memory, and strips one trailing newline ("\n" or "\r\n"). The text must
 * be UTF-8 without NUL bytes.
 */
char  *nyx_secret_read_fd     (int     fd,
                               size_t  max_len,
                               GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Same, from a file name. */
char  *nyx_secret_read_file   (const char *path,
                               size_t      max_len,
                               GError    **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
