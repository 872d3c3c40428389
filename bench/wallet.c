/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Measures mnemonic→address derivations (and the PBKDF2 seed alone) and transaction signatures per second against CosmJS in the same run. */
#include <stdio.h>
#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sodium.h>

#include "crypto/nyx-address.h"
#include "crypto/nyx-bip39.h"
#include "crypto/nyx-bip39-private.h"
#include "crypto/nyx-key-deriver.h"
#include "tx/nyx-mixnet-msg.h"
#include "tx/nyx-tx.h"
#include "nyx-wallet.h"

#define SECONDS     1.5
#define N_MNEMONICS 64

/*
 * Mnemonic → seed (PBKDF2, 2048 rounds) → BIP32 m/44'/118'/0'/0/0 → bech32 address, with one
 * NyxKeyDeriver for all derivations as callers that derive many do (CosmJS likewise keeps its
 * curve objects alive between calls), or with @one_shot through nyx_address_derive_from_mnemonic(),
 * which makes a deriver (a context, its blinding, a secure block) for every call.
 */
static double
derive_per_second (char **mnemonics,
                   bool   one_shot)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NyxKeyDeriver) deriver = nyx_key_deriver_new (&error);
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;
  guint n = 0;

  g_assert_no_error (error);
  do
    {
      g_autofree char *address = NULL;
      uint8_t public_key[NYX_PUBLIC_KEY_SIZE];
      const char *mnemonic = mnemonics[n % N_MNEMONICS];
      bool ok;

      if (one_shot)
        ok = nyx_address_derive_from_mnemonic (mnemonic, 0, public_key, NULL, &address, &error);
      else
        ok = nyx_key_deriver_derive_account (deriver, mnemonic, 0, public_key, NULL, &address, &error);
      if (!ok)
        g_error ("derivation failed: %s", error->message);
      n++;
      elapsed = g_get_monotonic_time () - start;
    }
  while (elapsed < SECONDS * G_USEC_PER_SEC);
  return n / (elapsed / (double) G_USEC_PER_SEC);
}

/*
 * The PBKDF2 step alone (mnemonic → 64-byte seed, 2048 rounds of HMAC-SHA512, after the
 * mnemonic's checksum is checked), in secure scratch memory allocated once as the deriver's:
 * the floor under derive_per_second(), printed so the share of BIP32 and the address is visible.
 */
static double
seed_per_second (char **mnemonics)
{
  uint8_t *seed = sodium_malloc (NYX_BIP39_SEED_SIZE);
  char *scratch = sodium_malloc (NYX_BIP39_SCRATCH_SIZE (0));
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;
  guint n = 0;

  do
    {
      g_autoptr(GError) error = NULL;

      if (!nyx_bip39_to_seed_with_scratch (mnemonics[n % N_MNEMONICS], "", seed, scratch,
                                           NYX_BIP39_SCRATCH_SIZE (0), &error))
        g_error ("seed failed: %s", error->message);
      n++;
      elapsed = g_get_monotonic_time () - start;
    }
  while (elapsed < SECONDS * G_USEC_PER_SEC);
  sodium_free (scratch);
  sodium_free (seed);
  return n / (elapsed / (double) G_USEC_PER_SEC);
}

/* Spec §3.4 (b) with a changing sequence: body, auth info, SignDoc, RFC 6979 signature, TxRaw. */
static double
sign_per_second (const char *mnemonic)
{
  static const NyxCoin ten_nym = { "unym", "10000000" };
  static const NyxCoin fee = { "unym", "5000" };
  uint8_t *private_key = sodium_malloc (NYX_PRIVATE_KEY_SIZE);
  uint8_t public_key[NYX_PUBLIC_KEY_SIZE];
  g_autofree char *address = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start, elapsed;
  guint n = 0;

  if (!nyx_address_derive_from_mnemonic (mnemonic, 0, public_key, private_key, &address, &error))
    g_error ("derivation failed: %s", error->message);

  start = g_get_monotonic_time ();
  do
    {
      g_autoptr(NyxTxBuilder) builder = nyx_tx_builder_new ();
      g_autoptr(GBytes) tx = NULL;

      if (!nyx_tx_builder_add_mixnet_msg (builder, address, NYX_MIXNET_CONTRACT_MAINNET, NYX_MIXNET_DELEGATE, 42,
                                          &ten_nym, &error) ||
          !nyx_tx_builder_set_memo (builder, "delegating to mixnode 42", &error) ||
          !nyx_tx_builder_set_fee (builder, &fee, 1, 200000, &error) ||
          (tx = nyx_tx_builder_sign (builder, private_key, "nyx", 12345, n, &error)) == NULL)
        g_error ("signing failed: %s", error->message);
      n++;
      elapsed = g_get_monotonic_time () - start;
    }
  while (elapsed < SECONDS * G_USEC_PER_SEC);
  sodium_free (private_key);
  return n / (elapsed / (double) G_USEC_PER_SEC);
}

/* Runs the CosmJS half; false if Node or CosmJS is not there. */
static bool
run_cosmjs (const char *node,
            const char *script,
            const char *mnemonic_file,
            double     *derive,
            double     *sign)
{
  g_autofree char *seconds = g_strdup_printf ("%g", SECONDS);
  const char *argv[] = { node, script, seconds, mnemonic_file, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, NULL) ||
      !json_parser_load_from_data (parser, out, -1, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return false;
  object = json_node_get_object (json_parser_get_root (parser));
  *derive = json_object_get_double_member (object, "derive_per_s");
  *sign = json_object_get_double_member (object, "sign_per_s");
  return true;
}

int
main (int argc, char *argv[])
{
  char *mnemonics[N_MNEMONICS];
  g_autoptr(GString) lines = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *directory = NULL;
  g_autofree char *mnemonic_file = NULL;
  double derive, one_shot, sign, seed, cosmjs_derive = 0, cosmjs_sign = 0;
  bool have_cosmjs = false;

  if (!nyx_wallet_init ())
    return 1;
  for (guint i = 0; i < N_MNEMONICS; i++)
    {
      mnemonics[i] = nyx_bip39_generate (24, &error);
      g_assert_no_error (error);
      g_string_append_printf (lines, "%s\n", mnemonics[i]);
    }
  /* Throwaway mnemonics for the benchmark only; CosmJS reads the same ones from a private file. */
  directory = g_dir_make_tmp ("nymph-wallet-bench-XXXXXX", &error);
  g_assert_no_error (error);
  mnemonic_file = g_build_filename (directory, "mnemonics", NULL);
  g_file_set_contents_full (mnemonic_file, lines->str, (gssize) lines->len, G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_assert_no_error (error);

  /*
   * Our side is measured before and after the CosmJS run and averaged, so that a change in
   * the machine's load during the run does not favour either side.
   */
  derive = derive_per_second (mnemonics, false);
  one_shot = derive_per_second (mnemonics, true);
  seed = seed_per_second (mnemonics);
  sign = sign_per_second (mnemonics[0]);
  if (argc >= 3)
    have_cosmjs = run_cosmjs (argv[1], argv[2], mnemonic_file, &cosmjs_derive, &cosmjs_sign);
  derive = (derive + derive_per_second (mnemonics, false)) / 2;
  one_shot = (one_shot + derive_per_second (mnemonics, true)) / 2;
  seed = (seed + seed_per_second (mnemonics)) / 2;
  sign = (sign + sign_per_second (mnemonics[0])) / 2;

  g_unlink (mnemonic_file);
  g_rmdir (directory);
  for (guint i = 0; i < N_MNEMONICS; i++)
    nyx_bip39_mnemonic_free (mnemonics[i]);

  printf ("wallet seed_per_s=%.1f derive_over_seed=%.2f one_shot_derive_per_s=%.1f derive_over_one_shot=%.2f\n",
          seed, derive / seed, one_shot, derive / one_shot);
  if (have_cosmjs)
    printf ("wallet derive_per_s=%.1f cosmjs_derive_per_s=%.1f derive_ratio=%.2f sign_per_s=%.1f "
            "cosmjs_sign_per_s=%.1f sign_ratio=%.2f\n",
            derive, cosmjs_derive, derive / cosmjs_derive, sign, cosmjs_sign, sign / cosmjs_sign);
  else
    printf ("wallet derive_per_s=%.1f cosmjs_derive_per_s=unavailable derive_ratio=unavailable sign_per_s=%.1f "
            "cosmjs_sign_per_s=unavailable sign_ratio=unavailable\n", derive, sign);
  return 0;
}
