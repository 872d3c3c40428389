/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A two-pass JSON writer that escapes strings exactly as serde_json does, so output can go straight into secure memory. */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

/*
 * The writer first runs with buffer == NULL to count the bytes it would write; the caller
 * then allocates exactly that much (in sodium_malloc() memory for secrets) and runs the same
 * code again with the buffer set. No intermediate heap copy of a secret is ever made.
 */
typedef struct
{
  uint8_t *buffer;
  size_t   capacity;
  size_t   length;
} NyxJsonWriter;

void nyx_json_writer_append        (NyxJsonWriter *writer,
                                    const void    *bytes,
                                    size_t         length);
void nyx_json_writer_append_literal (NyxJsonWriter *writer,
                                    const char    *text);
void nyx_json_writer_append_string (NyxJsonWriter *writer,
                                    const void    *bytes,
                                    size_t         length);

G_END_DECLS
