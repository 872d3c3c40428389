/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Bech32 (BIP-173, not bech32m) encoding and decoding with checksum and HRP checks. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

#define NYX_BECH32_ERROR (nyx_bech32_error_quark ())

typedef enum
{
  NYX_BECH32_ERROR_LENGTH,          /* longer than 90 characters, or a part too short */
  NYX_BECH32_ERROR_MIXED_CASE,
  NYX_BECH32_ERROR_INVALID_CHAR,    /* a character outside the HRP range or the data alphabet */
  NYX_BECH32_ERROR_NO_SEPARATOR,    /* no '1' */
  NYX_BECH32_ERROR_CHECKSUM,
  NYX_BECH32_ERROR_WRONG_PREFIX,    /* decoded fine, but the HRP is not the one expected */
  NYX_BECH32_ERROR_PADDING,         /* the 5-bit data does not convert back to whole bytes */
  NYX_BECH32_ERROR_DATA_SIZE,       /* the payload does not fit the caller's buffer / expected size */
} NyxBech32Error;

#define NYX_BECH32_MAX_LENGTH 90

GQuark nyx_bech32_error_quark (void);

/* Encoding of 5-bit values (each < 32); NULL with an error if the result would exceed 90 chars. */
char  *nyx_bech32_encode_5bit (const char    *hrp,
                               const uint8_t *values,
                               size_t         n_values,
                               GError       **error) G_GNUC_WARN_UNUSED_RESULT;
/* Decodes any valid bech32 string; *hrp (lower case) and *values are g_malloc'd. */
bool   nyx_bech32_decode_5bit (const char  *text,
                               char       **hrp,
                               uint8_t    **values,
                               size_t      *n_values,
                               GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/* Bytes to bech32, as Cosmos addresses use it (8-to-5-bit conversion with padding). */
char  *nyx_bech32_encode      (const char    *hrp,
                               const uint8_t *data,
                               size_t         len,
                               GError       **error) G_GNUC_WARN_UNUSED_RESULT;
/* Decodes to bytes and checks the HRP equals @expected_hrp (case-insensitively) unless it is NULL. */
bool   nyx_bech32_decode      (const char  *text,
                               const char  *expected_hrp,
                               uint8_t     *out,
                               size_t       out_cap,
                               size_t      *out_len,
                               GError     **error) G_GNUC_WARN_UNUSED_RESULT;

/* General base conversion of BIP-173's reference (convertbits); false on bad padding or range. */
bool   nyx_bech32_convert_bits (const uint8_t *in,
                                size_t         in_len,
                                unsigned int   from_bits,
                                unsigned int   to_bits,
                                bool           pad,
                                uint8_t       *out,
                                size_t         out_cap,
                                size_t        *out_len) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
