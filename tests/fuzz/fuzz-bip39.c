/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz harness: mnemonic parsing never faults, and whatever it accepts round-trips through its entropy. */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/nyx-bip39.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  uint8_t entropy[NYX_BIP39_MAX_ENTROPY_SIZE];
  size_t entropy_len = 0;
  unsigned int n_words = 0;
  char *canonical, *again, *encoded;
  GError *error = NULL;

  canonical = nyx_bip39_normalize (text, &n_words, &error);
  if (canonical == NULL)
    {
      /* Every refusal says why. */
      if (error == NULL || error->domain != NYX_BIP39_ERROR || error->message[0] == '\0')
        abort ();
      g_error_free (error);
      return 0;
    }
  /* The canonical form is a fixed point, and it is the encoding of the mnemonic's entropy. */
  again = nyx_bip39_normalize (canonical, NULL, NULL);
  if (again == NULL || strcmp (again, canonical) != 0)
    abort ();
  if (!nyx_bip39_to_entropy (text, entropy, &entropy_len, NULL) || entropy_len != n_words * 4 / 3)
    abort ();
  encoded = nyx_bip39_mnemonic_from_entropy (entropy, entropy_len, NULL);
  if (encoded == NULL || strcmp (encoded, canonical) != 0)
    abort ();
  nyx_bip39_mnemonic_free (encoded);
  nyx_bip39_mnemonic_free (again);
  nyx_bip39_mnemonic_free (canonical);
  return 0;
}
