/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The commands of "nymph-cli keys": create a mnemonic, and show the address and public key it leads to. */
#include "nymph-cli.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "crypto/nyx-address.h"
#include "crypto/nyx-bip32.h"
#include "crypto/nyx-bip39.h"
#include "crypto/nyx-key-deriver.h"
#include "crypto/nyx-secret.h"

/* A mnemonic is at most 24 words; anything much longer on stdin is a mistake. */
#define MAX_MNEMONIC_INPUT 4096

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

static int
keys_new (int    argc,
          char **argv)
{
  int words = NYX_BIP39_DEFAULT_WORDS;
  GOptionEntry entries[] = {
    { "words", 0, 0, G_OPTION_ARG_INT, &words, N_("Number of words: 12, 15, 18, 21 or 24 (default 24, as nym-wallet)"), N_("N") },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  GError *error = NULL;
  char *mnemonic;

  g_option_context_set_summary (context, _("Print a fresh BIP39 mnemonic made from libsodium randomness."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      int status = usage_error (context, error->message);

      g_error_free (error);
      return status;
    }
  if (argc > 1)
    return usage_error (context, _("keys new takes no arguments"));
  if (words < 0)
    words = 0;

  mnemonic = nyx_bip39_generate ((unsigned int) words, &error);
  if (mnemonic == NULL)
    return fail (error);
  /* The one place a mnemonic is meant to leave the program: its owner must write it down. */
  fputs (mnemonic, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
  nyx_bip39_mnemonic_free (mnemonic);
  return 0;
}

static char *
hex_of (const uint8_t *data,
        size_t         len)
{
  char *hex = g_malloc (2 * len + 1);

  sodium_bin2hex (hex, 2 * len + 1, data, len);
  return hex;
}

/* The most accounts one "keys show --count" prints: a bound on the output, not on the work
 * (after the one PBKDF2 each account costs one BIP32 step, some 20 µs). */
#define MAX_SHOW_COUNT 1000

/* Adds one account to @builder (JSON) or @text. */
static void
show_account (uint32_t       account,
              const uint8_t  public_key[static NYX_PUBLIC_KEY_SIZE],
              const char    *address,
              JsonBuilder   *builder,
              GString       *text)
{
  g_autofree char *public_hex = hex_of (public_key, NYX_PUBLIC_KEY_SIZE);
  g_autofree char *path = nyx_bip32_cosmos_path (account);

  if (builder != NULL)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "address");
      json_builder_add_string_value (builder, address);
      json_builder_set_member_name (builder, "public_key");
      json_builder_add_string_value (builder, public_hex);
      json_builder_set_member_name (builder, "account");
      json_builder_add_int_value (builder, account);
      json_builder_set_member_name (builder, "hd_path");
      json_builder_add_string_value (builder, path);
      json_builder_end_object (builder);
    }
  else
    g_string_append_printf (text, "%saddress:    %s\npublic key: %s\nhd path:    %s\n",
                            text->len > 0 ? "\n" : "", address, public_hex, path);
}

static int
keys_show (int    argc,
           char **argv)
{
  gboolean json = FALSE;
  gint64 account = 0;
  gint64 count = 1;
  g_autofree char *mnemonic_file = NULL;
  GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON object instead of text (an array of them with --count above 1)"), NULL },
    { "account", 0, 0, G_OPTION_ARG_INT64, &account, N_("Account index N of the path m/44'/118'/0'/0/N (default 0)"), N_("N") },
    { "count", 0, 0, G_OPTION_ARG_INT64, &count, N_("Show N accounts, from --account on (default 1, at most 1000)"), N_("N") },
    { "mnemonic-file", 0, 0, G_OPTION_ARG_FILENAME, &mnemonic_file, N_("Read the mnemonic from FILE instead of standard input"), N_("FILE") },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(NyxKeyDeriver) deriver = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree uint8_t (*public_keys)[NYX_PUBLIC_KEY_SIZE] = NULL;
  g_auto(GStrv) addresses = NULL;
  GError *error = NULL;
  char *mnemonic;
  bool ok;

  g_option_context_set_summary (context,
                                _("Read a mnemonic from standard input and print the Nyx address and the compressed "
                                  "public key (hex) it leads to. The mnemonic is never taken from the command line."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      int status = usage_error (context, error->message);

      g_error_free (error);
      return status;
    }
  if (argc > 1)
    return usage_error (context, _("keys show takes no arguments; give the mnemonic on standard input"));
  if (account < 0 || account >= NYX_BIP32_HARDENED)
    return usage_error (context, _("--account must be between 0 and 2147483647"));
  if (count < 1 || count > MAX_SHOW_COUNT)
    return usage_error (context, _("--count must be between 1 and 1000"));
  if (account + count > NYX_BIP32_HARDENED)
    return usage_error (context, _("--account plus --count must not pass account 2147483647"));

  if (mnemonic_file != NULL)
    mnemonic = nyx_secret_read_file (mnemonic_file, MAX_MNEMONIC_INPUT, &error);
  else
    {
      if (isatty (STDIN_FILENO))
        g_printerr (_("Type the mnemonic, then press Ctrl+D:\n"));
      mnemonic = nyx_secret_read_fd (STDIN_FILENO, MAX_MNEMONIC_INPUT, &error);
    }
  if (mnemonic == NULL)
    return fail (error);

  /* All accounts from one seed: PBKDF2 and the hardened levels once, then one step each. */
  public_keys = g_malloc_n ((gsize) count, NYX_PUBLIC_KEY_SIZE);
  addresses = g_new0 (char *, count + 1);
  deriver = nyx_key_deriver_new (&error);
  ok = deriver != NULL &&
       nyx_key_deriver_derive_accounts (deriver, mnemonic, (uint32_t) account, (size_t) count,
                                        public_keys, addresses, &error);
  nyx_secret_free (mnemonic);
  if (!ok)
    return fail (error);

  if (json)
    builder = json_builder_new ();
  if (builder != NULL && count > 1)
    json_builder_begin_array (builder);
  for (gint64 i = 0; i < count; i++)
    show_account ((uint32_t) (account + i), public_keys[i], addresses[i], builder, text);

  if (builder != NULL)
    {
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *out = NULL;

      if (count > 1)
        json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      json_generator_set_root (generator, root);
      out = json_generator_to_data (generator, NULL);
      printf ("%s\n", out);
    }
  else
    fputs (text->str, stdout);
  return 0;
}

const NymphCliCommand nymph_cli_keys_commands[] = {
  { "new",  N_("Print a new 24-word mnemonic"), keys_new },
  { "show", N_("Show the address and public key of a mnemonic read from standard input"), keys_show },
  { NULL, NULL, NULL },
};
