/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NyxVault: one unlocked login of a nym-wallet compatible saved-wallet.json, with its accounts and atomic saving. */
#include "vault/nyx-vault.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "crypto/nyx-bip39.h"
#include "crypto/nyx-secret.h"
#include "nyx-wallet.h"
#include "vault/nyx-vault-crypto.h"
#include "vault/nyx-vault-file.h"
#include "vault/nyx-vault-plaintext.h"

/*
 * The file format is spec/nyx-wallet.md §5.3. A vault holds the parsed outer file (every
 * login, still sealed), the decrypted accounts of the one login it was opened with, and
 * that login's password, all secrets in sodium_malloc() memory. Every change re-encrypts
 * the whole login with a fresh salt and IV, as nym-wallet does, and replaces the file
 * atomically; in-memory state only changes once the new file is safely in place, so a
 * failed write leaves both the file and the object as they were.
 */

struct _NyxVault
{
  GObject       parent_instance;

  /* owned */
  GMutex        lock;
  char         *path;
  char         *login_id;
  char         *password;       /* sodium_malloc() */
  NyxVaultFile *file;
  GPtrArray    *accounts;       /* of NyxVaultAccount */
  gboolean      was_single_account;
  gboolean      removed;
};

G_DEFINE_FINAL_TYPE (NyxVault, nyx_vault, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PATH,
  PROP_LOGIN_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef char SecureText;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SecureText, nyx_secret_free)

static void
nyx_vault_finalize (GObject *object)
{
  NyxVault *self = NYX_VAULT (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->login_id, g_free);
  g_clear_pointer (&self->password, nyx_secret_free);
  g_clear_pointer (&self->file, nyx_vault_file_free);
  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (nyx_vault_parent_class)->finalize (object);
}

static void
nyx_vault_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  NyxVault *self = NYX_VAULT (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;
    case PROP_LOGIN_ID:
      g_value_set_string (value, self->login_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nyx_vault_class_init (NyxVaultClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = nyx_vault_finalize;
  object_class->get_property = nyx_vault_get_property;

  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LOGIN_ID] =
    g_param_spec_string ("login-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
nyx_vault_init (NyxVault *self)
{
  g_mutex_init (&self->lock);
  self->accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) nyx_vault_account_free);
}

static char *
secure_strdup (const char *text)
{
  return nyx_secret_strndup (text, strlen (text));
}

static gboolean
set_out_of_memory (GError **error)
{
  g_set_error_literal (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_CRYPTO,
                       "Out of protected memory for the wallet's secrets");
  return FALSE;
}

static gboolean
check_new_password (const char  *password,
                    GError     **error)
{
  size_t length = strlen (password);

  if (length == 0)
    {
      g_set_error_literal (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_INVALID_PASSWORD,
                           "The password is empty");
      return FALSE;
    }
  if (length > NYX_VAULT_MAX_PASSWORD_LENGTH)
    {
      g_set_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_INVALID_PASSWORD,
                   "The password is %zu bytes long, longer than the limit of %d",
                   length, NYX_VAULT_MAX_PASSWORD_LENGTH);
      return FALSE;
    }
  if (!g_utf8_validate (password, (gssize) length, NULL))
    {
      g_set_error_literal (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_INVALID_PASSWORD,
                           "The password is not valid UTF-8 text");
      return FALSE;
    }
  return TRUE;
}

/*
 * nym-wallet's own dialog allows 1–20 alphanumerics, but its first account is called
 * "Account 1", so names with spaces exist in real files. Nymph accepts any printable
 * UTF-8 up to NYX_VAULT_MAX_ACCOUNT_NAME characters that is not blank.
 */
static gboolean
check_account_name (const char  *name,
                    GError     **error)
{
  glong characters;
  g_autofree char *stripped = NULL;

  if (!g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_INVALID_NAME,
                           "The account name is not valid UTF-8 text");
      return FALSE;
    }
  stripped = g_strstrip (g_strdup (name));
  if (stripped[0] == '\0')
    {
      g_set_error_literal (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_INVALID_NAME,
                           "The account name is empty");
      return FALSE;
    }
  characters = g_utf8_strlen (name, -1);
  if (characters > NYX_VAULT_MAX_ACCOUNT_NAME)
    {
      g_set_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_INVALID_NAME,
                   "The account name “%s” has %ld characters, more than the limit of %d",
                   name, characters, NYX_VAULT_MAX_ACCOUNT_NAME);
      return FALSE;
    }
  for (const char *p = name; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      {
        g_set_error_literal (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_INVALID_NAME,
                             "The account name contains a control character");
        return FALSE;
      }
  return TRUE;
}

/*
 * nym-wallet stores the mnemonic as bip39::Mnemonic prints it: the canonical words joined
 * by single spaces. The wallet engineer's BIP39 code checks words and checksum and gives
 * exactly that form.
 */
static char *
normalize_mnemonic (const char  *mnemonic,
                    GError     **error)
{
  g_autoptr(GError) bip39_error = NULL;
  char *canonical = nyx_bip39_normalize (mnemonic, NULL, &bip39_error);

  if (canonical == NULL)
    {
      g_set_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_INVALID_MNEMONIC,
                   "The mnemonic is not valid: %s", bip39_error->message);
      return NULL;
    }
  return canonical;
}

static NyxVaultAccount *
find_account (GPtrArray  *accounts,
              const char *account_id,
              guint      *out_index)
{
  for (guint i = 0; i < accounts->len; i++)
    {
      NyxVaultAccount *account = g_ptr_array_index (accounts, i);

      if (g_strcmp0 (account->id, account_id) == 0)
        {
          if (out_index != NULL)
            *out_index = i;
          return account;
        }
    }
  return NULL;
}

static NyxVaultAccount *
find_account_by_mnemonic (GPtrArray  *accounts,
                          const char *mnemonic)
{
  size_t length = strlen (mnemonic);

  for (guint i = 0; i < accounts->len; i++)
    {
      NyxVaultAccount *account = g_ptr_array_index (accounts, i);

      if (strlen (account->mnemonic) == length && sodium_memcmp (account->mnemonic, mnemonic, length) == 0)
        return account;
    }
  return NULL;
}

/*
 * A real wallet file is a few KiB per login; anything this large is not one, and reading it
 * whole into memory would only help a denial of service.
 */
#define MAX_FILE_SIZE (4 * 1024 * 1024)

static gboolean
read_vault_file (const char    *path,
                 NyxVaultFile **out_file,
                 GError       **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) file_error = NULL;
  GStatBuf info;

  if (g_stat (path, &info) == 0 && info.st_size > MAX_FILE_SIZE)
    {
      g_set_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_CORRUPT,
                   "“%s” is not a nym-wallet wallet file: it is %" G_GINT64_FORMAT " bytes long, "
                   "more than the limit of %d", path, (gint64) info.st_size, MAX_FILE_SIZE);
      return FALSE;
    }
  if (!g_file_get_contents (path, &contents, &length, &file_error))
    {
      if (g_error_matches (file_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_NOT_FOUND,
                     "There is no wallet file at “%s”", path);
      else
        g_set_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_IO,
                     "Could not read the wallet file: %s", file_error->message);
      return FALSE;
    }

  *out_file = nyx_vault_file_parse (contents, length, path, error);
  return *out_file != NULL;
}

/* Derives the login key and opens the login's ciphertext into sodium_malloc() memory. */
static uint8_t *
unseal_login (const NyxVaultLogin  *login,
              const char           *password,
              const char           *path,
              size_t               *out_length,
              GError              **error)
{
  g_autoptr(SecureText) key = sodium_malloc (NYX_VAULT_KEY_LENGTH);
  size_t ciphertext_length = g_bytes_get_size (login->ciphertext);
  size_t length = ciphertext_length - NYX_VAULT_TAG_LENGTH;
  uint8_t *plaintext;

  if (key == NULL)
    return set_out_of_memory (error), NULL;
  if (!nyx_vault_derive_key ((const uint8_t *) password, strlen (password), login->salt, (uint8_t *) key))
    {
      g_set_error_literal (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_CRYPTO,
                           "Argon2id failed (it needs 16 MiB of memory)");
      return NULL;
    }

  plaintext = sodium_malloc (length + 1);
  if (plaintext == NULL)
    return set_out_of_memory (error), NULL;
  if (!nyx_vault_unseal ((const uint8_t *) key, login->iv,
                         g_bytes_get_data (login->ciphertext, NULL), ciphertext_length,
                         plaintext, length))
    {
      nyx_secret_free (plaintext);
      g_set_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_WRONG_PASSWORD,
                   "Could not unlock login “%s” of “%s”: the password is wrong, or the file was altered",
                   login->id, path);
      return NULL;
    }
  plaintext[length] = '\0';
  *out_length = length;
  return plaintext;
}

/* Encrypts @plaintext for @login_id under @password with a fresh random salt and IV. */
static NyxVaultLogin *
seal_login (const char     *login_id,
            const uint8_t  *plaintext,
            size_t          length,
            const char     *password,
            GError        **error)
{
  g_autoptr(SecureText) key = sodium_malloc (NYX_VAULT_KEY_LENGTH);
  uint8_t salt[NYX_VAULT_SALT_LENGTH];
  uint8_t iv[NYX_VAULT_IV_LENGTH];
  g_autofree uint8_t *ciphertext = g_malloc (length + NYX_VAULT_TAG_LENGTH);
  g_autoptr(GBytes) bytes = NULL;

  if (key == NULL)
    return set_out_of_memory (error), NULL;

  randombytes_buf (salt, sizeof salt);
  randombytes_buf (iv, sizeof iv);
  if (!nyx_vault_derive_key ((const uint8_t *) password, strlen (password), salt, (uint8_t *) key))
    {
      g_set_error_literal (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_CRYPTO,
                           "Argon2id failed (it needs 16 MiB of memory)");
      return NULL;
    }
  if (!nyx_vault_seal ((const uint8_t *) key, iv, plaintext, length, ciphertext, length + NYX_VAULT_TAG_LENGTH))
    {
      g_set_error_literal (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_CRYPTO,
                           "AES-256-GCM encryption failed");
      return NULL;
    }
  bytes = g_bytes_new_take (g_steal_pointer (&ciphertext), length + NYX_VAULT_TAG_LENGTH);
  return nyx_vault_login_new (login_id, bytes, salt, iv);
}

static gboolean
set_io_error (GError     **error,
              int          saved_errno,
              const char  *what,
              const char  *path)
{
  g_set_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_IO,
               "Could not %s “%s”: %s", what, path, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
write_all (int          fd,
           const char  *data,
           size_t       length)
{
  while (length > 0)
    {
      ssize_t n = write (fd, data, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      length -= (size_t) n;
    }
  return TRUE;
}

/* Makes a rename durable: the new directory entry must reach the disk too. */
static void
sync_directory (const char *path)
{
  g_autofree char *directory = g_path_get_dirname (path);
  int fd = open (directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

  if (fd >= 0)
    {
      (void) fsync (fd);
      close (fd);
    }
}

/*
 * Writes a temporary file with mode 0600 next to @path, fsyncs it and renames it over
 * @path, so a crash leaves either the old or the new file and never a torn one. With
 * @no_clobber the final step is link(), which fails instead of replacing an existing file.
 */
static gboolean
write_file_atomically (const char  *path,
                       const char  *data,
                       size_t       length,
                       gboolean     no_clobber,
                       GError     **error)
{
  g_autofree char *directory = g_path_get_dirname (path);
  g_autofree char *temp_path = g_strconcat (path, ".XXXXXX", NULL);
  int fd;
  int saved_errno;

  if (g_mkdir_with_parents (directory, 0700) != 0)
    return set_io_error (error, errno, "create the folder", directory);

  fd = g_mkstemp_full (temp_path, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0)
    return set_io_error (error, errno, "create a temporary file next to", path);

  if (fchmod (fd, 0600) != 0 || !write_all (fd, data, length) || fsync (fd) != 0)
    {
      saved_errno = errno;
      close (fd);
      g_unlink (temp_path);
      return set_io_error (error, saved_errno, "write", temp_path);
    }
  if (close (fd) != 0)
    {
      saved_errno = errno;
      g_unlink (temp_path);
      return set_io_error (error, saved_errno, "write", temp_path);
    }

  if (no_clobber)
    {
      int link_result = link (temp_path, path);

      saved_errno = errno;
      /* Some file systems (FAT, some FUSE) have no hard links; there a check has to do. */
      if (link_result != 0 && (saved_errno == EPERM || saved_errno == EOPNOTSUPP || saved_errno == ENOSYS)
          && !g_file_test (path, G_FILE_TEST_EXISTS))
        {
          if (g_rename (temp_path, path) == 0)
            {
              sync_directory (path);
              return TRUE;
            }
          saved_errno = errno;
        }
      if (link_result != 0)
        {
          g_unlink (temp_path);
          if (saved_errno == EEXIST)
            {
              g_set_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_EXISTS,
                           "A wallet file already exists at “%s”", path);
              return FALSE;
            }
          return set_io_error (error, saved_errno, "create", path);
        }
      g_unlink (temp_path);
    }
  else if (g_rename (temp_path, path) != 0)
    {
      saved_errno = errno;
      g_unlink (temp_path);
      return set_io_error (error, saved_errno, "replace", path);
    }

  sync_directory (path);
  return TRUE;
}

static gboolean
write_vault_file (const char          *path,
                  const NyxVaultFile  *file,
                  gboolean             no_clobber,
                  GError             **error)
{
  size_t length = 0;
  g_autofree char *data = nyx_vault_file_serialize (file, &length);

  return write_file_atomically (path, data, length, no_clobber, error);
}

/*
 * Seals @accounts for this vault's login under @password and writes the file with that
 * login replaced (or appended, for a new vault). On success the vault adopts the new file;
 * on failure nothing in the object changes.
 */
static gboolean
save_accounts (NyxVault      *self,
               GPtrArray     *accounts,
               const char    *password,
               NyxVaultFile  *base_file,
               gboolean       no_clobber,
               GError       **error)
{
  size_t length = 0;
  g_autoptr(SecureText) plaintext = NULL;
  g_autoptr(NyxVaultLogin) login = NULL;
  g_autoptr(NyxVaultFile) file = NULL;
  guint index;

  plaintext = (SecureText *) nyx_vault_plaintext_serialize (accounts, &length);
  if (plaintext == NULL)
    return set_out_of_memory (error);
  login = seal_login (self->login_id, (const uint8_t *) plaintext, length, password, error);
  if (login == NULL)
    return FALSE;

  file = nyx_vault_file_copy (base_file);
  if (nyx_vault_file_find_login (file, self->login_id, &index) != NULL)
    {
      g_ptr_array_remove_index (file->logins, index);
      g_ptr_array_insert (file->logins, (gint) index, g_steal_pointer (&login));
    }
  else
    g_ptr_array_add (file->logins, g_steal_pointer (&login));

  if (!write_vault_file (self->path, file, no_clobber, error))
    return FALSE;

  g_clear_pointer (&self->file, nyx_vault_file_free);
  self->file = g_steal_pointer (&file);
  return TRUE;
}

static gboolean
check_usable (NyxVault  *self,
              GError   **error)
{
  if (self->removed)
    {
      g_set_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_CLOSED,
                   "The wallet “%s” was removed with its last account", self->path);
      return FALSE;
    }
  return TRUE;
}

/**
 * nyx_vault_create:
 * @path: where the new file goes; it must not exist yet
 * @login_id: (nullable): the login id, %NULL for nym-wallet's "default"
 * @password: the new password
 * @account_name: (nullable): the first account's name, %NULL for "Account 1"
 * @mnemonic: the first account's mnemonic, checked as BIP39
 *
 * Writes a new wallet file in the current multi-account shape. This runs Argon2id once.
 */
NyxVault *
nyx_vault_create (const char  *path,
                  const char  *login_id,
                  const char  *password,
                  const char  *account_name,
                  const char  *mnemonic,
                  GError     **error)
{
  g_autoptr(NyxVault) self = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(NyxVaultFile) empty = NULL;
  char *canonical;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);
  g_return_val_if_fail (mnemonic != NULL, NULL);

  if (!nyx_wallet_init ())
    return set_out_of_memory (error), NULL;
  if (account_name == NULL)
    account_name = NYX_VAULT_FIRST_ACCOUNT_NAME;
  if (login_id == NULL)
    login_id = NYX_VAULT_DEFAULT_LOGIN_ID;
  if (!check_new_password (password, error) || !check_account_name (account_name, error))
    return NULL;
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_EXISTS,
                   "A wallet file already exists at “%s”", path);
      return NULL;
    }
  canonical = normalize_mnemonic (mnemonic, error);
  if (canonical == NULL)
    return NULL;

  self = g_object_new (NYX_TYPE_VAULT, NULL);
  self->path = g_strdup (path);
  self->login_id = g_strdup (login_id);
  self->password = secure_strdup (password);
  if (self->password == NULL)
    {
      nyx_secret_free (canonical);
      return set_out_of_memory (error), NULL;
    }

  accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) nyx_vault_account_free);
  g_ptr_array_add (accounts, nyx_vault_account_new (account_name, NYX_VAULT_DEFAULT_HD_PATH, canonical));
  empty = nyx_vault_file_new ();
  self->file = nyx_vault_file_new ();
  if (!save_accounts (self, accounts, self->password, empty, TRUE, error))
    return NULL;

  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  self->accounts = g_steal_pointer (&accounts);
  return g_steal_pointer (&self);
}

/**
 * nyx_vault_open:
 * @path: a saved-wallet.json
 * @login_id: (nullable): which login to unlock, %NULL for "default"
 * @password: the login's password
 *
 * Unlocks one login. Reads the file and never writes it, so a wrong password or a damaged
 * file cannot change it. This runs Argon2id once.
 */
NyxVault *
nyx_vault_open (const char  *path,
                const char  *login_id,
                const char  *password,
                GError     **error)
{
  g_autoptr(NyxVault) self = NULL;
  g_autoptr(NyxVaultFile) file = NULL;
  g_autoptr(SecureText) plaintext = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  NyxVaultLogin *login;
  size_t length = 0;
  bool single = false;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (password != NULL, NULL);

  if (!nyx_wallet_init ())
    return set_out_of_memory (error), NULL;
  if (login_id == NULL)
    login_id = NYX_VAULT_DEFAULT_LOGIN_ID;

  if (!read_vault_file (path, &file, error))
    return NULL;
  login = nyx_vault_file_find_login (file, login_id, NULL);
  if (login == NULL)
    {
      g_autofree char *available = nyx_vault_file_list_logins (file);

      g_set_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_NO_SUCH_LOGIN,
                   "The wallet file “%s” has no login “%s” (it has: %s)", path, login_id, available);
      return NULL;
    }

  plaintext = (SecureText *) unseal_login (login, password, path, &length, error);
  if (plaintext == NULL)
    return NULL;
  accounts = nyx_vault_plaintext_parse ((const uint8_t *) plaintext, length, login_id, &single, error);
  if (accounts == NULL)
    return NULL;

  self = g_object_new (NYX_TYPE_VAULT, NULL);
  self->path = g_strdup (path);
  self->login_id = g_strdup (login_id);
  self->password = secure_strdup (password);
  if (self->password == NULL)
    return set_out_of_memory (error), NULL;
  self->file = g_steal_pointer (&file);
  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  self->accounts = g_steal_pointer (&accounts);
  self->was_single_account = single;
  return g_steal_pointer (&self);
}

const char *
nyx_vault_get_path (NyxVault *self)
{
  g_return_val_if_fail (NYX_IS_VAULT (self), NULL);

  return self->path;
}

const char *
nyx_vault_get_login_id (NyxVault *self)
{
  g_return_val_if_fail (NYX_IS_VAULT (self), NULL);

  return self->login_id;
}

/* Whether the login was stored in the legacy single-account shape when it was opened. */
gboolean
nyx_vault_get_was_single_account (NyxVault *self)
{
  g_return_val_if_fail (NYX_IS_VAULT (self), FALSE);

  return self->was_single_account;
}

/* Whether removing the last account removed the login (and maybe the file). */
gboolean
nyx_vault_get_is_removed (NyxVault *self)
{
  g_return_val_if_fail (NYX_IS_VAULT (self), FALSE);

  return self->removed;
}

guint
nyx_vault_get_n_accounts (NyxVault *self)
{
  guint n;

  g_return_val_if_fail (NYX_IS_VAULT (self), 0);

  g_mutex_lock (&self->lock);
  n = self->accounts->len;
  g_mutex_unlock (&self->lock);
  return n;
}

/* The account names in file order, as a %NULL-terminated array to free with g_strfreev(). */
char **
nyx_vault_dup_account_ids (NyxVault *self)
{
  GStrvBuilder *builder;
  char **ids;

  g_return_val_if_fail (NYX_IS_VAULT (self), NULL);

  builder = g_strv_builder_new ();
  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->accounts->len; i++)
    g_strv_builder_add (builder, ((NyxVaultAccount *) g_ptr_array_index (self->accounts, i))->id);
  g_mutex_unlock (&self->lock);
  ids = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return ids;
}

char *
nyx_vault_dup_account_hd_path (NyxVault   *self,
                               const char *account_id)
{
  NyxVaultAccount *account;
  char *hd_path = NULL;

  g_return_val_if_fail (NYX_IS_VAULT (self), NULL);

  g_mutex_lock (&self->lock);
  account = find_account (self->accounts, account_id, NULL);
  if (account != NULL)
    hd_path = g_strdup (account->hd_path);
  g_mutex_unlock (&self->lock);
  return hd_path;
}

gboolean
nyx_vault_has_account (NyxVault   *self,
                       const char *account_id)
{
  gboolean found;

  g_return_val_if_fail (NYX_IS_VAULT (self), FALSE);

  g_mutex_lock (&self->lock);
  found = find_account (self->accounts, account_id, NULL) != NULL;
  g_mutex_unlock (&self->lock);
  return found;
}

/* Adds an account with its own mnemonic, as nym-wallet's "Add account" does (§2.1). */
gboolean
nyx_vault_add_account (NyxVault    *self,
                       const char  *account_id,
                       const char  *mnemonic,
                       GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  char *canonical;
  gboolean ok;

  g_return_val_if_fail (NYX_IS_VAULT (self), FALSE);
  g_return_val_if_fail (account_id != NULL && mnemonic != NULL, FALSE);

  locker = g_mutex_locker_new (&self->lock);
  if (!check_usable (self, error) || !check_account_name (account_id, error))
    return FALSE;
  if (find_account (self->accounts, account_id, NULL) != NULL)
    {
      g_set_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_ACCOUNT_EXISTS,
                   "The wallet already has an account named “%s”", account_id);
      return FALSE;
    }
  canonical = normalize_mnemonic (mnemonic, error);
  if (canonical == NULL)
    return FALSE;
  {
    NyxVaultAccount *existing = find_account_by_mnemonic (self->accounts, canonical);

    if (existing != NULL)
      {
        g_set_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_DUPLICATE_MNEMONIC,
                     "This mnemonic is already in the wallet as the account “%s”", existing->id);
        nyx_secret_free (canonical);
        return FALSE;
      }
  }

  g_ptr_array_add (self->accounts, nyx_vault_account_new (account_id, NYX_VAULT_DEFAULT_HD_PATH, canonical));
  ok = save_accounts (self, self->accounts, self->password, self->file, FALSE, error);
  if (!ok)
    g_ptr_array_remove_index (self->accounts, self->accounts->len - 1);
  return ok;
}

gboolean
nyx_vault_rename_account (NyxVault    *self,
                          const char  *account_id,
                          const char  *new_account_id,
                          GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  NyxVaultAccount *account;
  char *old_id;

  g_return_val_if_fail (NYX_IS_VAULT (self), FALSE);
  g_return_val_if_fail (account_id != NULL && new_account_id != NULL, FALSE);

  locker = g_mutex_locker_new (&self->lock);
  if (!check_usable (self, error) || !check_account_name (new_account_id, error))
    return FALSE;
  account = find_account (self->accounts, account_id, NULL);
  if (account == NULL)
    {
      g_set_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_NO_SUCH_ACCOUNT,
                   "The wallet has no account named “%s”", account_id);
      return FALSE;
    }
  if (strcmp (account_id, new_account_id) == 0)
    return TRUE;
  if (find_account (self->accounts, new_account_id, NULL) != NULL)
    {
      g_set_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_ACCOUNT_EXISTS,
                   "The wallet already has an account named “%s”", new_account_id);
      return FALSE;
    }

  old_id = account->id;
  account->id = g_strdup (new_account_id);
  if (!save_accounts (self, self->accounts, self->password, self->file, FALSE, error))
    {
      g_free (account->id);
      account->id = old_id;
      return FALSE;
    }
  g_free (old_id);
  return TRUE;
}

/*
 * Removes an account. Removing the last one removes the login, and a file left without
 * logins is deleted, as nym-wallet does; the vault is then unusable.
 */
gboolean
nyx_vault_remove_account (NyxVault    *self,
                          const char  *account_id,
                          GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  NyxVaultAccount *account;
  guint index;

  g_return_val_if_fail (NYX_IS_VAULT (self), FALSE);
  g_return_val_if_fail (account_id != NULL, FALSE);

  locker = g_mutex_locker_new (&self->lock);
  if (!check_usable (self, error))
    return FALSE;
  account = find_account (self->accounts, account_id, &index);
  if (account == NULL)
    {
      g_set_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_NO_SUCH_ACCOUNT,
                   "The wallet has no account named “%s”", account_id);
      return FALSE;
    }

  if (self->accounts->len == 1)
    {
      g_autoptr(NyxVaultFile) file = nyx_vault_file_copy (self->file);
      guint login_index;

      if (nyx_vault_file_find_login (file, self->login_id, &login_index) != NULL)
        g_ptr_array_remove_index (file->logins, login_index);
      if (file->logins->len == 0)
        {
          if (g_unlink (self->path) != 0 && errno != ENOENT)
            return set_io_error (error, errno, "remove", self->path);
          sync_directory (self->path);
        }
      else if (!write_vault_file (self->path, file, FALSE, error))
        return FALSE;

      g_clear_pointer (&self->file, nyx_vault_file_free);
      self->file = g_steal_pointer (&file);
      g_ptr_array_remove_index (self->accounts, 0);
      self->removed = TRUE;
      return TRUE;
    }

  account = g_ptr_array_steal_index (self->accounts, index);
  if (!save_accounts (self, self->accounts, self->password, self->file, FALSE, error))
    {
      g_ptr_array_insert (self->accounts, (gint) index, account);
      return FALSE;
    }
  nyx_vault_account_free (account);
  return TRUE;
}

/* Compares with the unlock password in constant time. */
gboolean
nyx_vault_check_password (NyxVault   *self,
                          const char *password)
{
  size_t length;
  gboolean equal;

  g_return_val_if_fail (NYX_IS_VAULT (self), FALSE);
  g_return_val_if_fail (password != NULL, FALSE);

  g_mutex_lock (&self->lock);
  length = strlen (password);
  equal = self->password != NULL && strlen (self->password) == length
          && sodium_memcmp (self->password, password, length) == 0;
  g_mutex_unlock (&self->lock);
  return equal;
}

/*
 * Re-encrypts the login under @new_password. Other logins of an older multi-login file
 * must share the password (nym-wallet refuses files where they differ), so they are
 * re-encrypted too, as opaque plaintext; if one of them does not open with the current
 * password the change is refused and nothing is written.
 */
gboolean
nyx_vault_change_password (NyxVault    *self,
                           const char  *current_password,
                           const char  *new_password,
                           GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NyxVaultFile) file = NULL;
  char *secure_new;

  g_return_val_if_fail (NYX_IS_VAULT (self), FALSE);
  g_return_val_if_fail (current_password != NULL && new_password != NULL, FALSE);

  if (!nyx_vault_check_password (self, current_password))
    {
      g_set_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_WRONG_PASSWORD,
                   "The current password of “%s” is wrong", self->path);
      return FALSE;
    }

  locker = g_mutex_locker_new (&self->lock);
  if (!check_usable (self, error) || !check_new_password (new_password, error))
    return FALSE;

  file = nyx_vault_file_copy (self->file);
  for (guint i = 0; i < file->logins->len; i++)
    {
      NyxVaultLogin *other = g_ptr_array_index (file->logins, i);
      g_autoptr(SecureText) plaintext = NULL;
      g_autoptr(GError) unseal_error = NULL;
      NyxVaultLogin *resealed;
      size_t length = 0;

      if (g_strcmp0 (other->id, self->login_id) == 0)
        continue;
      plaintext = (SecureText *) unseal_login (other, self->password, self->path, &length, &unseal_error);
      if (plaintext == NULL)
        {
          g_set_error (error, NYX_VAULT_ERROR, unseal_error->code,
                       "The password was not changed: the file's other login “%s” does not open "
                       "with the current password (%s)", other->id, unseal_error->message);
          return FALSE;
        }
      resealed = seal_login (other->id, (const uint8_t *) plaintext, length, new_password, error);
      if (resealed == NULL)
        return FALSE;
      g_ptr_array_index (file->logins, i) = resealed;
      nyx_vault_login_free (other);
    }

  secure_new = secure_strdup (new_password);
  if (secure_new == NULL)
    return set_out_of_memory (error);
  if (!save_accounts (self, self->accounts, secure_new, file, FALSE, error))
    {
      nyx_secret_free (secure_new);
      return FALSE;
    }
  nyx_secret_free (self->password);
  self->password = secure_new;
  return TRUE;
}

/*
 * Returns a copy of the account's mnemonic in sodium_malloc() memory (free it with
 * nyx_secret_free()). Like nym-wallet, it asks for the password again first.
 */
char *
nyx_vault_reveal_mnemonic (NyxVault    *self,
                           const char  *account_id,
                           const char  *password,
                           GError     **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  NyxVaultAccount *account;
  char *copy;

  g_return_val_if_fail (NYX_IS_VAULT (self), NULL);
  g_return_val_if_fail (account_id != NULL && password != NULL, NULL);

  if (!nyx_vault_check_password (self, password))
    {
      g_set_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_WRONG_PASSWORD,
                   "The password of “%s” is wrong", self->path);
      return NULL;
    }

  locker = g_mutex_locker_new (&self->lock);
  if (!check_usable (self, error))
    return NULL;
  account = find_account (self->accounts, account_id, NULL);
  if (account == NULL)
    {
      g_set_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_NO_SUCH_ACCOUNT,
                   "The wallet has no account named “%s”", account_id);
      return NULL;
    }
  copy = secure_strdup (account->mnemonic);
  if (copy == NULL)
    set_out_of_memory (error);
  return copy;
}

/* The async variants: the arguments are copied (secrets into secure memory) for the worker. */

typedef struct
{
  char *path;
  char *login_id;
  char *account_name;
  char *new_account_name;
  char *password;       /* sodium_malloc() */
  char *new_password;   /* sodium_malloc() */
  char *mnemonic;       /* sodium_malloc() */
} TaskData;

static void
task_data_free (TaskData *data)
{
  g_free (data->path);
  g_free (data->login_id);
  g_free (data->account_name);
  g_free (data->new_account_name);
  nyx_secret_free (data->password);
  nyx_secret_free (data->new_password);
  nyx_secret_free (data->mnemonic);
  g_free (data);
}

static char *
secure_strdup0 (const char *text)
{
  return text != NULL ? secure_strdup (text) : NULL;
}

static void
return_vault (GTask    *task,
              NyxVault *vault,
              GError   *error)
{
  if (vault == NULL)
    g_task_return_error (task, error);
  else if (g_task_return_error_if_cancelled (task))
    g_object_unref (vault);
  else
    g_task_return_pointer (task, vault, g_object_unref);
}

static void
create_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  TaskData *data = task_data;
  GError *error = NULL;
  NyxVault *vault;

  if (g_task_return_error_if_cancelled (task))
    return;
  vault = nyx_vault_create (data->path, data->login_id, data->password, data->account_name,
                            data->mnemonic, &error);
  return_vault (task, vault, error);
}

void
nyx_vault_create_async (const char          *path,
                        const char          *login_id,
                        const char          *password,
                        const char          *account_name,
                        const char          *mnemonic,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TaskData *data;

  g_return_if_fail (path != NULL && password != NULL && mnemonic != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, nyx_vault_create_async);
  data = g_new0 (TaskData, 1);
  data->path = g_strdup (path);
  data->login_id = g_strdup (login_id);
  data->account_name = g_strdup (account_name);
  data->password = secure_strdup0 (password);
  data->mnemonic = secure_strdup0 (mnemonic);
  g_task_set_task_data (task, data, (GDestroyNotify) task_data_free);
  if (data->password == NULL || data->mnemonic == NULL)
    {
      g_task_return_new_error (task, NYX_VAULT_ERROR, NYX_VAULT_ERROR_CRYPTO,
                               "Out of protected memory for the wallet's secrets");
      return;
    }
  g_task_run_in_thread (task, create_thread);
}

NyxVault *
nyx_vault_create_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == nyx_vault_create_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
open_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  TaskData *data = task_data;
  GError *error = NULL;
  NyxVault *vault;

  if (g_task_return_error_if_cancelled (task))
    return;
  vault = nyx_vault_open (data->path, data->login_id, data->password, &error);
  return_vault (task, vault, error);
}

void
nyx_vault_open_async (const char          *path,
                      const char          *login_id,
                      const char          *password,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TaskData *data;

  g_return_if_fail (path != NULL && password != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, nyx_vault_open_async);
  data = g_new0 (TaskData, 1);
  data->path = g_strdup (path);
  data->login_id = g_strdup (login_id);
  data->password = secure_strdup0 (password);
  g_task_set_task_data (task, data, (GDestroyNotify) task_data_free);
  if (data->password == NULL)
    {
      g_task_return_new_error (task, NYX_VAULT_ERROR, NYX_VAULT_ERROR_CRYPTO,
                               "Out of protected memory for the wallet's secrets");
      return;
    }
  g_task_run_in_thread (task, open_thread);
}

NyxVault *
nyx_vault_open_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == nyx_vault_open_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
change_password_thread (GTask        *task,
                        gpointer      source_object,
                        gpointer      task_data,
                        GCancellable *cancellable)
{
  TaskData *data = task_data;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (!nyx_vault_change_password (NYX_VAULT (source_object), data->password, data->new_password, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

void
nyx_vault_change_password_async (NyxVault            *self,
                                 const char          *current_password,
                                 const char          *new_password,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  TaskData *data;

  g_return_if_fail (NYX_IS_VAULT (self));
  g_return_if_fail (current_password != NULL && new_password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, nyx_vault_change_password_async);
  data = g_new0 (TaskData, 1);
  data->password = secure_strdup0 (current_password);
  data->new_password = secure_strdup0 (new_password);
  g_task_set_task_data (task, data, (GDestroyNotify) task_data_free);
  if (data->password == NULL || data->new_password == NULL)
    {
      g_task_return_new_error (task, NYX_VAULT_ERROR, NYX_VAULT_ERROR_CRYPTO,
                               "Out of protected memory for the wallet's secrets");
      return;
    }
  g_task_run_in_thread (task, change_password_thread);
}

gboolean
nyx_vault_change_password_finish (NyxVault      *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (NYX_IS_VAULT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == nyx_vault_change_password_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The account changes: one worker that calls the synchronous function named by the source tag. */

static void
change_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  NyxVault *self = NYX_VAULT (source_object);
  TaskData *data = task_data;
  gpointer tag = g_task_get_source_tag (task);
  GError *error = NULL;
  gboolean ok;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (tag == nyx_vault_add_account_async)
    ok = nyx_vault_add_account (self, data->account_name, data->mnemonic, &error);
  else if (tag == nyx_vault_rename_account_async)
    ok = nyx_vault_rename_account (self, data->account_name, data->new_account_name, &error);
  else
    ok = nyx_vault_remove_account (self, data->account_name, &error);

  if (!ok)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
run_change (NyxVault            *self,
            gpointer             source_tag,
            TaskData            *data,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, (GDestroyNotify) task_data_free);
  g_task_run_in_thread (task, change_thread);
}

static gboolean
finish_change (NyxVault      *self,
               GAsyncResult  *result,
               gpointer       source_tag,
               GError       **error)
{
  g_return_val_if_fail (NYX_IS_VAULT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
nyx_vault_add_account_async (NyxVault            *self,
                             const char          *account_id,
                             const char          *mnemonic,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  TaskData *data;

  g_return_if_fail (NYX_IS_VAULT (self));
  g_return_if_fail (account_id != NULL && mnemonic != NULL);

  data = g_new0 (TaskData, 1);
  data->account_name = g_strdup (account_id);
  data->mnemonic = secure_strdup (mnemonic);
  if (data->mnemonic == NULL)
    {
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      task_data_free (data);
      g_task_set_source_tag (task, nyx_vault_add_account_async);
      g_task_return_new_error (task, NYX_VAULT_ERROR, NYX_VAULT_ERROR_CRYPTO,
                               "Out of protected memory for the wallet's secrets");
      return;
    }
  run_change (self, nyx_vault_add_account_async, data, cancellable, callback, user_data);
}

gboolean
nyx_vault_add_account_finish (NyxVault      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return finish_change (self, result, nyx_vault_add_account_async, error);
}

void
nyx_vault_rename_account_async (NyxVault            *self,
                                const char          *account_id,
                                const char          *new_account_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  TaskData *data;

  g_return_if_fail (NYX_IS_VAULT (self));
  g_return_if_fail (account_id != NULL && new_account_id != NULL);

  data = g_new0 (TaskData, 1);
  data->account_name = g_strdup (account_id);
  data->new_account_name = g_strdup (new_account_id);
  run_change (self, nyx_vault_rename_account_async, data, cancellable, callback, user_data);
}

gboolean
nyx_vault_rename_account_finish (NyxVault      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return finish_change (self, result, nyx_vault_rename_account_async, error);
}

void
nyx_vault_remove_account_async (NyxVault            *self,
                                const char          *account_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  TaskData *data;

  g_return_if_fail (NYX_IS_VAULT (self));
  g_return_if_fail (account_id != NULL);

  data = g_new0 (TaskData, 1);
  data->account_name = g_strdup (account_id);
  run_change (self, nyx_vault_remove_account_async, data, cancellable, callback, user_data);
}

gboolean
nyx_vault_remove_account_finish (NyxVault      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  return finish_change (self, result, nyx_vault_remove_account_async, error);
}
