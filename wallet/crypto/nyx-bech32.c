/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Bech32 (BIP-173, not bech32m) encoding and decoding with checksum and HRP checks. */
#include "crypto/nyx-bech32.h"

#include <string.h>

G_DEFINE_QUARK (nyx-bech32-error-quark, nyx_bech32_error)

static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/* BIP-173 polymod: a BCH code over GF(32) with these generator constants. */
static uint32_t
polymod_step (uint32_t chk,
              uint8_t  value)
{
  uint32_t top = chk >> 25;

  chk = ((chk & 0x1ffffff) << 5) ^ value;
  if (top & 1)
    chk ^= 0x3b6a57b2;
  if (top & 2)
    chk ^= 0x26508e6d;
  if (top & 4)
    chk ^= 0x1ea119fa;
  if (top & 8)
    chk ^= 0x3d4233dd;
  if (top & 16)
    chk ^= 0x2a1462b3;
  return chk;
}

/* The checksum input starts with the expanded HRP: high bits of each char, 0, low bits. */
static uint32_t
polymod_hrp (const char *hrp,
             size_t      hrp_len)
{
  uint32_t chk = 1;

  for (size_t i = 0; i < hrp_len; i++)
    chk = polymod_step (chk, (uint8_t) (g_ascii_tolower (hrp[i]) >> 5));
  chk = polymod_step (chk, 0);
  for (size_t i = 0; i < hrp_len; i++)
    chk = polymod_step (chk, (uint8_t) (g_ascii_tolower (hrp[i]) & 31));
  return chk;
}

static int
charset_index (char c)
{
  const char *found;

  c = g_ascii_tolower (c);
  if (c == '\0')
    return -1;
  found = strchr (charset, c);
  return found != NULL ? (int) (found - charset) : -1;
}

char *
nyx_bech32_encode_5bit (const char    *hrp,
                        const uint8_t *values,
                        size_t         n_values,
                        GError       **error)
{
  size_t hrp_len = strlen (hrp);
  uint32_t chk;
  GString *out;

  if (hrp_len < 1 || hrp_len + 1 + n_values + 6 > NYX_BECH32_MAX_LENGTH)
    {
      g_set_error (error, NYX_BECH32_ERROR, NYX_BECH32_ERROR_LENGTH,
                   "A bech32 string with a %zu-character prefix and %zu data characters would be %zu characters long; the limit is %d and the prefix cannot be empty",
                   hrp_len, n_values, hrp_len + 1 + n_values + 6, NYX_BECH32_MAX_LENGTH);
      return NULL;
    }
  for (size_t i = 0; i < hrp_len; i++)
    if (hrp[i] < 33 || hrp[i] > 126 || g_ascii_isupper (hrp[i]))
      {
        g_set_error (error, NYX_BECH32_ERROR, NYX_BECH32_ERROR_INVALID_CHAR,
                     "The bech32 prefix “%s” has a character that is not lower-case printable ASCII at position %zu",
                     hrp, i + 1);
        return NULL;
      }
  for (size_t i = 0; i < n_values; i++)
    if (values[i] > 31)
      {
        g_set_error (error, NYX_BECH32_ERROR, NYX_BECH32_ERROR_INVALID_CHAR,
                     "Value %u at position %zu is not a 5-bit value", values[i], i + 1);
        return NULL;
      }

  out = g_string_sized_new (hrp_len + 1 + n_values + 6);
  g_string_append_len (out, hrp, (gssize) hrp_len);
  g_string_append_c (out, '1');
  chk = polymod_hrp (hrp, hrp_len);
  for (size_t i = 0; i < n_values; i++)
    {
      chk = polymod_step (chk, values[i]);
      g_string_append_c (out, charset[values[i]]);
    }
  for (int i = 0; i < 6; i++)
    chk = polymod_step (chk, 0);
  chk ^= 1;
  for (int i = 0; i < 6; i++)
    g_string_append_c (out, charset[(chk >> (5 * (5 - i))) & 31]);

  return g_string_free (out, FALSE);
}

bool
nyx_bech32_decode_5bit (const char  *text,
                        char       **hrp,
                        uint8_t    **values,
                        size_t      *n_values,
                        GError     **error)
{
  size_t len = strlen (text);
  const char *sep;
  size_t hrp_len, data_len;
  bool has_lower = false, has_upper = false;
  g_autofree uint8_t *data = NULL;
  uint32_t chk;

  if (len > NYX_BECH32_MAX_LENGTH)
    {
      g_set_error (error, NYX_BECH32_ERROR, NYX_BECH32_ERROR_LENGTH,
                   "A bech32 string is at most %d characters long; this one has %zu",
                   NYX_BECH32_MAX_LENGTH, len);
      return false;
    }
  for (size_t i = 0; i < len; i++)
    {
      unsigned char c = (unsigned char) text[i];

      if (c < 33 || c > 126)
        {
          g_set_error (error, NYX_BECH32_ERROR, NYX_BECH32_ERROR_INVALID_CHAR,
                       "Character %zu of the bech32 string (byte 0x%02x) is not printable ASCII", i + 1, c);
          return false;
        }
      has_lower = has_lower || g_ascii_islower (c);
      has_upper = has_upper || g_ascii_isupper (c);
    }
  if (has_lower && has_upper)
    {
      g_set_error (error, NYX_BECH32_ERROR, NYX_BECH32_ERROR_MIXED_CASE,
                   "The bech32 string “%s” mixes upper and lower case", text);
      return false;
    }

  /* The separator is the last '1'; the HRP itself may contain '1'. */
  sep = strrchr (text, '1');
  if (sep == NULL)
    {
      g_set_error (error, NYX_BECH32_ERROR, NYX_BECH32_ERROR_NO_SEPARATOR,
                   "The bech32 string “%s” has no separator “1”", text);
      return false;
    }
  hrp_len = (size_t) (sep - text);
  data_len = len - hrp_len - 1;
  if (hrp_len < 1)
    {
      g_set_error (error, NYX_BECH32_ERROR, NYX_BECH32_ERROR_LENGTH,
                   "The bech32 string “%s” has an empty prefix", text);
      return false;
    }
  if (data_len < 6)
    {
      g_set_error (error, NYX_BECH32_ERROR, NYX_BECH32_ERROR_LENGTH,
                   "The bech32 string “%s” is too short for its 6-character checksum", text);
      return false;
    }

  data = g_malloc (data_len);
  for (size_t i = 0; i < data_len; i++)
    {
      int v = charset_index (sep[1 + i]);

      if (v < 0)
        {
          g_set_error (error, NYX_BECH32_ERROR, NYX_BECH32_ERROR_INVALID_CHAR,
                       "Character %zu of the bech32 string, “%c”, is not in the bech32 alphabet",
                       hrp_len + 2 + i, sep[1 + i]);
          return false;
        }
      data[i] = (uint8_t) v;
    }

  chk = polymod_hrp (text, hrp_len);
  for (size_t i = 0; i < data_len; i++)
    chk = polymod_step (chk, data[i]);
  if (chk != 1)
    {
      g_set_error (error, NYX_BECH32_ERROR, NYX_BECH32_ERROR_CHECKSUM,
                   "The bech32 checksum of “%s” is wrong (a typo, or a bech32m string)", text);
      return false;
    }

  *hrp = g_ascii_strdown (text, (gssize) hrp_len);
  *n_values = data_len - 6;
  *values = g_steal_pointer (&data);
  return true;
}

bool
nyx_bech32_convert_bits (const uint8_t *in,
                         size_t         in_len,
                         unsigned int   from_bits,
                         unsigned int   to_bits,
                         bool           pad,
                         uint8_t       *out,
                         size_t         out_cap,
                         size_t        *out_len)
{
  uint32_t acc = 0;
  unsigned int bits = 0;
  uint32_t max_out = (1u << to_bits) - 1;
  size_t n = 0;

  g_return_val_if_fail (from_bits >= 1 && from_bits <= 8 && to_bits >= 1 && to_bits <= 8, false);

  for (size_t i = 0; i < in_len; i++)
    {
      if ((in[i] >> from_bits) != 0)
        return false;
      acc = ((acc << from_bits) | in[i]) & 0xffffff;
      bits += from_bits;
      while (bits >= to_bits)
        {
          bits -= to_bits;
          if (n == out_cap)
            return false;
          out[n++] = (uint8_t) ((acc >> bits) & max_out);
        }
    }
  if (pad)
    {
      if (bits > 0)
        {
          if (n == out_cap)
            return false;
          out[n++] = (uint8_t) ((acc << (to_bits - bits)) & max_out);
        }
    }
  else if (bits >= from_bits || ((acc << (to_bits - bits)) & max_out) != 0)
    return false;

  *out_len = n;
  return true;
}

char *
nyx_bech32_encode (const char    *hrp,
                   const uint8_t *data,
                   size_t         len,
                   GError       **error)
{
  g_autofree uint8_t *values = NULL;
  size_t cap = (len * 8 + 4) / 5;
  size_t n = 0;

  if (len > NYX_BECH32_MAX_LENGTH)
    {
      g_set_error (error, NYX_BECH32_ERROR, NYX_BECH32_ERROR_LENGTH,
                   "%zu bytes do not fit in a bech32 string", len);
      return NULL;
    }
  values = g_malloc (cap + 1);
  if (!nyx_bech32_convert_bits (data, len, 8, 5, true, values, cap, &n))
    g_return_val_if_reached (NULL);
  return nyx_bech32_encode_5bit (hrp, values, n, error);
}

bool
nyx_bech32_decode (const char  *text,
                   const char  *expected_hrp,
                   uint8_t     *out,
                   size_t       out_cap,
                   size_t      *out_len,
                   GError     **error)
{
  g_autofree char *hrp = NULL;
  g_autofree uint8_t *values = NULL;
  g_autofree uint8_t *bytes = NULL;
  size_t n_values = 0, n_bytes = 0;

  if (!nyx_bech32_decode_5bit (text, &hrp, &values, &n_values, error))
    return false;
  if (expected_hrp != NULL && g_ascii_strcasecmp (hrp, expected_hrp) != 0)
    {
      g_set_error (error, NYX_BECH32_ERROR, NYX_BECH32_ERROR_WRONG_PREFIX,
                   "“%s” has the prefix “%s”, expected “%s”", text, hrp, expected_hrp);
      return false;
    }
  bytes = g_malloc (n_values + 1);
  if (!nyx_bech32_convert_bits (values, n_values, 5, 8, false, bytes, n_values + 1, &n_bytes))
    {
      g_set_error (error, NYX_BECH32_ERROR, NYX_BECH32_ERROR_PADDING,
                   "The data of “%s” does not convert to whole bytes (bad padding)", text);
      return false;
    }
  if (n_bytes > out_cap)
    {
      g_set_error (error, NYX_BECH32_ERROR, NYX_BECH32_ERROR_DATA_SIZE,
                   "“%s” holds %zu bytes, more than the %zu expected", text, n_bytes, out_cap);
      return false;
    }
  if (n_bytes > 0)
    memcpy (out, bytes, n_bytes);
  *out_len = n_bytes;
  return true;
}
