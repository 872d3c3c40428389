/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz harness: the saved-wallet.json outer parser never faults, and whatever it accepts
 * writes back to a file that parses to the same logins. */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vault/nyx-vault-file.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(NyxVaultFile) file = NULL;
  g_autoptr(NyxVaultFile) again = NULL;
  g_autofree char *written = NULL;
  size_t written_length = 0;

  file = nyx_vault_file_parse ((const char *) data, size, "fuzz", NULL);
  if (file == NULL)
    return 0;

  written = nyx_vault_file_serialize (file, &written_length);
  again = nyx_vault_file_parse (written, written_length, "fuzz", NULL);
  if (again == NULL || again->logins->len != file->logins->len)
    abort ();
  for (guint i = 0; i < file->logins->len; i++)
    {
      const NyxVaultLogin *a = g_ptr_array_index (file->logins, i);
      const NyxVaultLogin *b = g_ptr_array_index (again->logins, i);

      if (strcmp (a->id, b->id) != 0 || !g_bytes_equal (a->ciphertext, b->ciphertext)
          || memcmp (a->salt, b->salt, sizeof a->salt) != 0 || memcmp (a->iv, b->iv, sizeof a->iv) != 0)
        abort ();
    }
  return 0;
}
