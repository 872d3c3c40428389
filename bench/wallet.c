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

/* Each of our derivation measurements runs in slices this long, taking turns. */
#define SLICE_USEC  50000

typedef enum
{
  DERIVE_WITH_DERIVER,  /* mnemonic → address through one long-lived NyxKeyDeriver */
  DERIVE_ONE_SHOT,      /* the same through nyx_address_derive_from_mnemonic() */
  SEED_ONLY,            /* mnemonic → BIP39 seed */
  N_KINDS
} Kind;

typedef struct
{
  guint64 count;
  gint64  usec;
} Tally;

static double
per_second (const Tally *tally)
{
  return tally->count / (tally->usec / (double) G_USEC_PER_SEC);
}

/*
 * One unit of @kind on @mnemonic:
 * - mnemonic → seed (PBKDF2, 2048 rounds) → BIP32 m/44'/118'/0'/0/0 → bech32 address, with
 *   one NyxKeyDeriver for all derivations as callers that derive many do (CosmJS likewise
 *   keeps its curve objects alive between calls), or through nyx_address_derive_from_mnemonic(),
 *   which makes a deriver (a context, its blinding, a secure block) for every call;
 * - or the seed alone (the mnemonic's checksum, then 2048 rounds of HMAC-SHA512) in secure
 *   scratch memory allocated once, as the deriver's is: the floor under both derivations,
 *   printed so the share of BIP32 and the address is visible.
 */
static void
run_once (Kind           kind,
          const char    *mnemonic,
          NyxKeyDeriver *deriver,
          uint8_t       *seed,
          char          *scratch)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  uint8_t public_key[NYX_PUBLIC_KEY_SIZE];
  bool ok = false;

  switch (kind)
    {
    case DERIVE_WITH_DERIVER:
      ok = nyx_key_deriver_derive_account (deriver, mnemonic, 0, public_key, NULL, &address, &error);
      break;
    case DERIVE_ONE_SHOT:
      ok = nyx_address_derive_from_mnemonic (mnemonic, 0, public_key, NULL, &address, &error);
      break;
    case SEED_ONLY:
      ok = nyx_bip39_to_seed_with_scratch (mnemonic, "", seed, scratch, NYX_BIP39_SCRATCH_SIZE (0), &error);
      break;
    case N_KINDS:
    default:
      g_assert_not_reached ();
    }
  if (!ok)
    g_error ("derivation failed: %s", error->message);
}

/*
 * SECONDS of each kind, in slices of SLICE_USEC that take turns, so that a change in the
 * machine's load during the run hits the three alike and their ratios stay meaningful.
 */
static void
measure_derivations (char          **mnemonics,
                     NyxKeyDeriver  *deriver,
                     Tally           tallies[static N_KINDS])
{
  uint8_t *seed = sodium_malloc (NYX_BIP39_SEED_SIZE);
  char *scratch = sodium_malloc (NYX_BIP39_SCRATCH_SIZE (0));
  guint rounds = (guint) (SECONDS * G_USEC_PER_SEC / SLICE_USEC);

  g_assert_true (seed != NULL && scratch != NULL);
  for (guint round = 0; round < rounds; round++)
    for (Kind kind = 0; kind < N_KINDS; kind++)
      {
        gint64 start = g_get_monotonic_time ();
        gint64 elapsed;

        do
          {
            run_once (kind, mnemonics[tallies[kind].count % N_MNEMONICS], deriver, seed, scratch);
            tallies[kind].count++;
            elapsed = g_get_monotonic_time () - start;
          }
        while (elapsed < SLICE_USEC);
        tallies[kind].usec += elapsed;
      }
  sodium_free (scratch);
  sodium_free (seed);
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
  g_autoptr(NyxKeyDeriver) deriver = NULL;
  Tally tallies[N_KINDS] = { { 0 } };
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
   * Our side is measured before and after the CosmJS run and averaged (the derivation tallies
   * add up over both), so that a change in the machine's load during the run does not favour
   * either side.
   */
  deriver = nyx_key_deriver_new (&error);
  g_assert_no_error (error);
  measure_derivations (mnemonics, deriver, tallies);
  sign = sign_per_second (mnemonics[0]);
  if (argc >= 3)
    have_cosmjs = run_cosmjs (argv[1], argv[2], mnemonic_file, &cosmjs_derive, &cosmjs_sign);
  measure_derivations (mnemonics, deriver, tallies);
  sign = (sign + sign_per_second (mnemonics[0])) / 2;
  derive = per_second (&tallies[DERIVE_WITH_DERIVER]);
  one_shot = per_second (&tallies[DERIVE_ONE_SHOT]);
  seed = per_second (&tallies[SEED_ONLY]);

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
