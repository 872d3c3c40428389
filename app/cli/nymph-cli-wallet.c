/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The commands of "nymph-cli wallet": create, import and manage a nym-wallet compatible vault file. */
#include "nymph-cli.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "crypto/nyx-address.h"
#include "crypto/nyx-bip39.h"
#include "crypto/nyx-secret.h"
#include "vault/nyx-vault.h"

/*
 * Secrets (passwords, mnemonics) are never taken from the command line, where every user
 * of the machine can read them in /proc. They come from --password-file, or from standard
 * input one line each, in the order the command's help lists. On a terminal each line is
 * prompted for with echo switched off.
 */

#define MAX_SECRET_LINE 4096

typedef char SecureText;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SecureText, nyx_secret_free)

typedef struct
{
  char     *vault;
  char     *login;
  char     *password_file;
  char     *new_password_file;
  char     *name;
  char     *new_name;
  gboolean  generate;
} Options;

static void
options_clear (Options *options)
{
  g_free (options->vault);
  g_free (options->login);
  g_free (options->password_file);
  g_free (options->new_password_file);
  g_free (options->name);
  g_free (options->new_name);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

/* Reads one line of standard input byte by byte into sodium_malloc() memory, never into a stdio buffer. */
static char *
read_secret_line (const char  *prompt,
                  GError     **error)
{
  g_autoptr(SecureText) line = sodium_malloc (MAX_SECRET_LINE + 1);
  gboolean on_terminal = isatty (STDIN_FILENO);
  struct termios saved_mode;
  gboolean echo_off = FALSE;
  size_t used = 0;
  gboolean got_any = FALSE;
  gboolean too_long = FALSE;
  int read_errno = 0;

  if (line == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, _("Out of protected memory for a secret"));
      return NULL;
    }

  if (on_terminal)
    {
      g_printerr ("%s: ", prompt);
      if (tcgetattr (STDIN_FILENO, &saved_mode) == 0)
        {
          struct termios quiet = saved_mode;

          quiet.c_lflag &= ~(tcflag_t) ECHO;
          echo_off = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }

  for (;;)
    {
      char byte;
      ssize_t n = read (STDIN_FILENO, &byte, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          read_errno = errno;
          break;
        }
      if (n == 0)
        break;
      got_any = TRUE;
      if (byte == '\n')
        break;
      if (used == MAX_SECRET_LINE)
        too_long = TRUE;
      else
        line[used++] = byte;
    }

  if (echo_off)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved_mode);
      g_printerr ("\n");
    }

  if (read_errno != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (read_errno),
                   _("Could not read the %s from standard input: %s"), prompt, g_strerror (read_errno));
      return NULL;
    }
  if (!got_any)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT,
                   _("Expected the %s on standard input, but the input ended"), prompt);
      return NULL;
    }
  if (too_long)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                   _("The %s is longer than %d bytes"), prompt, MAX_SECRET_LINE);
      return NULL;
    }
  if (used > 0 && line[used - 1] == '\r')
    used--;
  line[used] = '\0';
  if (memchr (line, '\0', used) != NULL || !g_utf8_validate (line, (gssize) used, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("The %s is not UTF-8 text"), prompt);
      return NULL;
    }
  return g_steal_pointer (&line);
}

/*
 * Prints a secret and a newline straight to the standard output descriptor: g_print() and
 * stdio would leave copies in heap buffers that are freed without being wiped.
 */
static gboolean
print_secret_line (const char *secret)
{
  const char *parts[2] = { secret, "\n" };

  fflush (stdout);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      const char *data = parts[i];
      size_t length = strlen (data);

      while (length > 0)
        {
          ssize_t n = write (STDOUT_FILENO, data, length);

          if (n < 0 && errno == EINTR)
            continue;
          if (n <= 0)
            {
              g_printerr ("nymph-cli: %s: %s\n", _("Could not write to standard output"), g_strerror (errno));
              return FALSE;
            }
          data += n;
          length -= (size_t) n;
        }
    }
  return TRUE;
}

/* A secret from @file if given, otherwise the next line of standard input. */
static char *
read_secret (const char  *file,
             const char  *prompt,
             GError     **error)
{
  if (file != NULL)
    return nyx_secret_read_file (file, MAX_SECRET_LINE, error);
  return read_secret_line (prompt, error);
}

static int
fail (GError *error)
{
  nymph_cli_print_error (error);
  g_error_free (error);
  return 1;
}

static int
usage_error (GOptionContext *context,
             const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_printerr ("nymph-cli: %s\n\n%s", message, help);
  return 2;
}

/*
 * Parses the options a command accepts. Everything but the options is refused, so that
 * nobody is tempted to pass a mnemonic or a password as an argument.
 */
static int
parse_options (int          *argc,
               char       ***argv,
               Options      *options,
               const char   *parameter,
               const char   *summary,
               gboolean      want_name,
               gboolean      want_new_name,
               gboolean      want_new_password_file,
               gboolean      want_generate)
{
  GOptionEntry entries[] = {
    { "vault", 0, 0, G_OPTION_ARG_FILENAME, &options->vault, N_("The wallet file (nym-wallet's saved-wallet.json format)"), N_("FILE") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &options->password_file, N_("Read the password from FILE instead of standard input"), N_("FILE") },
    { "login", 0, 0, G_OPTION_ARG_STRING, &options->login, N_("The login inside the file (default: “default”, as nym-wallet)"), N_("ID") },
    { NULL },
  };
  GOptionEntry name_entry[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &options->name, N_("The account's name"), N_("NAME") },
    { NULL },
  };
  GOptionEntry new_name_entry[] = {
    { "new-name", 0, 0, G_OPTION_ARG_STRING, &options->new_name, N_("The account's new name"), N_("NAME") },
    { NULL },
  };
  GOptionEntry new_password_entry[] = {
    { "new-password-file", 0, 0, G_OPTION_ARG_FILENAME, &options->new_password_file, N_("Read the new password from FILE instead of standard input"), N_("FILE") },
    { NULL },
  };
  GOptionEntry generate_entry[] = {
    { "generate", 0, 0, G_OPTION_ARG_NONE, &options->generate, N_("Generate a new 24-word mnemonic instead of reading one"), NULL },
    { NULL },
  };
  g_autoptr(GOptionContext) context = g_option_context_new (parameter);
  g_autoptr(GError) error = NULL;

  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (want_name)
    g_option_context_add_main_entries (context, name_entry, GETTEXT_PACKAGE);
  if (want_new_name)
    g_option_context_add_main_entries (context, new_name_entry, GETTEXT_PACKAGE);
  if (want_new_password_file)
    g_option_context_add_main_entries (context, new_password_entry, GETTEXT_PACKAGE);
  if (want_generate)
    g_option_context_add_main_entries (context, generate_entry, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, argc, argv, &error))
    return usage_error (context, error->message);
  if (*argc > 1)
    return usage_error (context, _("Unexpected argument; secrets are read from standard input or --password-file"));
  if (options->vault == NULL)
    return usage_error (context, _("--vault FILE is required"));
  return 0;
}

/*
 * nym-wallet derives every account at m/44'/118'/0'/0/0 (spec nyx-wallet.md §2.1); the
 * last index is the only part the address API takes, so other paths are reported, not guessed.
 */
static char *
account_address (const char  *mnemonic,
                 const char  *hd_path,
                 GError     **error)
{
  static const char prefix[] = "m/44'/118'/0'/0/";
  uint8_t public_key[NYX_PUBLIC_KEY_SIZE];
  char *address = NULL;
  guint64 index;
  char *end = NULL;

  if (!g_str_has_prefix (hd_path, prefix))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("the derivation path %s is not a Cosmos account path"), hd_path);
      return NULL;
    }
  index = g_ascii_strtoull (hd_path + strlen (prefix), &end, 10);
  if (end == hd_path + strlen (prefix) || *end != '\0' || index >= 0x80000000u)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("the derivation path %s is not a Cosmos account path"), hd_path);
      return NULL;
    }
  if (!nyx_address_derive_from_mnemonic (mnemonic, (uint32_t) index, public_key, NULL, &address, error))
    return NULL;
  return address;
}

static int
print_account (NyxVault   *vault,
               const char *account_id,
               const char *password)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecureText) mnemonic = nyx_vault_reveal_mnemonic (vault, account_id, password, &error);
  g_autofree char *hd_path = nyx_vault_dup_account_hd_path (vault, account_id);
  g_autofree char *address = NULL;

  if (mnemonic == NULL)
    return fail (g_steal_pointer (&error));
  address = account_address (mnemonic, hd_path, &error);
  if (address == NULL)
    g_print ("%s\t(%s)\n", account_id, error->message);
  else
    g_print ("%s\t%s\n", account_id, address);
  return 0;
}

static NyxVault *
open_vault (Options  *options,
            char    **out_password,
            GError  **error)
{
  g_autoptr(SecureText) password = read_secret (options->password_file, _("password"), error);
  NyxVault *vault;

  if (password == NULL)
    return NULL;
  vault = nyx_vault_open (options->vault, options->login, password, error);
  if (vault != NULL && out_password != NULL)
    *out_password = g_steal_pointer (&password);
  return vault;
}

static int
create_vault (Options    *options,
              const char *mnemonic,
              const char *password)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NyxVault) vault = NULL;
  const char *name = options->name != NULL ? options->name : NYX_VAULT_FIRST_ACCOUNT_NAME;

  vault = nyx_vault_create (options->vault, options->login, password, name, mnemonic, &error);
  if (vault == NULL)
    return fail (g_steal_pointer (&error));
  g_printerr (_("Created “%s” with the account “%s”.\n"), options->vault, name);
  return print_account (vault, name, password);
}

static int
run_create (int argc, char **argv)
{
  g_auto(Options) options = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SecureText) password = NULL;
  g_autoptr(SecureText) mnemonic = NULL;
  int status;

  status = parse_options (&argc, &argv, &options, NULL,
                          _("Create a new wallet file with one account and a fresh 24-word mnemonic.\n"
                            "Reads the new password from --password-file or the first line of standard input.\n"
                            "Prints the mnemonic once on standard output: write it down."),
                          TRUE, FALSE, FALSE, FALSE);
  if (status != 0)
    return status;

  password = read_secret (options.password_file, _("new password"), &error);
  if (password == NULL)
    return fail (g_steal_pointer (&error));
  mnemonic = nyx_bip39_generate (NYX_BIP39_DEFAULT_WORDS, &error);
  if (mnemonic == NULL)
    return fail (g_steal_pointer (&error));
  status = create_vault (&options, mnemonic, password);
  if (status == 0)
    {
      g_printerr (_("The new account's mnemonic follows. Anyone who sees it controls the account.\n"));
      if (!print_secret_line (mnemonic))
        return 1;
    }
  return status;
}

static int
run_import (int argc, char **argv)
{
  g_auto(Options) options = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SecureText) password = NULL;
  g_autoptr(SecureText) mnemonic = NULL;
  int status;

  status = parse_options (&argc, &argv, &options, NULL,
                          _("Create a new wallet file from an existing mnemonic.\n"
                            "Standard input: the new password (unless --password-file), then the mnemonic."),
                          TRUE, FALSE, FALSE, FALSE);
  if (status != 0)
    return status;

  password = read_secret (options.password_file, _("new password"), &error);
  if (password == NULL)
    return fail (g_steal_pointer (&error));
  mnemonic = read_secret_line (_("mnemonic"), &error);
  if (mnemonic == NULL)
    return fail (g_steal_pointer (&error));
  return create_vault (&options, mnemonic, password);
}

static int
run_list (int argc, char **argv)
{
  g_auto(Options) options = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SecureText) password = NULL;
  g_autoptr(NyxVault) vault = NULL;
  g_auto(GStrv) ids = NULL;
  int status;

  status = parse_options (&argc, &argv, &options, NULL,
                          _("List the accounts of a wallet file: name, a tab, and the n1… address.\n"
                            "Standard input: the password (unless --password-file)."),
                          FALSE, FALSE, FALSE, FALSE);
  if (status != 0)
    return status;

  vault = open_vault (&options, &password, &error);
  if (vault == NULL)
    return fail (g_steal_pointer (&error));
  ids = nyx_vault_dup_account_ids (vault);
  for (guint i = 0; ids[i] != NULL; i++)
    if (print_account (vault, ids[i], password) != 0)
      return 1;
  return 0;
}

static int
run_add_account (int argc, char **argv)
{
  g_auto(Options) options = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SecureText) password = NULL;
  g_autoptr(SecureText) mnemonic = NULL;
  g_autoptr(NyxVault) vault = NULL;
  int status;

  status = parse_options (&argc, &argv, &options, NULL,
                          _("Add an account with its own mnemonic, as nym-wallet does.\n"
                            "Standard input: the password (unless --password-file), then the mnemonic\n"
                            "(unless --generate, which prints the new mnemonic once on standard output)."),
                          TRUE, FALSE, FALSE, TRUE);
  if (status != 0)
    return status;
  if (options.name == NULL)
    {
      g_printerr ("nymph-cli: %s\n", _("--name NAME is required"));
      return 2;
    }

  vault = open_vault (&options, &password, &error);
  if (vault == NULL)
    return fail (g_steal_pointer (&error));
  if (options.generate)
    mnemonic = nyx_bip39_generate (NYX_BIP39_DEFAULT_WORDS, &error);
  else
    mnemonic = read_secret_line (_("mnemonic"), &error);
  if (mnemonic == NULL)
    return fail (g_steal_pointer (&error));
  if (!nyx_vault_add_account (vault, options.name, mnemonic, &error))
    return fail (g_steal_pointer (&error));
  status = print_account (vault, options.name, password);
  if (status == 0 && options.generate)
    {
      g_printerr (_("The new account's mnemonic follows. Anyone who sees it controls the account.\n"));
      if (!print_secret_line (mnemonic))
        return 1;
    }
  return status;
}

static int
run_rename_account (int argc, char **argv)
{
  g_auto(Options) options = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(NyxVault) vault = NULL;
  int status;

  status = parse_options (&argc, &argv, &options, NULL,
                          _("Rename an account.\nStandard input: the password (unless --password-file)."),
                          TRUE, TRUE, FALSE, FALSE);
  if (status != 0)
    return status;
  if (options.name == NULL || options.new_name == NULL)
    {
      g_printerr ("nymph-cli: %s\n", _("--name NAME and --new-name NAME are required"));
      return 2;
    }

  vault = open_vault (&options, NULL, &error);
  if (vault == NULL || !nyx_vault_rename_account (vault, options.name, options.new_name, &error))
    return fail (g_steal_pointer (&error));
  return 0;
}

static int
run_remove_account (int argc, char **argv)
{
  g_auto(Options) options = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(NyxVault) vault = NULL;
  int status;

  status = parse_options (&argc, &argv, &options, NULL,
                          _("Remove an account. Removing the last one deletes the wallet file, as nym-wallet does.\n"
                            "Standard input: the password (unless --password-file)."),
                          TRUE, FALSE, FALSE, FALSE);
  if (status != 0)
    return status;
  if (options.name == NULL)
    {
      g_printerr ("nymph-cli: %s\n", _("--name NAME is required"));
      return 2;
    }

  vault = open_vault (&options, NULL, &error);
  if (vault == NULL || !nyx_vault_remove_account (vault, options.name, &error))
    return fail (g_steal_pointer (&error));
  if (nyx_vault_get_is_removed (vault))
    g_printerr (_("That was the last account; the wallet is gone.\n"));
  return 0;
}

static int
run_show_mnemonic (int argc, char **argv)
{
  g_auto(Options) options = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SecureText) password = NULL;
  g_autoptr(SecureText) mnemonic = NULL;
  g_autoptr(NyxVault) vault = NULL;
  int status;

  status = parse_options (&argc, &argv, &options, NULL,
                          _("Print an account's mnemonic on standard output.\n"
                            "Standard input: the password (unless --password-file)."),
                          TRUE, FALSE, FALSE, FALSE);
  if (status != 0)
    return status;
  if (options.name == NULL)
    {
      g_printerr ("nymph-cli: %s\n", _("--name NAME is required"));
      return 2;
    }

  vault = open_vault (&options, &password, &error);
  if (vault == NULL)
    return fail (g_steal_pointer (&error));
  mnemonic = nyx_vault_reveal_mnemonic (vault, options.name, password, &error);
  if (mnemonic == NULL)
    return fail (g_steal_pointer (&error));
  return print_secret_line (mnemonic) ? 0 : 1;
}

static int
run_change_password (int argc, char **argv)
{
  g_auto(Options) options = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(SecureText) password = NULL;
  g_autoptr(SecureText) new_password = NULL;
  g_autoptr(NyxVault) vault = NULL;
  int status;

  status = parse_options (&argc, &argv, &options, NULL,
                          _("Change the wallet's password.\n"
                            "Standard input: the current password (unless --password-file), then the new one\n"
                            "(unless --new-password-file)."),
                          FALSE, FALSE, TRUE, FALSE);
  if (status != 0)
    return status;

  vault = open_vault (&options, &password, &error);
  if (vault == NULL)
    return fail (g_steal_pointer (&error));
  new_password = read_secret (options.new_password_file, _("new password"), &error);
  if (new_password == NULL)
    return fail (g_steal_pointer (&error));
  if (!nyx_vault_change_password (vault, password, new_password, &error))
    return fail (g_steal_pointer (&error));
  return 0;
}

const NymphCliCommand nymph_cli_wallet_commands[] = {
  { "create",          N_("Create a wallet file with a new mnemonic"),     run_create },
  { "import",          N_("Create a wallet file from a mnemonic"),         run_import },
  { "list",            N_("List accounts and their addresses"),            run_list },
  { "add-account",     N_("Add an account (its own mnemonic)"),            run_add_account },
  { "rename-account",  N_("Rename an account"),                            run_rename_account },
  { "remove-account",  N_("Remove an account"),                            run_remove_account },
  { "show-mnemonic",   N_("Print an account's mnemonic"),                  run_show_mnemonic },
  { "change-password", N_("Change the wallet file's password"),            run_change_password },
  { NULL, NULL, NULL },
};
