/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of NymphWalletSession: its state machine, import of nym-wallet files, account changes and cancellation. */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "crypto/nyx-address.h"
#include "crypto/nyx-bip39.h"
#include "crypto/nyx-secret.h"
#include "nymph-account.h"
#include "nymph-wallet-session.h"
#include "nyx-wallet.h"
#include "vault/nyx-vault.h"

#define PASSWORD "correct horse battery 9!"

typedef struct
{
  char               *dir;
  char               *vault_path;
  NymphWalletSession *session;
  char               *mnemonic;   /* sodium_malloc() */
  GPtrArray          *states;     /* every state the session went through, as GINT_TO_POINTER */
} SessionFixture;

static void
record_state (NymphWalletSession *session,
              GParamSpec         *pspec,
              SessionFixture     *fixture)
{
  g_ptr_array_add (fixture->states, GINT_TO_POINTER (nymph_wallet_session_get_state (session)));
}

static void
session_fixture_set_up (SessionFixture *fixture,
                        gconstpointer   user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("nymph-session-XXXXXX", &error);
  g_assert_no_error (error);
  /* The session must create the missing "nymph" folder itself. */
  fixture->vault_path = g_build_filename (fixture->dir, "nymph", "vault.json", NULL);
  fixture->session = nymph_wallet_session_new (fixture->vault_path);
  fixture->mnemonic = nyx_bip39_generate (24, &error);
  g_assert_no_error (error);
  fixture->states = g_ptr_array_new ();
  g_signal_connect (fixture->session, "notify::state", G_CALLBACK (record_state), fixture);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_assert_cmpint (g_unlink (child), ==, 0);
    }
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

/* A GTask worker thread drops its own reference to the task, and so to the session, just
 * after the result reached the main thread; wait (boundedly) for that before finalizing. */
static void
assert_finalize_soon (gpointer object)
{
  gpointer weak = object;
  gint64 until = g_get_monotonic_time () + 10 * G_TIME_SPAN_SECOND;

  g_object_add_weak_pointer (G_OBJECT (object), &weak);
  g_object_unref (object);
  while (weak != NULL && g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_null (weak);
}

static void
session_fixture_tear_down (SessionFixture *fixture,
                           gconstpointer   user_data)
{
  assert_finalize_soon (fixture->session);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->vault_path);
  nyx_bip39_mnemonic_free (fixture->mnemonic);
  g_ptr_array_unref (fixture->states);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Runs the main loop until the operation reports; the session's state changes on this thread. */
static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static gboolean
create_wallet (SessionFixture  *fixture,
               const char      *password,
               GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  nymph_wallet_session_create_async (fixture->session, password, fixture->mnemonic, NULL, store_result, &result);
  return nymph_wallet_session_create_finish (fixture->session, wait_for (&result), error);
}

static gboolean
unlock_wallet (NymphWalletSession  *session,
               const char          *password,
               GCancellable        *cancellable,
               GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  nymph_wallet_session_unlock_async (session, password, cancellable, store_result, &result);
  return nymph_wallet_session_unlock_finish (session, wait_for (&result), error);
}

static char *
address_of (const char *mnemonic)
{
  uint8_t public_key[NYX_PUBLIC_KEY_SIZE];
  g_autoptr(GError) error = NULL;
  char *address = NULL;

  g_assert_true (nyx_address_derive_from_mnemonic (mnemonic, 0, public_key, NULL, &address, &error));
  g_assert_no_error (error);
  return address;
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, &error));
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static void
test_session_new_and_finalize (void)
{
  NymphWalletSession *session = nymph_wallet_session_new (NULL);
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "nymph", "vault.json", NULL);

  /* Without a path the vault lives under $XDG_DATA_HOME, which main() points at nothing real. */
  g_assert_cmpstr (nymph_wallet_session_get_vault_path (session), ==, expected);
  g_assert_cmpint (nymph_wallet_session_get_state (session), ==, NYMPH_WALLET_STATE_NO_WALLET);
  g_assert_false (nymph_wallet_session_get_busy (session));
  g_assert_cmpuint (g_list_model_get_n_items (nymph_wallet_session_get_accounts (session)), ==, 0);
  g_assert_finalize_object (session);
}

/* no-wallet → create → unlocked → lock → locked → wrong password → still locked, file
 * unchanged → unlock → unlocked, the same address as before. */
static void
test_session_state_machine (SessionFixture *fixture,
                            gconstpointer   user_data)
{
  NymphWalletSession *session = fixture->session;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected_address = address_of (fixture->mnemonic);
  g_autofree char *dir = g_path_get_dirname (fixture->vault_path);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(NymphAccount) account = NULL;
  GStatBuf st;

  g_assert_cmpint (nymph_wallet_session_get_state (session), ==, NYMPH_WALLET_STATE_NO_WALLET);
  g_assert_null (nymph_wallet_session_get_address (session));

  g_assert_true (create_wallet (fixture, PASSWORD, &error));
  g_assert_no_error (error);
  g_assert_cmpint (nymph_wallet_session_get_state (session), ==, NYMPH_WALLET_STATE_UNLOCKED);
  g_assert_false (nymph_wallet_session_get_busy (session));
  g_assert_null (nymph_wallet_session_get_error_message (session));
  g_assert_true (g_file_test (fixture->vault_path, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpuint (g_list_model_get_n_items (nymph_wallet_session_get_accounts (session)), ==, 1);
  account = g_list_model_get_item (nymph_wallet_session_get_accounts (session), 0);
  g_assert_cmpstr (nymph_account_get_name (account), ==, NYX_VAULT_FIRST_ACCOUNT_NAME);
  g_assert_cmpstr (nymph_account_get_address (account), ==, expected_address);
  g_assert_cmpstr (nymph_wallet_session_get_selected_account (session), ==, NYX_VAULT_FIRST_ACCOUNT_NAME);
  g_assert_cmpstr (nymph_wallet_session_get_address (session), ==, expected_address);

  nymph_wallet_session_lock (session);
  g_assert_cmpint (nymph_wallet_session_get_state (session), ==, NYMPH_WALLET_STATE_LOCKED);
  g_assert_cmpuint (g_list_model_get_n_items (nymph_wallet_session_get_accounts (session)), ==, 0);
  g_assert_null (nymph_wallet_session_get_address (session));

  before = read_bytes (fixture->vault_path);
  g_assert_false (unlock_wallet (session, "not the password", NULL, &error));
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);
  g_assert_cmpint (nymph_wallet_session_get_state (session), ==, NYMPH_WALLET_STATE_LOCKED);
  g_assert_cmpstr (nymph_wallet_session_get_error_message (session), ==, "Wrong password");
  g_assert_false (nymph_wallet_session_get_busy (session));
  after = read_bytes (fixture->vault_path);
  g_assert_true (g_bytes_equal (before, after));

  g_assert_true (unlock_wallet (session, PASSWORD, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (nymph_wallet_session_get_state (session), ==, NYMPH_WALLET_STATE_UNLOCKED);
  g_assert_null (nymph_wallet_session_get_error_message (session));
  g_assert_cmpstr (nymph_wallet_session_get_address (session), ==, expected_address);

  /* Each unlock went through "unlocking": unlocked, locked, unlocking, locked, unlocking, unlocked. */
  {
    NymphWalletState expected[] = {
      NYMPH_WALLET_STATE_UNLOCKED, NYMPH_WALLET_STATE_LOCKED,
      NYMPH_WALLET_STATE_UNLOCKING, NYMPH_WALLET_STATE_LOCKED,
      NYMPH_WALLET_STATE_UNLOCKING, NYMPH_WALLET_STATE_UNLOCKED,
    };

    g_assert_cmpuint (fixture->states->len, ==, G_N_ELEMENTS (expected));
    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      g_assert_cmpint (GPOINTER_TO_INT (g_ptr_array_index (fixture->states, i)), ==, expected[i]);
  }

  /* A new session on the same path starts locked, as the app does at its next start. */
  {
    g_autoptr(NymphWalletSession) again = nymph_wallet_session_new (fixture->vault_path);

    g_assert_cmpint (nymph_wallet_session_get_state (again), ==, NYMPH_WALLET_STATE_LOCKED);
  }
}

/* Operations that do not fit the state are refused with a clear error and change nothing. */
static void
test_session_wrong_state (SessionFixture *fixture,
                          gconstpointer   user_data)
{
  NymphWalletSession *session = fixture->session;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  g_assert_false (unlock_wallet (session, PASSWORD, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpint (nymph_wallet_session_get_state (session), ==, NYMPH_WALLET_STATE_NO_WALLET);

  nymph_wallet_session_add_account_async (session, "Second", fixture->mnemonic, NULL, store_result, &result);
  g_assert_false (nymph_wallet_session_add_account_finish (session, wait_for (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);
  g_clear_object (&result);

  /* A second operation while one runs is refused as busy. */
  nymph_wallet_session_create_async (session, PASSWORD, fixture->mnemonic, NULL, store_result, &result);
  g_assert_true (nymph_wallet_session_get_busy (session));
  {
    g_autoptr(GAsyncResult) second = NULL;

    nymph_wallet_session_create_async (session, PASSWORD, fixture->mnemonic, NULL, store_result, &second);
    g_assert_false (nymph_wallet_session_create_finish (session, wait_for (&second), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
    g_clear_error (&error);
  }
  g_assert_true (nymph_wallet_session_create_finish (session, wait_for (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);

  /* A bad mnemonic never becomes a wallet. */
  nymph_wallet_session_lock (session);
  g_assert_cmpint (g_unlink (fixture->vault_path), ==, 0);
  nymph_wallet_session_lock (session);
  g_assert_cmpint (nymph_wallet_session_get_state (session), ==, NYMPH_WALLET_STATE_NO_WALLET);
  nymph_wallet_session_create_async (session, PASSWORD, "abandon abandon", NULL, store_result, &result);
  g_assert_false (nymph_wallet_session_create_finish (session, wait_for (&result), &error));
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_INVALID_MNEMONIC);
  g_assert_nonnull (nymph_wallet_session_get_error_message (session));
  g_assert_cmpint (nymph_wallet_session_get_state (session), ==, NYMPH_WALLET_STATE_NO_WALLET);
  g_assert_false (g_file_test (fixture->vault_path, G_FILE_TEST_EXISTS));
}

/* Writes a nym-wallet saved-wallet.json with two accounts through the vault API. */
static char *
write_nym_wallet_file (SessionFixture *fixture,
                       const char     *password,
                       char          **second_address)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *other_dir = g_build_filename (fixture->dir, "nym-wallet", NULL);
  char *path = g_build_filename (other_dir, "saved-wallet.json", NULL);
  g_autoptr(NyxVault) vault = NULL;
  char *second = nyx_bip39_generate (24, &error);

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (other_dir, 0700), ==, 0);
  vault = nyx_vault_create (path, NULL, password, NULL, fixture->mnemonic, &error);
  g_assert_no_error (error);
  g_assert_true (nyx_vault_add_account (vault, "savings", second, &error));
  g_assert_no_error (error);
  *second_address = address_of (second);
  nyx_bip39_mnemonic_free (second);
  return path;
}

static gboolean
import_wallet (NymphWalletSession  *session,
               const char          *path,
               const char          *password,
               GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  nymph_wallet_session_import_file_async (session, path, password, NULL, store_result, &result);
  return nymph_wallet_session_import_file_finish (session, wait_for (&result), error);
}

static void
test_session_import (SessionFixture *fixture,
                     gconstpointer   user_data)
{
  NymphWalletSession *session = fixture->session;
  g_autoptr(GError) error = NULL;
  g_autofree char *second_address = NULL;
  g_autofree char *first_address = address_of (fixture->mnemonic);
  g_autofree char *source = write_nym_wallet_file (fixture, "password11!", &second_address);
  g_autoptr(GBytes) original = read_bytes (source);
  g_autoptr(GBytes) copy = NULL;
  g_autoptr(GBytes) source_after = NULL;
  g_autoptr(NymphAccount) first = NULL;
  g_autoptr(NymphAccount) second = NULL;
  g_autofree char *missing = g_build_filename (fixture->dir, "no-such-file.json", NULL);
  g_autofree char *not_json = g_build_filename (fixture->dir, "not-a-wallet.json", NULL);
  g_autofree char *vault_dir = g_path_get_dirname (fixture->vault_path);

  /* The wrong password leaves no vault and no temporary file behind. */
  g_assert_false (import_wallet (session, source, "password", &error));
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);
  g_assert_cmpstr (nymph_wallet_session_get_error_message (session), ==, "Wrong password");
  g_assert_cmpint (nymph_wallet_session_get_state (session), ==, NYMPH_WALLET_STATE_NO_WALLET);
  g_assert_false (g_file_test (fixture->vault_path, G_FILE_TEST_EXISTS));
  {
    g_autoptr(GDir) dir = g_dir_open (vault_dir, 0, &error);

    g_assert_no_error (error);
    g_assert_null (g_dir_read_name (dir));
  }

  g_assert_false (import_wallet (session, missing, "password11!", &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);
  g_assert_true (g_file_set_contents (not_json, "{\"hello\": 1}", -1, NULL));
  g_assert_false (import_wallet (session, not_json, "password11!", &error));
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_CORRUPT);
  g_clear_error (&error);
  g_assert_false (g_file_test (fixture->vault_path, G_FILE_TEST_EXISTS));

  g_assert_true (import_wallet (session, source, "password11!", &error));
  g_assert_no_error (error);
  g_assert_cmpint (nymph_wallet_session_get_state (session), ==, NYMPH_WALLET_STATE_UNLOCKED);
  g_assert_cmpuint (g_list_model_get_n_items (nymph_wallet_session_get_accounts (session)), ==, 2);
  first = g_list_model_get_item (nymph_wallet_session_get_accounts (session), 0);
  second = g_list_model_get_item (nymph_wallet_session_get_accounts (session), 1);
  g_assert_cmpstr (nymph_account_get_name (first), ==, NYX_VAULT_FIRST_ACCOUNT_NAME);
  g_assert_cmpstr (nymph_account_get_address (first), ==, first_address);
  g_assert_cmpstr (nymph_account_get_name (second), ==, "savings");
  g_assert_cmpstr (nymph_account_get_address (second), ==, second_address);

  /* The vault is a byte-for-byte copy and the original was never touched. */
  copy = read_bytes (fixture->vault_path);
  source_after = read_bytes (source);
  g_assert_true (g_bytes_equal (original, copy));
  g_assert_true (g_bytes_equal (original, source_after));

  /* Changes go to the copy only. */
  {
    g_autoptr(GAsyncResult) result = NULL;

    nymph_wallet_session_rename_account_async (session, "savings", "Savings", NULL, store_result, &result);
    g_assert_true (nymph_wallet_session_rename_account_finish (session, wait_for (&result), &error));
    g_assert_no_error (error);
    g_clear_pointer (&source_after, g_bytes_unref);
    source_after = read_bytes (source);
    g_assert_true (g_bytes_equal (original, source_after));
  }

  /* With a wallet in place a second import is refused and changes nothing. */
  nymph_wallet_session_lock (session);
  g_clear_pointer (&copy, g_bytes_unref);
  copy = read_bytes (fixture->vault_path);
  g_assert_false (import_wallet (session, source, "password11!", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);
  {
    g_autoptr(GBytes) still = read_bytes (fixture->vault_path);

    g_assert_true (g_bytes_equal (copy, still));
  }
}

static void
cancel_when_unlocking (NymphWalletSession *session,
                       GParamSpec         *pspec,
                       GCancellable       *cancellable)
{
  if (nymph_wallet_session_get_state (session) == NYMPH_WALLET_STATE_UNLOCKING)
    g_cancellable_cancel (cancellable);
}

static void
test_session_cancellation (SessionFixture *fixture,
                           gconstpointer   user_data)
{
  NymphWalletSession *session = fixture->session;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  gulong handler;

  g_assert_true (create_wallet (fixture, PASSWORD, &error));
  g_assert_no_error (error);
  nymph_wallet_session_lock (session);

  /* Cancelled as soon as the unlock starts: the session stays locked, with no error shown. */
  handler = g_signal_connect (session, "notify::state", G_CALLBACK (cancel_when_unlocking), cancellable);
  g_assert_false (unlock_wallet (session, PASSWORD, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_signal_handler_disconnect (session, handler);
  g_assert_cmpint (nymph_wallet_session_get_state (session), ==, NYMPH_WALLET_STATE_LOCKED);
  g_assert_false (nymph_wallet_session_get_busy (session));
  g_assert_null (nymph_wallet_session_get_error_message (session));
  g_assert_cmpuint (g_list_model_get_n_items (nymph_wallet_session_get_accounts (session)), ==, 0);

  /* Locking while the worker runs: the vault it opens is dropped and the caller hears "cancelled". */
  nymph_wallet_session_unlock_async (session, PASSWORD, NULL, store_result, &result);
  g_assert_cmpint (nymph_wallet_session_get_state (session), ==, NYMPH_WALLET_STATE_UNLOCKING);
  nymph_wallet_session_lock (session);
  g_assert_cmpint (nymph_wallet_session_get_state (session), ==, NYMPH_WALLET_STATE_LOCKED);
  g_assert_false (nymph_wallet_session_unlock_finish (session, wait_for (&result), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpint (nymph_wallet_session_get_state (session), ==, NYMPH_WALLET_STATE_LOCKED);
  g_assert_cmpuint (g_list_model_get_n_items (nymph_wallet_session_get_accounts (session)), ==, 0);

  /* Locking while a new wallet is being created: the file the worker writes is what the
   * session then reports (a locked wallet), not the state from before. */
  {
    g_autoptr(GAsyncResult) created = NULL;
    g_autofree char *other_path = g_build_filename (fixture->dir, "other", "vault.json", NULL);
    g_autoptr(NymphWalletSession) other = nymph_wallet_session_new (other_path);

    nymph_wallet_session_create_async (other, PASSWORD, fixture->mnemonic, NULL, store_result, &created);
    nymph_wallet_session_lock (other);
    g_assert_cmpint (nymph_wallet_session_get_state (other), ==, NYMPH_WALLET_STATE_NO_WALLET);
    g_assert_false (nymph_wallet_session_create_finish (other, wait_for (&created), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    g_assert_true (g_file_test (other_path, G_FILE_TEST_EXISTS));
    g_assert_cmpint (nymph_wallet_session_get_state (other), ==, NYMPH_WALLET_STATE_LOCKED);
    g_assert_cmpuint (g_list_model_get_n_items (nymph_wallet_session_get_accounts (other)), ==, 0);
  }

  /* And the session still works afterwards. */
  g_assert_true (unlock_wallet (session, PASSWORD, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (nymph_wallet_session_get_state (session), ==, NYMPH_WALLET_STATE_UNLOCKED);
}

static gboolean
add_account (NymphWalletSession  *session,
             const char          *name,
             const char          *mnemonic,
             GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  nymph_wallet_session_add_account_async (session, name, mnemonic, NULL, store_result, &result);
  return nymph_wallet_session_add_account_finish (session, wait_for (&result), error);
}

static gboolean
remove_account (NymphWalletSession  *session,
                const char          *name,
                GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  nymph_wallet_session_remove_account_async (session, name, NULL, store_result, &result);
  return nymph_wallet_session_remove_account_finish (session, wait_for (&result), error);
}

static char *
reveal (NymphWalletSession  *session,
        const char          *name,
        const char          *password,
        GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  nymph_wallet_session_reveal_mnemonic_async (session, name, password, NULL, store_result, &result);
  return nymph_wallet_session_reveal_mnemonic_finish (session, wait_for (&result), error);
}

static void
test_session_accounts (SessionFixture *fixture,
                       gconstpointer   user_data)
{
  NymphWalletSession *session = fixture->session;
  GListModel *accounts = nymph_wallet_session_get_accounts (session);
  g_autoptr(GError) error = NULL;
  char *second = nyx_bip39_generate (24, &error);
  g_autofree char *second_address = address_of (second);
  g_autoptr(GAsyncResult) result = NULL;
  char *revealed;

  g_assert_no_error (error);
  g_assert_true (create_wallet (fixture, PASSWORD, &error));
  g_assert_no_error (error);

  g_assert_true (add_account (session, "Savings", second, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (accounts), ==, 2);
  /* The new account is selected, so its address is what the Wallet view shows. */
  g_assert_cmpstr (nymph_wallet_session_get_selected_account (session), ==, "Savings");
  g_assert_cmpstr (nymph_wallet_session_get_address (session), ==, second_address);

  /* The same mnemonic twice, or a name in use, is refused and lists nothing new. */
  g_assert_false (add_account (session, "Again", second, &error));
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_DUPLICATE_MNEMONIC);
  g_clear_error (&error);
  g_assert_false (add_account (session, "Savings", fixture->mnemonic, &error));
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_ACCOUNT_EXISTS);
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (accounts), ==, 2);

  nymph_wallet_session_rename_account_async (session, "Savings", "Cold", NULL, store_result, &result);
  g_assert_true (nymph_wallet_session_rename_account_finish (session, wait_for (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpstr (nymph_wallet_session_get_selected_account (session), ==, "Cold");
  g_assert_cmpstr (nymph_wallet_session_get_address (session), ==, second_address);
  {
    g_autoptr(NymphAccount) renamed = g_list_model_get_item (accounts, 1);

    g_assert_cmpstr (nymph_account_get_name (renamed), ==, "Cold");
  }
  nymph_wallet_session_rename_account_async (session, "Cold", "", NULL, store_result, &result);
  g_assert_false (nymph_wallet_session_rename_account_finish (session, wait_for (&result), &error));
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_INVALID_NAME);
  g_clear_error (&error);
  g_clear_object (&result);

  /* The mnemonic only with the password. */
  g_assert_null (reveal (session, "Cold", "wrong", &error));
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);
  revealed = reveal (session, "Cold", PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (revealed, ==, second);
  nyx_secret_free (revealed);

  /* The changes are in the file: a fresh unlock lists the same accounts. */
  nymph_wallet_session_lock (session);
  g_assert_true (unlock_wallet (session, PASSWORD, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (accounts), ==, 2);
  nymph_wallet_session_set_selected_account (session, "Cold");
  g_assert_cmpstr (nymph_wallet_session_get_address (session), ==, second_address);
  nymph_wallet_session_set_selected_account (session, "nobody");
  g_assert_null (nymph_wallet_session_get_selected_account (session));
  g_assert_null (nymph_wallet_session_get_address (session));
  nymph_wallet_session_set_selected_account (session, "Cold");

  /* Removing the selected account selects the first one left. */
  g_assert_true (remove_account (session, "Cold", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (accounts), ==, 1);
  g_assert_cmpstr (nymph_wallet_session_get_selected_account (session), ==, NYX_VAULT_FIRST_ACCOUNT_NAME);
  g_assert_false (remove_account (session, "Cold", &error));
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_NO_SUCH_ACCOUNT);
  g_clear_error (&error);

  /* Removing the last account deletes the wallet: back to the first-run state. */
  g_assert_true (remove_account (session, NYX_VAULT_FIRST_ACCOUNT_NAME, &error));
  g_assert_no_error (error);
  g_assert_cmpint (nymph_wallet_session_get_state (session), ==, NYMPH_WALLET_STATE_NO_WALLET);
  g_assert_cmpuint (g_list_model_get_n_items (accounts), ==, 0);
  g_assert_false (g_file_test (fixture->vault_path, G_FILE_TEST_EXISTS));
  nyx_bip39_mnemonic_free (second);
}

static gboolean
change_password (NymphWalletSession  *session,
                 const char          *current,
                 const char          *new_password,
                 GError             **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  nymph_wallet_session_change_password_async (session, current, new_password, NULL, store_result, &result);
  /* Argon2id runs in the worker; meanwhile the session is busy, unless it refused at once. */
  g_assert_true (nymph_wallet_session_get_busy (session) == (nymph_wallet_session_get_state (session) == NYMPH_WALLET_STATE_UNLOCKED));
  return nymph_wallet_session_change_password_finish (session, wait_for (&result), error);
}

/*
 * Wrong current password → WRONG_PASSWORD and the file byte for byte as before; a new
 * password the vault refuses → its error, file unchanged; locked → refused; then a real
 * change: the session stays unlocked with the same accounts, the old password no longer
 * opens the file and the new one does.
 */
static void
test_session_change_password (SessionFixture *fixture,
                              gconstpointer   user_data)
{
  NymphWalletSession *session = fixture->session;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(NyxVault) reopened = NULL;
  g_autofree char *too_long = g_strnfill (NYX_VAULT_MAX_PASSWORD_LENGTH + 1, 'x');
  g_autofree char *expected_address = address_of (fixture->mnemonic);
  NymphWalletSession *locked;
  guint n_states;

  g_assert_true (create_wallet (fixture, PASSWORD, &error));
  g_assert_no_error (error);
  before = read_bytes (fixture->vault_path);
  n_states = fixture->states->len;

  g_assert_false (change_password (session, "not the password", "a new password 42", &error));
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);
  g_assert_cmpstr (nymph_wallet_session_get_error_message (session), ==, "Wrong password");
  after = read_bytes (fixture->vault_path);
  g_assert_true (g_bytes_equal (before, after));
  g_clear_pointer (&after, g_bytes_unref);

  g_assert_false (change_password (session, PASSWORD, too_long, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  after = read_bytes (fixture->vault_path);
  g_assert_true (g_bytes_equal (before, after));
  g_clear_pointer (&after, g_bytes_unref);

  /* None of this left the unlocked state, or locked the wallet on the way. */
  g_assert_cmpuint (fixture->states->len, ==, n_states);
  g_assert_cmpint (nymph_wallet_session_get_state (session), ==, NYMPH_WALLET_STATE_UNLOCKED);

  /* A second session on the same file, still locked, cannot change anything. */
  locked = nymph_wallet_session_new (fixture->vault_path);
  g_assert_false (change_password (locked, PASSWORD, "a new password 42", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_finalize_object (locked);

  g_assert_true (change_password (session, PASSWORD, "a new password 42", &error));
  g_assert_no_error (error);
  g_assert_null (nymph_wallet_session_get_error_message (session));
  g_assert_cmpint (nymph_wallet_session_get_state (session), ==, NYMPH_WALLET_STATE_UNLOCKED);
  g_assert_cmpstr (nymph_wallet_session_get_address (session), ==, expected_address);
  after = read_bytes (fixture->vault_path);
  g_assert_false (g_bytes_equal (before, after));

  reopened = nyx_vault_open (fixture->vault_path, NULL, PASSWORD, &error);
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_WRONG_PASSWORD);
  g_assert_null (reopened);
  g_clear_error (&error);
  reopened = nyx_vault_open (fixture->vault_path, NULL, "a new password 42", &error);
  g_assert_no_error (error);
  g_assert_true (nyx_vault_has_account (reopened, "Account 1"));

  /* After a lock, the session unlocks with the new password only. */
  nymph_wallet_session_lock (session);
  g_assert_false (unlock_wallet (session, PASSWORD, NULL, &error));
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);
  g_assert_true (unlock_wallet (session, "a new password 42", NULL, &error));
  g_assert_no_error (error);
}

/* Without a Secret Service (this test's D-Bus session has none running), "Remember password"
 * cannot be turned on, and the start does nothing but say so. */
static void
test_session_no_keyring (SessionFixture *fixture,
                         gconstpointer   user_data)
{
  NymphWalletSession *session = fixture->session;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (create_wallet (fixture, PASSWORD, &error));
  g_assert_no_error (error);
  nymph_wallet_session_lock (session);

  nymph_wallet_session_start_async (session, NULL, store_result, &result);
  g_assert_false (nymph_wallet_session_start_finish (session, wait_for (&result), &error));
  g_assert_no_error (error);
  g_assert_false (nymph_wallet_session_get_keyring_available (session));
  g_assert_cmpint (nymph_wallet_session_get_state (session), ==, NYMPH_WALLET_STATE_LOCKED);

  nymph_wallet_session_set_remember_password (session, TRUE);
  g_assert_false (nymph_wallet_session_get_remember_password (session));
  g_object_set (session, "remember-password", TRUE, NULL);
  g_assert_false (nymph_wallet_session_get_remember_password (session));
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data_home = NULL;

  /* Nothing here may see the real $XDG_DATA_HOME; GLib reads it once, so set it first. */
  data_home = g_dir_make_tmp ("nymph-session-home-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_DATA_HOME", data_home, TRUE);

  g_test_init (&argc, &argv, NULL);
  g_assert_true (nyx_wallet_init ());

  g_test_add_func ("/wallet-session/new-and-finalize", test_session_new_and_finalize);
#define ADD(path, func) \
  g_test_add (path, SessionFixture, NULL, session_fixture_set_up, func, session_fixture_tear_down)
  ADD ("/wallet-session/state-machine", test_session_state_machine);
  ADD ("/wallet-session/wrong-state", test_session_wrong_state);
  ADD ("/wallet-session/import", test_session_import);
  ADD ("/wallet-session/cancellation", test_session_cancellation);
  ADD ("/wallet-session/accounts", test_session_accounts);
  ADD ("/wallet-session/change-password", test_session_change_password);
  ADD ("/wallet-session/no-keyring", test_session_no_keyring);
#undef ADD

  {
    int status = g_test_run ();

    g_rmdir (data_home);
    return status;
  }
}
