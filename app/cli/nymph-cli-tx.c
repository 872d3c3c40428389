/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The commands of "nymph-cli tx": build and sign Nyx transactions offline (SIGN_MODE_DIRECT). */
#include "nymph-cli.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "crypto/nyx-address.h"
#include "crypto/nyx-bip32.h"
#include "crypto/nyx-secret.h"
#include "tx/nyx-coin.h"
#include "tx/nyx-fee.h"
#include "tx/nyx-tx-decode.h"
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

/* A TxRaw is public: it may come as an argument or on standard input, in base64 or hex. */
static int
tx_decode (int    argc,
           char **argv)
{
  g_autofree char *chain_id = NULL;
  g_autofree char *account_number_text = NULL;
  GOptionEntry entries[] = {
    { "chain-id", 0, 0, G_OPTION_ARG_STRING, &chain_id, N_("Also verify the signature for this chain ID"), N_("ID") },
    { "account-number", 0, 0, G_OPTION_ARG_STRING, &account_number_text, N_("… and this account number"), N_("N") },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new (N_("[TX]"));
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *input = NULL;
  g_autofree guchar *bytes = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;
  uint64_t account_number = 0;
  GError *error = NULL;
  bool verify;

  g_option_context_set_summary (context,
                                _("Decode a TxRaw (base64 or hex, from TX or standard input) into JSON, with the "
                                  "messages in the form tx sign-offline reads. With --chain-id and --account-number "
                                  "the signature is verified too; the exit status is 1 if it does not verify."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      int status = usage_error (context, error->message);

      g_error_free (error);
      return status;
    }
  if (argc > 2)
    return usage_error (context, _("tx decode takes at most one transaction"));
  verify = chain_id != NULL || account_number_text != NULL;
  if (verify && (chain_id == NULL || account_number_text == NULL))
    return usage_error (context, _("--chain-id and --account-number go together"));
  if (verify && !parse_u64 ("--account-number", account_number_text, &account_number, &error))
    {
      int status = usage_error (context, error->message);

      g_error_free (error);
      return status;
    }

  if (argc == 2)
    input = g_strdup (argv[1]);
  else
    {
      GIOChannel *channel = g_io_channel_unix_new (STDIN_FILENO);
      gsize read = 0;
      GIOStatus status;

      g_io_channel_set_encoding (channel, NULL, NULL);
      status = g_io_channel_read_to_end (channel, &input, &read, &error);
      g_io_channel_unref (channel);
      if (status != G_IO_STATUS_NORMAL)
        return fail (error);
      /* read_to_end does not terminate the data; a NUL inside makes it end early, which is fine. */
      input = g_realloc (input, read + 1);
      input[read] = '\0';
    }
  g_strstrip (input);

  /* Hex if it looks like hex, otherwise base64 (what sign-offline prints). */
  if (input[0] != '\0' && strspn (input, "0123456789abcdefABCDEF") == strlen (input) && strlen (input) % 2 == 0)
    {
      len = strlen (input) / 2;
      bytes = g_malloc (len + 1);
      for (gsize i = 0; i < len; i++)
        bytes[i] = (guchar) (g_ascii_xdigit_value (input[2 * i]) << 4 | g_ascii_xdigit_value (input[2 * i + 1]));
    }
  else
    {
      /* g_base64_decode skips characters outside the alphabet, so check them first. */
      if (input[0] == '\0' ||
          strspn (input, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=") != strlen (input) ||
          strlen (input) % 4 != 0)
        {
          g_printerr ("nymph-cli: %s\n", _("The transaction is neither base64 nor hex"));
          return 1;
        }
      bytes = g_base64_decode (input, &len);
    }

  root = nyx_tx_decode_to_json (bytes, len, &error);
  if (root == NULL)
    return fail (error);
  if (verify)
    {
      JsonObject *object = json_node_get_object (root);
      g_autoptr(GError) verify_error = NULL;
      bool valid = nyx_tx_verify (bytes, len, chain_id, account_number, &verify_error);

      json_object_set_boolean_member (object, "signatureValid", valid);
      if (!valid)
        json_object_set_string_member (object, "signatureError", verify_error->message);
    }
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  printf ("%s\n", text);
  if (verify && !json_object_get_boolean_member (json_node_get_object (root), "signatureValid"))
    return 1;
  return 0;
}

/* Spec §1.3 on the command line: from a simulated gas, or from a fee the user picked. */
static int
tx_fee (int    argc,
        char **argv)
{
  g_autofree char *gas_used_text = NULL;
  g_autofree char *fee_text = NULL;
  g_autofree char *gas_price = NULL;
  g_autofree char *denom = NULL;
  GOptionEntry entries[] = {
    { "gas-used", 0, 0, G_OPTION_ARG_STRING, &gas_used_text, N_("Gas used by a simulation: the limit is 1.5 times it"), N_("N") },
    { "fee", 0, 0, G_OPTION_ARG_STRING, &fee_text, N_("A fee to turn into a gas limit instead, such as 5000unym"), N_("COIN") },
    { "gas-price", 0, 0, G_OPTION_ARG_STRING, &gas_price, N_("Gas price (default 0.025)"), N_("DECIMAL") },
    { "denom", 0, 0, G_OPTION_ARG_STRING, &denom, N_("Fee denomination for --gas-used (default unym)"), N_("DENOM") },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  GError *error = NULL;
  uint64_t gas_used = 0, gas_limit = 0;

  g_option_context_set_summary (context,
                                _("Compute a fee as nym does: gas limit = ceil(gas used × 1.5), fee = "
                                  "ceil(gas limit × gas price); or the gas limit a chosen fee buys."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      int status = usage_error (context, error->message);

      g_error_free (error);
      return status;
    }
  if (argc > 1 || (gas_used_text == NULL) == (fee_text == NULL))
    return usage_error (context, _("give either --gas-used or --fee"));
  if (gas_price == NULL)
    gas_price = g_strdup (NYX_GAS_PRICE);
  if (denom == NULL)
    denom = g_strdup (NYX_DENOM_MIX);

  if (gas_used_text != NULL)
    {
      g_autofree char *amount = NULL;

      if (!parse_u64 ("--gas-used", gas_used_text, &gas_used, &error))
        {
          int status = usage_error (context, error->message);

          g_error_free (error);
          return status;
        }
      if (!nyx_denom_validate (denom, &error) ||
          !nyx_fee_gas_limit_for_simulated (gas_used, &gas_limit, &error) ||
          (amount = nyx_fee_amount_for_gas (gas_limit, gas_price, &error)) == NULL)
        return fail (error);
      printf ("gas limit: %" G_GUINT64_FORMAT "\nfee:       %s%s\n", gas_limit, amount, denom);
    }
  else
    {
      g_autofree char *amount = NULL;
      g_autofree char *fee_denom = NULL;

      if (!nyx_coin_parse (fee_text, &amount, &fee_denom, &error) ||
          !nyx_fee_gas_limit_for_amount (amount, gas_price, &gas_limit, &error))
        return fail (error);
      printf ("gas limit: %" G_GUINT64_FORMAT "\nfee:       %s%s\n", gas_limit, amount, fee_denom);
    }
  return 0;
}

const NymphCliCommand nymph_cli_tx_commands[] = {
  { "sign-offline", N_("Sign a transaction from a JSON message file, with the mnemonic on standard input"), tx_sign_offline },
  { "decode", N_("Show a signed transaction as JSON, and check its signature"), tx_decode },
  { "fee", N_("Compute a fee from simulated gas, or the gas a fee buys"), tx_fee },
  { NULL, NULL, NULL },
};
