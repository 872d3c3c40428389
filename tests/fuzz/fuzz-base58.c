/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz harness: base58 decoding never faults, and whatever decodes encodes back to itself
 * (base58 has exactly one spelling per byte string). */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/nym-base58.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  uint8_t decoded[256];
  size_t decoded_len = 0;
  g_autofree char *again = NULL;

  if (strlen (text) != size)
    return 0;
  if (!nym_base58_decode (text, decoded, sizeof decoded, &decoded_len, NULL))
    return 0;
  again = nym_base58_encode (decoded, decoded_len);
  if (strcmp (again, text) != 0)
    abort ();
  return 0;
}
