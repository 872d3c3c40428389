/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Base58 encoding and decoding with the Bitcoin alphabet (the `bs58` crate's default). */
#include "crypto/nym-base58.h"

#include <string.h>

static const char base58_alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* Digit value of each ASCII character, or -1 for characters outside the alphabet (0, O, I
 * and l are left out on purpose, to avoid look-alikes). */
static int
base58_digit (unsigned char c)
{
  const char *p;

  if (c == '\0')
    return -1;
  p = strchr (base58_alphabet, c);
  return p != NULL ? (int) (p - base58_alphabet) : -1;
}

/*
 * The data is a big-endian number written in base 58, with each leading zero byte written
 * as a leading '1'. Conversion is the schoolbook one: for each input byte, multiply the
 * base-58 accumulator by 256 and add. This is quadratic, which is fine for keys and
 * addresses of a few dozen bytes.
 */
char *
nym_base58_encode (const uint8_t *data,
                   size_t         len)
{
  size_t zeros = 0;
  size_t capacity;
  size_t digits_len = 0;
  g_autofree uint8_t *digits = NULL;
  char *text;
  size_t pos = 0;

  while (zeros < len && data[zeros] == 0)
    zeros++;

  /* log(256) / log(58) < 1.366, so this many base-58 digits always suffice. */
  capacity = (len - zeros) * 138 / 100 + 1;
  digits = g_malloc0 (capacity);

  for (size_t i = zeros; i < len; i++)
    {
      unsigned carry = data[i];

      for (size_t j = 0; j < digits_len; j++)
        {
          carry += (unsigned) digits[j] << 8;
          digits[j] = (uint8_t) (carry % 58);
          carry /= 58;
        }
      while (carry > 0)
        {
          g_assert (digits_len < capacity);
          digits[digits_len++] = (uint8_t) (carry % 58);
          carry /= 58;
        }
    }

  text = g_malloc (zeros + digits_len + 1);
  for (size_t i = 0; i < zeros; i++)
    text[pos++] = '1';
  /* digits[] is little-endian, the text is big-endian. */
  for (size_t i = digits_len; i > 0; i--)
    text[pos++] = base58_alphabet[digits[i - 1]];
  text[pos] = '\0';
  return text;
}

bool
nym_base58_decode (const char  *text,
                   uint8_t     *out,
                   size_t       out_cap,
                   size_t      *out_len,
                   GError     **error)
{
  size_t text_len;
  size_t ones = 0;
  size_t bytes_len = 0;
  size_t total;
  g_autofree uint8_t *bytes = NULL;

  g_return_val_if_fail (text != NULL, false);
  g_return_val_if_fail (out != NULL || out_cap == 0, false);
  g_return_val_if_fail (error == NULL || *error == NULL, false);

  text_len = strlen (text);
  while (ones < text_len && text[ones] == '1')
    ones++;

  /* Reject bad characters first, in one linear pass, so that the error names the first one. */
  for (size_t i = ones; i < text_len; i++)
    {
      if (base58_digit ((unsigned char) text[i]) >= 0)
        continue;
      if (g_ascii_isprint (text[i]))
        g_set_error (error, NYM_CRYPTO_ERROR, NYM_CRYPTO_ERROR_INVALID_BASE58,
                     "“%c” at position %zu is not a base58 character", text[i], i);
      else
        g_set_error (error, NYM_CRYPTO_ERROR, NYM_CRYPTO_ERROR_INVALID_BASE58,
                     "Byte 0x%02x at position %zu is not a base58 character",
                     (unsigned char) text[i], i);
      return false;
    }

  /* The conversion below is quadratic, so text that cannot fit is refused before it runs: d
   * digits after the leading '1's (the first of them non-zero) are worth at least 58^(d-1),
   * which takes more than (d-1) * 0.73 bytes, since log(58) / log(256) > 0.732. */
  if (text_len > ones)
    {
      size_t at_least = ones + (text_len - ones - 1) * 73 / 100 + 1;

      if (at_least > out_cap)
        {
          g_set_error (error, NYM_CRYPTO_ERROR, NYM_CRYPTO_ERROR_TOO_LONG,
                       "Base58 text decodes to at least %zu bytes, but only %zu fit",
                       at_least, out_cap);
          return false;
        }
    }

  /* log(58) / log(256) < 0.733, so the value never needs more bytes than this. */
  bytes = g_malloc0 ((text_len - ones) * 733 / 1000 + 1);

  for (size_t i = ones; i < text_len; i++)
    {
      unsigned carry = (unsigned) base58_digit ((unsigned char) text[i]);

      for (size_t j = 0; j < bytes_len; j++)
        {
          carry += (unsigned) bytes[j] * 58;
          bytes[j] = (uint8_t) carry;
          carry >>= 8;
        }
      while (carry > 0)
        {
          bytes[bytes_len++] = (uint8_t) carry;
          carry >>= 8;
        }
    }

  total = ones + bytes_len;
  if (total > out_cap)
    {
      g_set_error (error, NYM_CRYPTO_ERROR, NYM_CRYPTO_ERROR_TOO_LONG,
                   "Base58 text decodes to %zu bytes, but only %zu fit", total, out_cap);
      return false;
    }

  memset (out, 0, ones);
  /* bytes[] is little-endian, the output is big-endian. */
  for (size_t i = 0; i < bytes_len; i++)
    out[ones + i] = bytes[bytes_len - 1 - i];
  if (out_len != NULL)
    *out_len = total;
  return true;
}
