/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz harness: bech32 decoding never faults, and whatever decodes encodes back to the same
 * string in lower case. */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/nyx-bech32.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autofree char *hrp = NULL;
  g_autofree uint8_t *values = NULL;
  g_autofree char *again = NULL;
  g_autofree char *lower = NULL;
  size_t n_values = 0;

  if (strlen (text) != size)
    return 0;
  if (!nyx_bech32_decode_5bit (text, &hrp, &values, &n_values, NULL))
    return 0;
  again = nyx_bech32_encode_5bit (hrp, values, n_values, NULL);
  lower = g_ascii_strdown (text, -1);
  if (again == NULL || strcmp (again, lower) != 0)
    abort ();
  return 0;
}
