/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The commands of "nymph-cli tx": build and sign Nyx transactions offline (SIGN_MODE_DIRECT). */
#include "nymph-cli.h"

#include <glib/gi18n.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "crypto/nyx-address.h"
#include "crypto/nyx-bip32.h"
#include "crypto/nyx-secret.h"
#include "tx/nyx-coin.h"
#include "tx/nyx-tx-json.h"
#include "tx/nyx-tx.h"

#define MAX_MNEMONIC_INPUT 4096

typedef struct
{
  char *chain_id;
  char *account_number;
  char *sequence;
  char *fee;
  char *gas;
  char *memo;
  char *msgs;
  char *print;
  char *mnemonic_file;
  gint64 account;
} SignOptions;

static void
sign_options_clear (SignOptions *options)
{
  g_free (options->chain_id);
  g_free (options->account_number);
  g_free (options->sequence);
  g_free (options->fee);
  g_free (options->gas);
  g_free (options->memo);
  g_free (options->msgs);
  g_free (options->print);
  g_free (options->mnemonic_file);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (SignOptions, sign_options_clear)

static int
usage_error (GOptionContext *context,
             const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_printerr ("nymph-cli: %s\n\n%s", message, help);
  return 2;
}

static int
fail (GError *error)
{
  nymph_cli_print_error (error);
  g_error_free (error);
  return 1;
}

static bool
parse_u64 (const char *option,
           const char *text,
           uint64_t   *out,
           GError    **error)
{
  guint64 value = 0;
  g_autoptr(GError) local_error = NULL;

  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &value, &local_error))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("%s: “%s” is not a whole number between 0 and 2^64 - 1"), option, text);
      return false;
    }
  *out = value;
  return true;
}

/* "--fee 5000unym" or several coins separated by commas, "5000unym,10unyx". */
static bool
set_fee (NyxTxBuilder *builder,
         const char   *text,
         uint64_t      gas,
         GError      **error)
{
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) coins = g_array_new (FALSE, FALSE, sizeof (NyxCoin));

  for (guint i = 0; parts[i] != NULL; i++)
    {
      NyxCoin coin;
      char *amount = NULL, *denom = NULL;

      if (!nyx_coin_parse (parts[i], &amount, &denom, error))
        {
          g_prefix_error (error, "--fee: ");
          return false;
        }
      g_ptr_array_add (strings, amount);
      g_ptr_array_add (strings, denom);
      coin.amount = amount;
      coin.denom = denom;
      g_array_append_val (coins, coin);
    }
  return nyx_tx_builder_set_fee (builder, (NyxCoin *) (void *) coins->data, coins->len, gas, error);
}

static void
print_hex (GBytes *bytes)
{
  gsize len = 0;
  const uint8_t *data = g_bytes_get_data (bytes, &len);
  g_autofree char *hex = g_malloc (2 * len + 1);

  sodium_bin2hex (hex, 2 * len + 1, data, len);
  printf ("%s\n", hex);
}

static int
tx_sign_offline (int    argc,
                 char **argv)
{
  g_auto(SignOptions) o = { 0 };
  GOptionEntry entries[] = {
    { "chain-id", 0, 0, G_OPTION_ARG_STRING, &o.chain_id, N_("Chain ID, such as nyx (required)"), N_("ID") },
    { "account-number", 0, 0, G_OPTION_ARG_STRING, &o.account_number, N_("The signer's account number (required)"), N_("N") },
    { "sequence", 0, 0, G_OPTION_ARG_STRING, &o.sequence, N_("The signer's sequence (required)"), N_("N") },
    { "fee", 0, 0, G_OPTION_ARG_STRING, &o.fee, N_("Fee, such as 5000unym (required)"), N_("COINS") },
    { "gas", 0, 0, G_OPTION_ARG_STRING, &o.gas, N_("Gas limit (required)"), N_("N") },
    { "memo", 0, 0, G_OPTION_ARG_STRING, &o.memo, N_("Memo text"), N_("TEXT") },
    { "msgs", 0, 0, G_OPTION_ARG_FILENAME, &o.msgs, N_("JSON array of CosmJS EncodeObject messages (required)"), N_("FILE") },
    { "print", 0, 0, G_OPTION_ARG_STRING, &o.print, N_("What to print: tx (TxRaw base64, default), sign-doc (hex), hash, simulate (simulation TxRaw base64)"), N_("WHAT") },
    { "account", 0, 0, G_OPTION_ARG_INT64, &o.account, N_("Account index N of the path m/44'/118'/0'/0/N (default 0)"), N_("N") },
    { "mnemonic-file", 0, 0, G_OPTION_ARG_FILENAME, &o.mnemonic_file, N_("Read the mnemonic from FILE instead of standard input"), N_("FILE") },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(NyxTxBuilder) builder = nyx_tx_builder_new ();
  g_autoptr(GBytes) result = NULL;
  g_autofree char *msgs_text = NULL;
  gsize msgs_len = 0;
  uint64_t account_number = 0, sequence = 0, gas = 0;
  uint8_t public_key[NYX_PUBLIC_KEY_SIZE];
  uint8_t *private_key = NULL;
  const char *print;
  GError *error = NULL;
  char *mnemonic;
  bool ok;

  g_option_context_set_summary (context,
                                _("Sign a transaction offline with SIGN_MODE_DIRECT. The mnemonic is read from "
                                  "standard input, never from the command line."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      int status = usage_error (context, error->message);

      g_error_free (error);
      return status;
    }
  if (argc > 1)
    return usage_error (context, _("tx sign-offline takes no arguments; give the mnemonic on standard input"));
  if (o.chain_id == NULL || o.account_number == NULL || o.sequence == NULL || o.fee == NULL ||
      o.gas == NULL || o.msgs == NULL)
    return usage_error (context, _("--chain-id, --account-number, --sequence, --fee, --gas and --msgs are required"));
  if (o.account < 0 || o.account >= NYX_BIP32_HARDENED)
    return usage_error (context, _("--account must be between 0 and 2147483647"));
  print = o.print != NULL ? o.print : "tx";
  if (strcmp (print, "tx") != 0 && strcmp (print, "sign-doc") != 0 && strcmp (print, "hash") != 0 &&
      strcmp (print, "simulate") != 0)
    return usage_error (context, _("--print must be tx, sign-doc, hash or simulate"));
  if (!parse_u64 ("--account-number", o.account_number, &account_number, &error) ||
      !parse_u64 ("--sequence", o.sequence, &sequence, &error) ||
      !parse_u64 ("--gas", o.gas, &gas, &error))
    {
      int status = usage_error (context, error->message);

      g_error_free (error);
      return status;
    }

  /* Everything that can be checked without the key is checked before the mnemonic is read. */
  if (!g_file_get_contents (o.msgs, &msgs_text, &msgs_len, &error) ||
      !nyx_tx_builder_add_msgs_from_json (builder, msgs_text, (gssize) msgs_len, &error) ||
      !nyx_tx_builder_set_memo (builder, o.memo, &error) ||
      !set_fee (builder, o.fee, gas, &error))
    return fail (error);

  if (o.mnemonic_file != NULL)
    mnemonic = nyx_secret_read_file (o.mnemonic_file, MAX_MNEMONIC_INPUT, &error);
  else
    {
      if (isatty (STDIN_FILENO))
        g_printerr (_("Type the mnemonic, then press Ctrl+D:\n"));
      mnemonic = nyx_secret_read_fd (STDIN_FILENO, MAX_MNEMONIC_INPUT, &error);
    }
  if (mnemonic == NULL)
    return fail (error);
  private_key = sodium_malloc (NYX_PRIVATE_KEY_SIZE);
  if (private_key == NULL)
    {
      nyx_secret_free (mnemonic);
      g_printerr ("nymph-cli: %s\n", _("Out of protected memory for the private key"));
      return 1;
    }
  ok = nyx_address_derive_from_mnemonic (mnemonic, (uint32_t) o.account, public_key, private_key, NULL, &error);
  nyx_secret_free (mnemonic);
  if (ok)
    {
      if (strcmp (print, "sign-doc") == 0)
        result = nyx_tx_builder_encode_sign_doc (builder, public_key, o.chain_id, account_number, sequence, &error);
      else if (strcmp (print, "simulate") == 0)
        result = nyx_tx_builder_encode_simulation (builder, public_key, sequence, &error);
      else
        result = nyx_tx_builder_sign (builder, private_key, o.chain_id, account_number, sequence, &error);
    }
  sodium_free (private_key);
  if (result == NULL)
    return fail (error);

  if (strcmp (print, "sign-doc") == 0)
    print_hex (result);
  else if (strcmp (print, "hash") == 0)
    {
      g_autofree char *hash = nyx_tx_hash (g_bytes_get_data (result, NULL), g_bytes_get_size (result));

      printf ("%s\n", hash);
    }
  else
    {
      g_autofree char *base64 = g_base64_encode (g_bytes_get_data (result, NULL), g_bytes_get_size (result));

      printf ("%s\n", base64);
    }
  return 0;
}

const NymphCliCommand nymph_cli_tx_commands[] = {
  { "sign-offline", N_("Sign a transaction from a JSON message file, with the mnemonic on standard input"), tx_sign_offline },
  { NULL, NULL, NULL },
};
