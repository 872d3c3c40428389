/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Measures how long unlocking a vault takes against the Argon2id it cannot avoid, in the same run. */
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "nyx-wallet.h"
#include "vault/nyx-vault.h"
#include "vault/nyx-vault-crypto.h"

#define ROUNDS 15
#define PASSWORD "benchmark password"
#define MNEMONIC "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon " \
                 "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon " \
                 "abandon abandon abandon art"

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double values[static ROUNDS])
{
  qsort (values, ROUNDS, sizeof values[0], compare_doubles);
  return values[ROUNDS / 2];
}

/*
 * A vault unlock is Argon2id (16 MiB, t=3) plus reading, parsing and AES-GCM; everything but
 * the KDF should be noise. The two are measured interleaved so that CPU frequency changes
 * and other load hit both alike, and the medians are compared.
 */
int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = NULL;
  g_autofree char *path = NULL;
  g_autoptr(NyxVault) created = NULL;
  double unlock_ms[ROUNDS];
  double argon2id_ms[ROUNDS];
  uint8_t salt[NYX_VAULT_SALT_LENGTH];
  uint8_t key[NYX_VAULT_KEY_LENGTH];
  double unlock, argon2id;

  if (!nyx_wallet_init ())
    return 1;
  directory = g_dir_make_tmp ("nymph-vault-bench-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (directory, "saved-wallet.json", NULL);
  created = nyx_vault_create (path, NULL, PASSWORD, NULL, MNEMONIC, &error);
  g_assert_no_error (error);
  randombytes_buf (salt, sizeof salt);

  for (int round = 0; round < ROUNDS; round++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(NyxVault) vault = nyx_vault_open (path, NULL, PASSWORD, &error);

      unlock_ms[round] = (double) (g_get_monotonic_time () - start) / 1000.0;
      g_assert_no_error (error);
      g_assert_nonnull (vault);

      start = g_get_monotonic_time ();
      g_assert_true (nyx_vault_derive_key ((const uint8_t *) PASSWORD, strlen (PASSWORD), salt, key));
      argon2id_ms[round] = (double) (g_get_monotonic_time () - start) / 1000.0;
    }
  sodium_memzero (key, sizeof key);

  unlock = median (unlock_ms);
  argon2id = median (argon2id_ms);
  printf ("vault unlock_ms=%.2f argon2id_ms=%.2f unlock_ratio=%.3f\n", unlock, argon2id, unlock / argon2id);

  g_unlink (path);
  g_rmdir (directory);
  return 0;
}
