/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymphWalletSession: the app's wallet vault, locked or unlocked, with its accounts; the model the wallet screens bind to. */
#include "nymph-wallet-session.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "crypto/nyx-address.h"
#include "crypto/nyx-key-deriver.h"
#include "crypto/nyx-secret.h"
#include "keyring/nyx-keyring.h"
#include "nymph-account.h"
#include "vault/nyx-vault.h"

/*
 * The session owns the one vault file of the app (DESIGN.md, "Files on disk") and, while
 * it is unlocked, the NyxVault that holds the decrypted accounts. Every operation that runs
 * Argon2id (create, unlock, import, and add, rename and remove, which re-encrypt the whole
 * login) runs in a GTask worker thread; the worker only touches the vault and plain data,
 * and the session's state changes on the main thread when the worker is done, so widgets
 * bound to the properties never see a half-finished change.
 *
 * Passwords and mnemonics are copied into sodium_malloc() memory for the worker and wiped
 * when the work is freed. The session does not keep the password: the addresses of all
 * accounts are derived once, in the unlock worker, while the password is at hand.
 *
 * "Remember password" keeps the password in the desktop's Secret Service (nyx-keyring). The
 * worker that has just opened the vault with a password stores it there, so only a password
 * that works is ever remembered; nymph_wallet_session_start_async() looks it up at start
 * and unlocks with it, and a remembered password that no longer opens the vault is forgotten.
 */

/* A vault file bigger than this is not a saved-wallet.json; nym-wallet's are a few KiB. */
#define MAX_IMPORT_SIZE (4 * 1024 * 1024)

/* nym-wallet derives every account at this BIP44 path prefix and index 0 (spec §2.1). */
#define HD_PATH_PREFIX "m/44'/118'/0'/0/"

G_DEFINE_ENUM_TYPE (NymphWalletState, nymph_wallet_state,
                    G_DEFINE_ENUM_VALUE (NYMPH_WALLET_STATE_NO_WALLET, "no-wallet"),
                    G_DEFINE_ENUM_VALUE (NYMPH_WALLET_STATE_LOCKED, "locked"),
                    G_DEFINE_ENUM_VALUE (NYMPH_WALLET_STATE_UNLOCKING, "unlocking"),
                    G_DEFINE_ENUM_VALUE (NYMPH_WALLET_STATE_UNLOCKED, "unlocked"))

struct _NymphWalletSession
{
  GObject           parent_instance;

  /* Owned */
  char             *vault_path;
  NyxVault         *vault;
  GListStore       *accounts;
  char             *selected_account;
  char             *error_message;
  NymphWalletState  state;
  gboolean          busy;
  gboolean          keyring_available;
  gboolean          remember_password;
  /* Bumped by lock(): a worker that finishes after it belongs to a session that no longer exists. */
  guint             generation;
};

G_DEFINE_FINAL_TYPE (NymphWalletSession, nymph_wallet_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_VAULT_PATH,
  PROP_STATE,
  PROP_BUSY,
  PROP_ERROR_MESSAGE,
  PROP_ACCOUNTS,
  PROP_SELECTED_ACCOUNT,
  PROP_ADDRESS,
  PROP_KEYRING_AVAILABLE,
  PROP_REMEMBER_PASSWORD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef enum
{
  OPERATION_CREATE,
  OPERATION_UNLOCK,
  OPERATION_IMPORT,
  OPERATION_ADD,
  OPERATION_RENAME,
  OPERATION_REMOVE,
  OPERATION_REVEAL,
  OPERATION_CHANGE_PASSWORD,
} Operation;

/* What one worker needs and what it hands back; secrets are in sodium_malloc() memory. */
typedef struct
{
  Operation   operation;
  guint       generation;
  char       *vault_path;
  char       *source_path;
  char       *password;     /* sodium_malloc() */
  char       *new_password; /* sodium_malloc() */
  char       *mnemonic;     /* sodium_malloc() */
  char       *name;
  char       *new_name;
  NyxVault   *vault;        /* in: the open vault; out: the vault created or opened */
  GPtrArray  *accounts;     /* out: NymphAccount */
  char       *revealed;     /* out, sodium_malloc() */
  gboolean    removed;      /* out: the last account went, and the file with it */
  gboolean    file_written; /* out: a vault file exists now, even if the work failed later */
  gboolean    remember;     /* in: keep the password that worked in the keyring */
  gboolean    remembered;   /* in: the password came from the keyring */
  gboolean    forgotten;    /* out: the remembered password did not open the vault and was removed */
  char       *keyring_error; /* out: the work succeeded, but the keyring could not be updated */
} Work;

static void
work_free (Work *work)
{
  g_free (work->vault_path);
  g_free (work->source_path);
  nyx_secret_free (work->password);
  nyx_secret_free (work->new_password);
  nyx_secret_free (work->mnemonic);
  g_free (work->keyring_error);
  g_free (work->name);
  g_free (work->new_name);
  g_clear_object (&work->vault);
  g_clear_pointer (&work->accounts, g_ptr_array_unref);
  nyx_secret_free (work->revealed);
  g_free (work);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Work, work_free)

NymphWalletSession *
nymph_wallet_session_new (const char *vault_path)
{
  return g_object_new (NYMPH_TYPE_WALLET_SESSION, "vault-path", vault_path, NULL);
}

const char *
nymph_wallet_session_get_vault_path (NymphWalletSession *self)
{
  g_return_val_if_fail (NYMPH_IS_WALLET_SESSION (self), NULL);

  return self->vault_path;
}

NymphWalletState
nymph_wallet_session_get_state (NymphWalletSession *self)
{
  g_return_val_if_fail (NYMPH_IS_WALLET_SESSION (self), NYMPH_WALLET_STATE_NO_WALLET);

  return self->state;
}

gboolean
nymph_wallet_session_get_busy (NymphWalletSession *self)
{
  g_return_val_if_fail (NYMPH_IS_WALLET_SESSION (self), FALSE);

  return self->busy;
}

const char *
nymph_wallet_session_get_error_message (NymphWalletSession *self)
{
  g_return_val_if_fail (NYMPH_IS_WALLET_SESSION (self), NULL);

  return self->error_message;
}

GListModel *
nymph_wallet_session_get_accounts (NymphWalletSession *self)
{
  g_return_val_if_fail (NYMPH_IS_WALLET_SESSION (self), NULL);

  return G_LIST_MODEL (self->accounts);
}

const char *
nymph_wallet_session_get_selected_account (NymphWalletSession *self)
{
  g_return_val_if_fail (NYMPH_IS_WALLET_SESSION (self), NULL);

  return self->selected_account;
}

static NymphAccount *
find_account (NymphWalletSession *self,
              const char         *name,
              guint              *position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->accounts));

  for (guint i = 0; name != NULL && i < n; i++)
    {
      g_autoptr(NymphAccount) account = g_list_model_get_item (G_LIST_MODEL (self->accounts), i);

      if (g_strcmp0 (nymph_account_get_name (account), name) == 0)
        {
          if (position != NULL)
            *position = i;
          /* The store keeps its own reference. */
          return account;
        }
    }
  return NULL;
}

const char *
nymph_wallet_session_get_address (NymphWalletSession *self)
{
  NymphAccount *account;

  g_return_val_if_fail (NYMPH_IS_WALLET_SESSION (self), NULL);

  account = find_account (self, self->selected_account, NULL);
  return account != NULL ? nymph_account_get_address (account) : NULL;
}

/* Selecting an unknown name selects nothing, so the address is never a stale one. */
void
nymph_wallet_session_set_selected_account (NymphWalletSession *self,
                                           const char         *name)
{
  g_return_if_fail (NYMPH_IS_WALLET_SESSION (self));

  if (name != NULL && find_account (self, name, NULL) == NULL)
    name = NULL;
  if (g_strcmp0 (self->selected_account, name) == 0)
    return;
  g_free (self->selected_account);
  self->selected_account = g_strdup (name);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ACCOUNT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADDRESS]);
}

static void
select_first_account (NymphWalletSession *self)
{
  g_autoptr(NymphAccount) first = g_list_model_get_item (G_LIST_MODEL (self->accounts), 0);

  nymph_wallet_session_set_selected_account (self, first != NULL ? nymph_account_get_name (first) : NULL);
}

static void
set_state (NymphWalletSession *self,
           NymphWalletState    state)
{
  if (self->state == state)
    return;
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_busy (NymphWalletSession *self,
          gboolean            busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
set_error_message (NymphWalletSession *self,
                   const char         *message)
{
  if (g_strcmp0 (self->error_message, message) == 0)
    return;
  g_free (self->error_message);
  self->error_message = g_strdup (message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR_MESSAGE]);
}

void
nymph_wallet_session_clear_error (NymphWalletSession *self)
{
  g_return_if_fail (NYMPH_IS_WALLET_SESSION (self));

  set_error_message (self, NULL);
}

/* Whether a wallet is on disk decides between the first-run page and the unlock screen. */
static NymphWalletState
state_from_disk (NymphWalletSession *self)
{
  return g_file_test (self->vault_path, G_FILE_TEST_EXISTS) ? NYMPH_WALLET_STATE_LOCKED
                                                            : NYMPH_WALLET_STATE_NO_WALLET;
}

/* Forgets the unlocked vault: its accounts, addresses and selection. */
static void
forget_vault (NymphWalletSession *self)
{
  g_clear_object (&self->vault);
  nymph_wallet_session_set_selected_account (self, NULL);
  g_list_store_remove_all (self->accounts);
}

/* Clears the vault (the decrypted mnemonics and the password it holds) from memory. */
void
nymph_wallet_session_lock (NymphWalletSession *self)
{
  g_return_if_fail (NYMPH_IS_WALLET_SESSION (self));

  self->generation++;
  forget_vault (self);
  set_busy (self, FALSE);
  set_error_message (self, NULL);
  set_state (self, state_from_disk (self));
}

/* Worker side ----------------------------------------------------------------------------- */

static gboolean
parse_account_index (const char *account_name,
                     const char *hd_path,
                     guint32    *index,
                     GError    **error)
{
  guint64 value = 0;

  if (hd_path == NULL || !g_str_has_prefix (hd_path, HD_PATH_PREFIX)
      || !g_ascii_string_to_unsigned (hd_path + strlen (HD_PATH_PREFIX), 10, 0, G_MAXINT32, &value, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("The account “%s” uses the derivation path “%s”, which Nymph cannot derive"),
                   account_name, hd_path != NULL ? hd_path : "");
      return FALSE;
    }
  *index = (guint32) value;
  return TRUE;
}

/* @deriver may be NULL for a single account. */
static NymphAccount *
account_from_mnemonic (NyxKeyDeriver *deriver,
                       const char    *name,
                       const char    *mnemonic,
                       guint32        index,
                       GError       **error)
{
  uint8_t public_key[NYX_PUBLIC_KEY_SIZE];
  g_autofree char *address = NULL;
  bool ok;

  if (deriver != NULL)
    ok = nyx_key_deriver_derive_account (deriver, mnemonic, index, public_key, NULL, &address, error);
  else
    ok = nyx_address_derive_from_mnemonic (mnemonic, index, public_key, NULL, &address, error);
  if (!ok)
    return NULL;
  return nymph_account_new (name, address);
}

/* Derives the address of every account of an open vault; the mnemonics never leave the worker. */
static GPtrArray *
derive_accounts (NyxVault    *vault,
                 const char  *password,
                 GError     **error)
{
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func (g_object_unref);
  g_auto(GStrv) names = nyx_vault_dup_account_ids (vault);
  /* One deriver for all accounts: one blinded context and one secure block, not one per account. */
  g_autoptr(NyxKeyDeriver) deriver = nyx_key_deriver_new (error);

  if (deriver == NULL)
    return NULL;
  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *hd_path = nyx_vault_dup_account_hd_path (vault, names[i]);
      char *mnemonic;
      NymphAccount *account;
      guint32 index;

      if (!parse_account_index (names[i], hd_path, &index, error))
        return NULL;
      mnemonic = nyx_vault_reveal_mnemonic (vault, names[i], password, error);
      if (mnemonic == NULL)
        return NULL;
      account = account_from_mnemonic (deriver, names[i], mnemonic, index, error);
      nyx_secret_free (mnemonic);
      if (account == NULL)
        return NULL;
      g_ptr_array_add (accounts, account);
    }
  return g_steal_pointer (&accounts);
}

static gboolean
make_vault_directory (const char  *vault_path,
                      GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (vault_path);

  /* The directory holds only the vault, so nobody else needs to list it (DESIGN.md). */
  if (g_mkdir_with_parents (dir, 0700) != 0 || g_chmod (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not create the folder “%s”: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_all (int           fd,
           const guint8 *data,
           gsize         length)
{
  while (length > 0)
    {
      ssize_t written = write (fd, data, length);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        return FALSE;
      data += written;
      length -= (gsize) written;
    }
  return TRUE;
}

/*
 * Import (spec §5.3): the chosen nym-wallet file is read once and never written. Its bytes
 * go to a private temporary file next to our vault, which must open with the password
 * before it becomes the vault by a hard link (which, unlike rename(), refuses to replace a
 * wallet that appeared meanwhile). The temporary file is removed in every case.
 */
static NyxVault *
import_file (Work     *work,
             GError  **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *dir = g_path_get_dirname (work->vault_path);
  g_autofree char *temp_path = g_build_filename (dir, ".vault-import-XXXXXX", NULL);
  g_autoptr(NyxVault) check = NULL;
  gsize length = 0;
  int fd;
  int link_errno = 0;

  if (!g_file_get_contents (work->source_path, &contents, &length, error))
    return NULL;
  if (length > MAX_IMPORT_SIZE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” is %" G_GSIZE_FORMAT " bytes long, too big for a nym-wallet file"),
                   work->source_path, length);
      return NULL;
    }
  if (!make_vault_directory (work->vault_path, error))
    return NULL;

  fd = g_mkstemp_full (temp_path, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0 || !write_all (fd, (const guint8 *) contents, length) || fsync (fd) != 0)
    {
      int saved_errno = errno;

      if (fd >= 0)
        {
          close (fd);
          g_unlink (temp_path);
        }
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("Could not copy the wallet file to “%s”: %s"), dir, g_strerror (saved_errno));
      return NULL;
    }
  close (fd);

  check = nyx_vault_open (temp_path, NULL, work->password, error);
  if (check == NULL)
    {
      g_unlink (temp_path);
      return NULL;
    }
  g_clear_object (&check);

  if (link (temp_path, work->vault_path) != 0)
    link_errno = errno;
  /* Some file systems (FAT, some FUSE ones) have no hard links: there, check and rename. */
  if ((link_errno == EPERM || link_errno == EOPNOTSUPP || link_errno == ENOSYS)
      && !g_file_test (work->vault_path, G_FILE_TEST_EXISTS))
    link_errno = g_rename (temp_path, work->vault_path) == 0 ? 0 : errno;
  g_unlink (temp_path);
  if (link_errno != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (link_errno),
                   _("Could not store the wallet as “%s”: %s"), work->vault_path, g_strerror (link_errno));
      return NULL;
    }
  work->file_written = TRUE;
  return nyx_vault_open (work->vault_path, NULL, work->password, error);
}

/* Keeps @password for the next start. A failure does not undo the work that succeeded; it is
 * reported, and an older remembered password, which may be stale now, is removed. */
static void
remember_in_keyring (Work       *work,
                     const char *password)
{
  g_autoptr(GError) error = NULL;

  if (nyx_keyring_store_password (work->vault_path, password, NULL, &error))
    return;
  work->keyring_error = g_strdup (error->message);
  nyx_keyring_clear_password (work->vault_path, NULL, NULL);
}

static gboolean
run_work (GTask         *task,
          Work          *work,
          GCancellable  *cancellable,
          GError       **error)
{
  switch (work->operation)
    {
    case OPERATION_CREATE:
      if (!make_vault_directory (work->vault_path, error))
        return FALSE;
      work->vault = nyx_vault_create (work->vault_path, NULL, work->password, NULL, work->mnemonic, error);
      if (work->vault == NULL)
        return FALSE;
      work->file_written = TRUE;
      break;

    case OPERATION_UNLOCK:
      {
        GError *open_error = NULL;

        work->vault = nyx_vault_open (work->vault_path, NULL, work->password, &open_error);
        if (work->vault == NULL)
          {
            /* A remembered password that no longer opens the vault (it was changed elsewhere,
             * or the file was replaced) would fail at every start: forget it. */
            if (work->remembered && g_error_matches (open_error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_WRONG_PASSWORD))
              work->forgotten = nyx_keyring_clear_password (work->vault_path, NULL, NULL);
            g_propagate_error (error, open_error);
            return FALSE;
          }
      }
      break;

    case OPERATION_IMPORT:
      work->vault = import_file (work, error);
      if (work->vault == NULL)
        return FALSE;
      break;

    case OPERATION_ADD:
      {
        NymphAccount *account;

        /* The address is derived first, so a mnemonic that cannot give one is never stored. */
        account = account_from_mnemonic (NULL, work->name, work->mnemonic, 0, error);
        if (account == NULL)
          return FALSE;
        work->accounts = g_ptr_array_new_with_free_func (g_object_unref);
        g_ptr_array_add (work->accounts, account);
        return nyx_vault_add_account (work->vault, work->name, work->mnemonic, error);
      }

    case OPERATION_RENAME:
      return nyx_vault_rename_account (work->vault, work->name, work->new_name, error);

    case OPERATION_REMOVE:
      if (!nyx_vault_remove_account (work->vault, work->name, error))
        return FALSE;
      work->removed = nyx_vault_get_is_removed (work->vault);
      return TRUE;

    case OPERATION_REVEAL:
      work->revealed = nyx_vault_reveal_mnemonic (work->vault, work->name, work->password, error);
      return work->revealed != NULL;

    case OPERATION_CHANGE_PASSWORD:
      /* The vault checks the current password first and writes nothing when it is wrong. */
      if (!nyx_vault_change_password (work->vault, work->password, work->new_password, error))
        return FALSE;
      if (work->remember)
        remember_in_keyring (work, work->new_password);
      return TRUE;

    default:
      g_assert_not_reached ();
    }

  /* Create, unlock and import end with an open vault whose addresses the UI lists. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  work->accounts = derive_accounts (work->vault, work->password, error);
  if (work->accounts == NULL)
    return FALSE;
  if (work->remember && !work->remembered)
    remember_in_keyring (work, work->password);
  return TRUE;
}

static void
work_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Work *work = task_data;
  GError *error = NULL;

  /* Cancelling stops work that has not started. Once a change is written it is reported
   * as done, so the session always matches the file. */
  if (g_task_return_error_if_cancelled (task))
    return;
  if (!run_work (task, work, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Main-thread side ------------------------------------------------------------------------ */

static void
take_accounts (NymphWalletSession *self,
               GPtrArray          *accounts)
{
  g_list_store_splice (self->accounts, 0, g_list_model_get_n_items (G_LIST_MODEL (self->accounts)),
                       accounts->pdata, accounts->len);
  select_first_account (self);
}

/* A message fit for the window: the vault's own messages name the path, which is not news
 * to a user who just typed a password, so the common case gets a short sentence. */
static void
report_error (NymphWalletSession *self,
              const GError       *error)
{
  if (error == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    set_error_message (self, NULL);
  else if (g_error_matches (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_WRONG_PASSWORD))
    set_error_message (self, _("Wrong password"));
  else
    set_error_message (self, error->message);
}

static void
finish_open (NymphWalletSession *self,
             Work               *work,
             gboolean            ok,
             const GError       *error)
{
  if (ok)
    {
      forget_vault (self);
      self->vault = g_steal_pointer (&work->vault);
      take_accounts (self, work->accounts);
      set_state (self, NYMPH_WALLET_STATE_UNLOCKED);
    }
  else
    set_state (self, state_from_disk (self));
  report_error (self, error);
}

static void
finish_change (NymphWalletSession *self,
               Work               *work,
               gboolean            ok,
               const GError       *error)
{
  report_error (self, error);
  if (!ok)
    return;

  switch (work->operation)
    {
    case OPERATION_ADD:
      g_list_store_append (self->accounts, g_ptr_array_index (work->accounts, 0));
      nymph_wallet_session_set_selected_account (self, work->name);
      break;

    case OPERATION_RENAME:
      {
        NymphAccount *account = find_account (self, work->name, NULL);
        gboolean selected = g_strcmp0 (self->selected_account, work->name) == 0;

        if (account != NULL)
          nymph_account_set_name (account, work->new_name);
        if (selected)
          {
            g_free (self->selected_account);
            self->selected_account = g_strdup (work->new_name);
            g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_ACCOUNT]);
          }
      }
      break;

    case OPERATION_REMOVE:
      if (work->removed)
        {
          /* The vault deleted the file with its last account: back to the first-run page. */
          forget_vault (self);
          set_state (self, state_from_disk (self));
        }
      else
        {
          guint position;

          if (find_account (self, work->name, &position) != NULL)
            g_list_store_remove (self->accounts, position);
          if (g_strcmp0 (self->selected_account, work->name) == 0)
            select_first_account (self);
        }
      break;

    default:
      break;
    }
}

static void
set_remember (NymphWalletSession *self,
              gboolean            remember)
{
  if (self->remember_password == remember)
    return;
  self->remember_password = remember;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REMEMBER_PASSWORD]);
}

/* What the worker did to the keyring shows in the switch and, if it failed, in the message. */
static void
apply_keyring_outcome (NymphWalletSession *self,
                       Work               *work)
{
  if (work->forgotten)
    {
      set_remember (self, FALSE);
      set_error_message (self, _("The remembered password no longer opens the wallet, so it was forgotten. "
                                 "Enter the password."));
    }
  else if (work->keyring_error != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The password could not be remembered: %s"),
                                                  work->keyring_error);

      set_remember (self, FALSE);
      set_error_message (self, message);
    }
}

static void
on_work_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  NymphWalletSession *self = NYMPH_WALLET_SESSION (source);
  g_autoptr(GTask) outer = user_data;
  Work *work = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  gboolean ok = g_task_propagate_boolean (G_TASK (result), &error);

  /* The session was locked while the worker ran: whatever it opened is dropped unused. A
   * create or import may still have written the file, so the state follows the disk. */
  if (work->generation != self->generation)
    {
      if (!self->busy && self->state == NYMPH_WALLET_STATE_NO_WALLET)
        set_state (self, state_from_disk (self));
      g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("The wallet was locked before the operation finished"));
      return;
    }

  set_busy (self, FALSE);
  switch (work->operation)
    {
    case OPERATION_CREATE:
    case OPERATION_UNLOCK:
    case OPERATION_IMPORT:
      finish_open (self, work, ok, error);
      break;

    case OPERATION_REVEAL:
      report_error (self, error);
      if (ok)
        {
          g_task_return_pointer (outer, g_steal_pointer (&work->revealed), nyx_secret_free);
          return;
        }
      break;

    default:
      finish_change (self, work, ok, error);
      break;
    }
  apply_keyring_outcome (self, work);

  if (ok)
    g_task_return_boolean (outer, TRUE);
  else
    g_task_return_error (outer, g_steal_pointer (&error));
}

static const char *
describe_state (NymphWalletState state)
{
  switch (state)
    {
    case NYMPH_WALLET_STATE_NO_WALLET:
      return _("There is no wallet yet");
    case NYMPH_WALLET_STATE_LOCKED:
      return _("The wallet is locked");
    case NYMPH_WALLET_STATE_UNLOCKING:
      return _("The wallet is being unlocked");
    case NYMPH_WALLET_STATE_UNLOCKED:
    default:
      return _("The wallet is already open");
    }
}

/*
 * Starts @work in a worker if the session is in @required state and idle. The outer task
 * is what the caller sees; the inner one runs the worker and reports to on_work_done() on
 * the main thread, which updates the session before the caller hears of the result.
 */
static void
start_work (NymphWalletSession  *self,
            Work                *work_in,
            NymphWalletState     required,
            gpointer             source_tag,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(Work) work = work_in;
  g_autoptr(GTask) outer = NULL;
  g_autoptr(GTask) inner = NULL;

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, source_tag);

  if (self->busy)
    {
      g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_BUSY,
                               _("The wallet is busy with another operation"));
      return;
    }
  if (self->state != required)
    {
      g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", describe_state (self->state));
      return;
    }
  if ((work->operation == OPERATION_CREATE || work->operation == OPERATION_IMPORT)
      && state_from_disk (self) != NYMPH_WALLET_STATE_NO_WALLET)
    {
      set_state (self, NYMPH_WALLET_STATE_LOCKED);
      g_task_return_new_error (outer, G_IO_ERROR, G_IO_ERROR_EXISTS,
                               _("A wallet already exists at “%s”"), self->vault_path);
      return;
    }

  work->generation = self->generation;
  work->vault_path = g_strdup (self->vault_path);
  work->remember = self->remember_password && self->keyring_available;
  if (self->vault != NULL)
    work->vault = g_object_ref (self->vault);

  set_error_message (self, NULL);
  set_busy (self, TRUE);
  if (work->operation == OPERATION_UNLOCK)
    set_state (self, NYMPH_WALLET_STATE_UNLOCKING);

  inner = g_task_new (self, cancellable, on_work_done, g_steal_pointer (&outer));
  g_task_set_source_tag (inner, start_work);
  /* on_work_done() must learn what really happened, even when the caller gave up. */
  g_task_set_check_cancellable (inner, FALSE);
  g_task_set_task_data (inner, g_steal_pointer (&work), (GDestroyNotify) work_free);
  g_task_run_in_thread (inner, work_thread);
}

static Work *
work_new (Operation   operation,
          const char *password,
          const char *mnemonic)
{
  Work *work = g_new0 (Work, 1);

  work->operation = operation;
  if (password != NULL)
    work->password = nyx_secret_strndup (password, strlen (password));
  if (mnemonic != NULL)
    work->mnemonic = nyx_secret_strndup (mnemonic, strlen (mnemonic));
  return work;
}

static gboolean
work_has_secrets (Work       *work,
                  const char *password,
                  const char *mnemonic)
{
  return (password == NULL || work->password != NULL) && (mnemonic == NULL || work->mnemonic != NULL);
}

/* Returns the error for a secret that did not fit in protected memory; TRUE if it did. */
static gboolean
check_secrets (NymphWalletSession  *self,
               Work                *work,
               const char          *password,
               const char          *mnemonic,
               gpointer             source_tag,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  if (work_has_secrets (work, password, mnemonic))
    return TRUE;
  work_free (work);
  g_task_report_new_error (self, callback, user_data, source_tag, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _("Out of protected memory for the wallet’s secrets"));
  return FALSE;
}

static gboolean
finish_boolean (NymphWalletSession  *self,
                GAsyncResult        *result,
                gpointer             source_tag,
                GError             **error)
{
  g_return_val_if_fail (NYMPH_IS_WALLET_SESSION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_async_result_is_tagged (result, source_tag), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Creates the wallet file with one account, "Account 1", and unlocks it. */
void
nymph_wallet_session_create_async (NymphWalletSession  *self,
                                   const char          *password,
                                   const char          *mnemonic,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  Work *work;

  g_return_if_fail (NYMPH_IS_WALLET_SESSION (self));
  g_return_if_fail (password != NULL && mnemonic != NULL);

  work = work_new (OPERATION_CREATE, password, mnemonic);
  if (check_secrets (self, work, password, mnemonic, nymph_wallet_session_create_async, callback, user_data))
    start_work (self, work, NYMPH_WALLET_STATE_NO_WALLET, nymph_wallet_session_create_async,
                cancellable, callback, user_data);
}

gboolean
nymph_wallet_session_create_finish (NymphWalletSession  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  return finish_boolean (self, result, nymph_wallet_session_create_async, error);
}

void
nymph_wallet_session_unlock_async (NymphWalletSession  *self,
                                   const char          *password,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  Work *work;

  g_return_if_fail (NYMPH_IS_WALLET_SESSION (self));
  g_return_if_fail (password != NULL);

  work = work_new (OPERATION_UNLOCK, password, NULL);
  if (check_secrets (self, work, password, NULL, nymph_wallet_session_unlock_async, callback, user_data))
    start_work (self, work, NYMPH_WALLET_STATE_LOCKED, nymph_wallet_session_unlock_async,
                cancellable, callback, user_data);
}

gboolean
nymph_wallet_session_unlock_finish (NymphWalletSession  *self,
                                    GAsyncResult        *result,
                                    GError             **error)
{
  return finish_boolean (self, result, nymph_wallet_session_unlock_async, error);
}

/* Makes a copy of a nym-wallet saved-wallet.json the app's vault, and unlocks it. */
void
nymph_wallet_session_import_file_async (NymphWalletSession  *self,
                                        const char          *path,
                                        const char          *password,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  Work *work;

  g_return_if_fail (NYMPH_IS_WALLET_SESSION (self));
  g_return_if_fail (path != NULL && password != NULL);

  work = work_new (OPERATION_IMPORT, password, NULL);
  work->source_path = g_strdup (path);
  if (check_secrets (self, work, password, NULL, nymph_wallet_session_import_file_async, callback, user_data))
    start_work (self, work, NYMPH_WALLET_STATE_NO_WALLET, nymph_wallet_session_import_file_async,
                cancellable, callback, user_data);
}

gboolean
nymph_wallet_session_import_file_finish (NymphWalletSession  *self,
                                         GAsyncResult        *result,
                                         GError             **error)
{
  return finish_boolean (self, result, nymph_wallet_session_import_file_async, error);
}

void
nymph_wallet_session_add_account_async (NymphWalletSession  *self,
                                        const char          *name,
                                        const char          *mnemonic,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  Work *work;

  g_return_if_fail (NYMPH_IS_WALLET_SESSION (self));
  g_return_if_fail (name != NULL && mnemonic != NULL);

  work = work_new (OPERATION_ADD, NULL, mnemonic);
  work->name = g_strdup (name);
  if (check_secrets (self, work, NULL, mnemonic, nymph_wallet_session_add_account_async, callback, user_data))
    start_work (self, work, NYMPH_WALLET_STATE_UNLOCKED, nymph_wallet_session_add_account_async,
                cancellable, callback, user_data);
}

gboolean
nymph_wallet_session_add_account_finish (NymphWalletSession  *self,
                                         GAsyncResult        *result,
                                         GError             **error)
{
  return finish_boolean (self, result, nymph_wallet_session_add_account_async, error);
}

void
nymph_wallet_session_rename_account_async (NymphWalletSession  *self,
                                           const char          *name,
                                           const char          *new_name,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  Work *work;

  g_return_if_fail (NYMPH_IS_WALLET_SESSION (self));
  g_return_if_fail (name != NULL && new_name != NULL);

  work = work_new (OPERATION_RENAME, NULL, NULL);
  work->name = g_strdup (name);
  work->new_name = g_strdup (new_name);
  start_work (self, work, NYMPH_WALLET_STATE_UNLOCKED, nymph_wallet_session_rename_account_async,
              cancellable, callback, user_data);
}

gboolean
nymph_wallet_session_rename_account_finish (NymphWalletSession  *self,
                                            GAsyncResult        *result,
                                            GError             **error)
{
  return finish_boolean (self, result, nymph_wallet_session_rename_account_async, error);
}

/* Removing the last account deletes the wallet file, as nym-wallet does (spec §5.3). */
void
nymph_wallet_session_remove_account_async (NymphWalletSession  *self,
                                           const char          *name,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  Work *work;

  g_return_if_fail (NYMPH_IS_WALLET_SESSION (self));
  g_return_if_fail (name != NULL);

  work = work_new (OPERATION_REMOVE, NULL, NULL);
  work->name = g_strdup (name);
  start_work (self, work, NYMPH_WALLET_STATE_UNLOCKED, nymph_wallet_session_remove_account_async,
              cancellable, callback, user_data);
}

gboolean
nymph_wallet_session_remove_account_finish (NymphWalletSession  *self,
                                            GAsyncResult        *result,
                                            GError             **error)
{
  return finish_boolean (self, result, nymph_wallet_session_remove_account_async, error);
}

/* Like nym-wallet, the mnemonic is shown only to whoever types the password again. */
void
nymph_wallet_session_reveal_mnemonic_async (NymphWalletSession  *self,
                                            const char          *name,
                                            const char          *password,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  Work *work;

  g_return_if_fail (NYMPH_IS_WALLET_SESSION (self));
  g_return_if_fail (name != NULL && password != NULL);

  work = work_new (OPERATION_REVEAL, password, NULL);
  work->name = g_strdup (name);
  if (check_secrets (self, work, password, NULL, nymph_wallet_session_reveal_mnemonic_async, callback, user_data))
    start_work (self, work, NYMPH_WALLET_STATE_UNLOCKED, nymph_wallet_session_reveal_mnemonic_async,
                cancellable, callback, user_data);
}

/* Returns the mnemonic in sodium_malloc() memory; release it with nyx_secret_free(). */
char *
nymph_wallet_session_reveal_mnemonic_finish (NymphWalletSession  *self,
                                             GAsyncResult        *result,
                                             GError             **error)
{
  g_return_val_if_fail (NYMPH_IS_WALLET_SESSION (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_async_result_is_tagged (result, nymph_wallet_session_reveal_mnemonic_async), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/*
 * Re-encrypts the vault under @new_password after checking @current_password; a wrong
 * current password leaves the file untouched (NYX_VAULT_ERROR_WRONG_PASSWORD). A remembered
 * password is replaced by the new one.
 */
void
nymph_wallet_session_change_password_async (NymphWalletSession  *self,
                                            const char          *current_password,
                                            const char          *new_password,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  Work *work;

  g_return_if_fail (NYMPH_IS_WALLET_SESSION (self));
  g_return_if_fail (current_password != NULL && new_password != NULL);

  work = work_new (OPERATION_CHANGE_PASSWORD, current_password, NULL);
  work->new_password = nyx_secret_strndup (new_password, strlen (new_password));
  if (work->new_password == NULL)
    {
      nyx_secret_free (work->password);
      work->password = NULL;
    }
  if (check_secrets (self, work, current_password, NULL, nymph_wallet_session_change_password_async,
                     callback, user_data))
    start_work (self, work, NYMPH_WALLET_STATE_UNLOCKED, nymph_wallet_session_change_password_async,
                cancellable, callback, user_data);
}

gboolean
nymph_wallet_session_change_password_finish (NymphWalletSession  *self,
                                             GAsyncResult        *result,
                                             GError             **error)
{
  return finish_boolean (self, result, nymph_wallet_session_change_password_async, error);
}

/* Remember password --------------------------------------------------------------------- */

gboolean
nymph_wallet_session_get_keyring_available (NymphWalletSession *self)
{
  g_return_val_if_fail (NYMPH_IS_WALLET_SESSION (self), FALSE);

  return self->keyring_available;
}

gboolean
nymph_wallet_session_get_remember_password (NymphWalletSession *self)
{
  g_return_val_if_fail (NYMPH_IS_WALLET_SESSION (self), FALSE);

  return self->remember_password;
}

static void
clear_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;

  if (nyx_keyring_clear_password (task_data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_cleared (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  NymphWalletSession *self = NYMPH_WALLET_SESSION (source);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_autofree char *message = g_strdup_printf (_("The remembered password could not be forgotten: %s"),
                                                  error->message);

      set_error_message (self, message);
    }
}

/*
 * Turning it on takes effect at the next unlock (or create, import, password change), which
 * stores the password that worked; turning it off forgets the stored password at once.
 * Without a Secret Service it stays off.
 */
void
nymph_wallet_session_set_remember_password (NymphWalletSession *self,
                                            gboolean            remember)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (NYMPH_IS_WALLET_SESSION (self));

  remember = remember && self->keyring_available;
  if (self->remember_password == remember)
    return;
  set_remember (self, remember);
  if (remember)
    return;
  task = g_task_new (self, NULL, on_cleared, NULL);
  g_task_set_source_tag (task, nymph_wallet_session_set_remember_password);
  g_task_set_task_data (task, g_strdup (self->vault_path), g_free);
  g_task_run_in_thread (task, clear_thread);
}

static void
set_keyring_available (NymphWalletSession *self,
                       gboolean            available)
{
  if (self->keyring_available == available)
    return;
  self->keyring_available = available;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEYRING_AVAILABLE]);
  if (!available)
    set_remember (self, FALSE);
}

/* Whether the start may still unlock: nobody locked, unlocked or began anything meanwhile. */
static gboolean
start_is_current (NymphWalletSession *self,
                  GTask              *task)
{
  return GPOINTER_TO_UINT (g_task_get_task_data (task)) == self->generation
         && self->state == NYMPH_WALLET_STATE_LOCKED && !self->busy;
}

static void
on_start_unlocked (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (finish_boolean (NYMPH_WALLET_SESSION (source), result, nymph_wallet_session_start_async, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
on_start_looked_up (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  NymphWalletSession *self = g_task_get_source_object (task);
  GError *error = NULL;
  char *password = nyx_keyring_lookup_password_finish (result, &error);
  Work *work;

  if (password == NULL)
    {
      /* Nothing remembered is no error: the unlock screen simply stays. */
      if (error != NULL)
        {
          g_autofree char *message = g_strdup_printf (_("The remembered password could not be read: %s"),
                                                      error->message);

          if (start_is_current (self, task))
            set_error_message (self, message);
          g_task_return_error (task, error);
        }
      else
        g_task_return_boolean (task, FALSE);
      return;
    }

  set_remember (self, TRUE);
  if (!start_is_current (self, task))
    {
      nyx_secret_free (password);
      g_task_return_boolean (task, FALSE);
      return;
    }
  work = work_new (OPERATION_UNLOCK, password, NULL);
  nyx_secret_free (password);
  work->remembered = TRUE;
  /* Whichever of the two reports, on_start_unlocked() gets this reference. */
  if (check_secrets (self, work, "", NULL, nymph_wallet_session_start_async, on_start_unlocked, task))
    start_work (self, work, NYMPH_WALLET_STATE_LOCKED, nymph_wallet_session_start_async,
                g_task_get_cancellable (task), on_start_unlocked, task);
  (void) g_steal_pointer (&task);
}

static void
on_start_probed (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  NymphWalletSession *self = g_task_get_source_object (task);
  GCancellable *cancellable;

  set_keyring_available (self, nyx_keyring_is_available_finish (result));
  if (g_task_return_error_if_cancelled (task))
    return;
  if (!self->keyring_available || !start_is_current (self, task))
    {
      g_task_return_boolean (task, FALSE);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  nyx_keyring_lookup_password_async (self->vault_path, cancellable, on_start_looked_up, g_steal_pointer (&task));
}

/*
 * What the app does once at start: look for a Secret Service (which makes the "Remember
 * password" switches usable) and, if the wallet is locked and its password is remembered
 * there, unlock with it in a worker. Returns TRUE if it unlocked the wallet; FALSE without
 * an error if there was nothing to do (no keyring, no wallet, nothing remembered, or the
 * user was quicker); FALSE with an error if the remembered password failed, in which case
 * the unlock screen shows why.
 */
void
nymph_wallet_session_start_async (NymphWalletSession  *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (NYMPH_IS_WALLET_SESSION (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nymph_wallet_session_start_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (self->generation), NULL);
  nyx_keyring_is_available_async (cancellable, on_start_probed, task);
}

gboolean
nymph_wallet_session_start_finish (NymphWalletSession  *self,
                                   GAsyncResult        *result,
                                   GError             **error)
{
  return finish_boolean (self, result, nymph_wallet_session_start_async, error);
}

/* GObject --------------------------------------------------------------------------------- */

static void
nymph_wallet_session_constructed (GObject *object)
{
  NymphWalletSession *self = NYMPH_WALLET_SESSION (object);

  G_OBJECT_CLASS (nymph_wallet_session_parent_class)->constructed (object);

  if (self->vault_path == NULL)
    self->vault_path = g_build_filename (g_get_user_data_dir (), "nymph", "vault.json", NULL);
  self->state = state_from_disk (self);
}

static void
nymph_wallet_session_dispose (GObject *object)
{
  NymphWalletSession *self = NYMPH_WALLET_SESSION (object);

  g_clear_object (&self->vault);
  if (self->accounts != NULL)
    g_list_store_remove_all (self->accounts);

  G_OBJECT_CLASS (nymph_wallet_session_parent_class)->dispose (object);
}

static void
nymph_wallet_session_finalize (GObject *object)
{
  NymphWalletSession *self = NYMPH_WALLET_SESSION (object);

  g_clear_object (&self->accounts);
  g_free (self->vault_path);
  g_free (self->selected_account);
  g_free (self->error_message);

  G_OBJECT_CLASS (nymph_wallet_session_parent_class)->finalize (object);
}

static void
nymph_wallet_session_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  NymphWalletSession *self = NYMPH_WALLET_SESSION (object);

  switch (prop_id)
    {
    case PROP_VAULT_PATH:
      g_value_set_string (value, self->vault_path);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, self->busy);
      break;

    case PROP_ERROR_MESSAGE:
      g_value_set_string (value, self->error_message);
      break;

    case PROP_ACCOUNTS:
      g_value_set_object (value, self->accounts);
      break;

    case PROP_SELECTED_ACCOUNT:
      g_value_set_string (value, self->selected_account);
      break;

    case PROP_ADDRESS:
      g_value_set_string (value, nymph_wallet_session_get_address (self));
      break;

    case PROP_KEYRING_AVAILABLE:
      g_value_set_boolean (value, self->keyring_available);
      break;

    case PROP_REMEMBER_PASSWORD:
      g_value_set_boolean (value, self->remember_password);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nymph_wallet_session_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  NymphWalletSession *self = NYMPH_WALLET_SESSION (object);

  switch (prop_id)
    {
    case PROP_VAULT_PATH:
      self->vault_path = g_value_dup_string (value);
      break;

    case PROP_SELECTED_ACCOUNT:
      nymph_wallet_session_set_selected_account (self, g_value_get_string (value));
      break;

    case PROP_REMEMBER_PASSWORD:
      nymph_wallet_session_set_remember_password (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nymph_wallet_session_class_init (NymphWalletSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = nymph_wallet_session_constructed;
  object_class->dispose = nymph_wallet_session_dispose;
  object_class->finalize = nymph_wallet_session_finalize;
  object_class->get_property = nymph_wallet_session_get_property;
  object_class->set_property = nymph_wallet_session_set_property;

  /* NULL means $XDG_DATA_HOME/nymph/vault.json; tests point it at a temporary folder. */
  properties[PROP_VAULT_PATH] =
    g_param_spec_string ("vault-path", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       NYMPH_TYPE_WALLET_STATE, NYMPH_WALLET_STATE_NO_WALLET,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ERROR_MESSAGE] =
    g_param_spec_string ("error-message", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ACCOUNTS] =
    g_param_spec_object ("accounts", NULL, NULL, G_TYPE_LIST_MODEL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SELECTED_ACCOUNT] =
    g_param_spec_string ("selected-account", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* Whether a Secret Service runs; known after nymph_wallet_session_start_async(). */
  properties[PROP_KEYRING_AVAILABLE] =
    g_param_spec_boolean ("keyring-available", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* The "Remember password" switch; see nymph_wallet_session_set_remember_password(). */
  properties[PROP_REMEMBER_PASSWORD] =
    g_param_spec_boolean ("remember-password", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
nymph_wallet_session_init (NymphWalletSession *self)
{
  self->accounts = g_list_store_new (NYMPH_TYPE_ACCOUNT);
}
