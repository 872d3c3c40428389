/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz harness: the decrypted-login parser never faults, and whatever it accepts writes back
 * to JSON that parses to the same accounts. */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/nyx-secret.h"
#include "vault/nyx-vault-plaintext.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GPtrArray) again = NULL;
  uint8_t *written;
  size_t written_length = 0;
  bool single = false;

  accounts = nyx_vault_plaintext_parse (data, size, "default", &single, NULL);
  if (accounts == NULL)
    return 0;

  written = nyx_vault_plaintext_serialize (accounts, &written_length);
  if (written == NULL)
    abort ();
  again = nyx_vault_plaintext_parse (written, written_length, "default", &single, NULL);
  nyx_secret_free (written);
  if (again == NULL || single || again->len != accounts->len)
    abort ();
  for (guint i = 0; i < accounts->len; i++)
    {
      const NyxVaultAccount *a = g_ptr_array_index (accounts, i);
      const NyxVaultAccount *b = g_ptr_array_index (again, i);

      if (strcmp (a->id, b->id) != 0 || strcmp (a->hd_path, b->hd_path) != 0
          || strcmp (a->mnemonic, b->mnemonic) != 0)
        abort ();
    }
  return 0;
}
