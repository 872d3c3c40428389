/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymClientStore: the mixnet client's keys and gateway registrations in client.sqlite (spec nym-gateway.md §4.2). */
#include "gateway/nym-client-store.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <sqlite3.h>

#include "crypto/nym-base58.h"

/* Bumped when the tables change; a newer file is refused rather than misread. */
#define SCHEMA_VERSION 1

/* The key rows (§4.2): the Ed25519 seed (the public key is derived), the X25519 secret and
 * the ack key, each a BLOB of fixed size. */
#define KEY_IDENTITY_SEED       "ed25519_identity_seed"
#define KEY_ENCRYPTION_SECRET   "x25519_encryption_secret"
#define KEY_ACK                 "aes128ctr_ack_key"

struct _NymClientStore
{
  GObject  parent_instance;

  /* owned */
  char    *path;
  sqlite3 *db;
};

G_DEFINE_FINAL_TYPE (NymClientStore, nym_client_store, G_TYPE_OBJECT)

static void
nym_client_store_finalize (GObject *object)
{
  NymClientStore *self = NYM_CLIENT_STORE (object);

  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_free (self->path);
  G_OBJECT_CLASS (nym_client_store_parent_class)->finalize (object);
}

static void
nym_client_store_class_init (NymClientStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = nym_client_store_finalize;
}

static void
nym_client_store_init (NymClientStore *self)
{
}

static bool
sql_error (NymClientStore *self,
           const char     *what,
           GError        **error)
{
  g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_STORE,
               "Cannot %s in the client store %s: %s", what, self->path, sqlite3_errmsg (self->db));
  return false;
}

static bool
exec (NymClientStore *self,
      const char     *sql,
      const char     *what,
      GError        **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return sql_error (self, what, error);
  return true;
}

static bool
migrate (NymClientStore *self,
         GError        **error)
{
  sqlite3_stmt *statement = NULL;
  int version;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &statement, NULL) != SQLITE_OK ||
      sqlite3_step (statement) != SQLITE_ROW)
    {
      sqlite3_finalize (statement);
      return sql_error (self, "read the schema version", error);
    }
  version = sqlite3_column_int (statement, 0);
  sqlite3_finalize (statement);

  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_STORE,
                   "The client store %s has schema version %d; this program knows only up to %d",
                   self->path, version, SCHEMA_VERSION);
      return false;
    }
  if (version == SCHEMA_VERSION)
    return true;
  return exec (self,
               "BEGIN IMMEDIATE;"
               "CREATE TABLE IF NOT EXISTS keys ("
               "  name  TEXT PRIMARY KEY NOT NULL,"
               "  value BLOB NOT NULL);"
               "CREATE TABLE IF NOT EXISTS gateway_registrations ("
               "  gateway_identity TEXT PRIMARY KEY NOT NULL,"
               "  shared_key       BLOB NOT NULL,"
               "  url              TEXT NOT NULL,"
               "  registered_at    INTEGER NOT NULL,"
               "  last_authenticated INTEGER NOT NULL DEFAULT 0);"
               "PRAGMA user_version = 1;"
               "COMMIT;",
               "create the tables", error);
}

/* The directory is private to the user (0700) and the file is created 0600 before SQLite
 * opens it, so no other user can ever read a key, not even briefly. */
NymClientStore *
nym_client_store_open (const char *directory,
                       GError    **error)
{
  g_autoptr(NymClientStore) self = NULL;
  int fd;

  g_return_val_if_fail (directory != NULL, NULL);

  if (g_mkdir_with_parents (directory, 0700) != 0 || g_chmod (directory, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_STORE,
                   "Cannot create the private directory %s for the client store: %s",
                   directory, g_strerror (saved));
      return NULL;
    }

  self = g_object_new (NYM_TYPE_CLIENT_STORE, NULL);
  self->path = g_build_filename (directory, NYM_CLIENT_STORE_FILE_NAME, NULL);
  fd = g_open (self->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0 || fchmod (fd, 0600) != 0)
    {
      int saved = errno;

      if (fd >= 0)
        close (fd);
      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_STORE,
                   "Cannot create the client store %s: %s", self->path, g_strerror (saved));
      return NULL;
    }
  close (fd);

  if (sqlite3_open_v2 (self->path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK)
    {
      sql_error (self, "open the database", error);
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 2000);
  if (!exec (self, "PRAGMA secure_delete = ON;", "turn on secure_delete", error) ||
      !migrate (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

const char *
nym_client_store_get_path (NymClientStore *self)
{
  g_return_val_if_fail (NYM_IS_CLIENT_STORE (self), NULL);
  return self->path;
}

/* Copies one key row into out (sodium memory owned by the caller); *found says whether the
 * row exists. A row of the wrong size is a corrupt store, not a missing key. */
static bool
load_key (NymClientStore *self,
          const char     *name,
          uint8_t        *out,
          size_t          len,
          bool           *found,
          GError        **error)
{
  sqlite3_stmt *statement = NULL;
  int rc;

  *found = false;
  if (sqlite3_prepare_v2 (self->db, "SELECT value FROM keys WHERE name = ?1", -1, &statement, NULL) != SQLITE_OK)
    return sql_error (self, "read the client keys", error);
  sqlite3_bind_text (statement, 1, name, -1, SQLITE_STATIC);
  rc = sqlite3_step (statement);
  if (rc == SQLITE_ROW)
    {
      const void *value = sqlite3_column_blob (statement, 0);
      int value_len = sqlite3_column_bytes (statement, 0);

      if (value == NULL || value_len < 0 || (size_t) value_len != len)
        {
          sqlite3_finalize (statement);
          g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_STORE,
                       "The key %s in the client store %s has %d bytes; it must have %zu",
                       name, self->path, value_len, len);
          return false;
        }
      memcpy (out, value, len);
      *found = true;
    }
  sqlite3_finalize (statement);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return sql_error (self, "read the client keys", error);
  return true;
}

/* Loads the client's keys; *out is NULL (and the result true) when the store has none yet. */
bool
nym_client_store_load_keys (NymClientStore *self,
                            NymClientKeys **out,
                            GError        **error)
{
  uint8_t *secrets;
  bool found[3];
  bool ok;

  g_return_val_if_fail (NYM_IS_CLIENT_STORE (self), false);
  g_return_val_if_fail (out != NULL, false);

  *out = NULL;
  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised");
  secrets = sodium_malloc (32 + 32 + 16);
  g_assert (secrets != NULL);
  ok = load_key (self, KEY_IDENTITY_SEED, secrets, 32, &found[0], error) &&
       load_key (self, KEY_ENCRYPTION_SECRET, secrets + 32, 32, &found[1], error) &&
       load_key (self, KEY_ACK, secrets + 64, 16, &found[2], error);
  if (ok && (found[0] != found[1] || found[1] != found[2]))
    {
      g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_STORE,
                   "The client store %s holds only some of the client keys (identity %s, "
                   "encryption %s, ack %s)", self->path, found[0] ? "present" : "missing",
                   found[1] ? "present" : "missing", found[2] ? "present" : "missing");
      ok = false;
    }
  if (ok && found[0])
    *out = nym_client_keys_new_from_secrets (secrets, secrets + 32, secrets + 64);
  sodium_free (secrets);
  return ok;
}

static bool
save_key (NymClientStore *self,
          const char     *name,
          const uint8_t  *value,
          size_t          len,
          GError        **error)
{
  sqlite3_stmt *statement = NULL;
  int rc;

  if (sqlite3_prepare_v2 (self->db, "INSERT OR REPLACE INTO keys (name, value) VALUES (?1, ?2)",
                          -1, &statement, NULL) != SQLITE_OK)
    return sql_error (self, "write the client keys", error);
  sqlite3_bind_text (statement, 1, name, -1, SQLITE_STATIC);
  sqlite3_bind_blob (statement, 2, value, (int) len, SQLITE_STATIC);
  rc = sqlite3_step (statement);
  sqlite3_finalize (statement);
  if (rc != SQLITE_DONE)
    return sql_error (self, "write the client keys", error);
  return true;
}

/* Writes all three keys in one transaction, replacing any there were. */
bool
nym_client_store_save_keys (NymClientStore      *self,
                            const NymClientKeys *keys,
                            GError             **error)
{
  g_return_val_if_fail (NYM_IS_CLIENT_STORE (self), false);
  g_return_val_if_fail (keys != NULL, false);

  if (!exec (self, "BEGIN IMMEDIATE", "start a transaction", error))
    return false;
  /* The first 32 bytes of libsodium's Ed25519 secret key are the seed. */
  if (!save_key (self, KEY_IDENTITY_SEED, keys->identity_secret, 32, error) ||
      !save_key (self, KEY_ENCRYPTION_SECRET, keys->encryption_secret, 32, error) ||
      !save_key (self, KEY_ACK, keys->ack_key, 16, error))
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return false;
    }
  return exec (self, "COMMIT", "commit the client keys", error);
}

/* The keys of this client: the stored ones, or new random ones that are stored first. */
NymClientKeys *
nym_client_store_ensure_keys (NymClientStore *self,
                              GError        **error)
{
  g_autoptr(NymClientKeys) keys = NULL;

  g_return_val_if_fail (NYM_IS_CLIENT_STORE (self), NULL);

  if (!nym_client_store_load_keys (self, &keys, error))
    return NULL;
  if (keys != NULL)
    return g_steal_pointer (&keys);
  keys = nym_client_keys_new_random ();
  if (!nym_client_store_save_keys (self, keys, error))
    return NULL;
  return g_steal_pointer (&keys);
}

/* Loads the registration at the gateway with this identity; *out is NULL (and the result
 * true) when the client never registered there. */
bool
nym_client_store_load_registration (NymClientStore          *self,
                                    const uint8_t            gateway_identity[static 32],
                                    NymGatewayRegistration **out,
                                    GError                 **error)
{
  g_autofree char *identity = nym_base58_encode (gateway_identity, 32);
  sqlite3_stmt *statement = NULL;
  int rc;

  g_return_val_if_fail (NYM_IS_CLIENT_STORE (self), false);
  g_return_val_if_fail (out != NULL, false);

  *out = NULL;
  if (sqlite3_prepare_v2 (self->db,
                          "SELECT shared_key, url, registered_at, last_authenticated FROM gateway_registrations "
                          "WHERE gateway_identity = ?1", -1, &statement, NULL) != SQLITE_OK)
    return sql_error (self, "read the gateway registration", error);
  sqlite3_bind_text (statement, 1, identity, -1, SQLITE_STATIC);
  rc = sqlite3_step (statement);
  if (rc == SQLITE_ROW)
    {
      const void *key = sqlite3_column_blob (statement, 0);
      int key_len = sqlite3_column_bytes (statement, 0);
      const char *url = (const char *) sqlite3_column_text (statement, 1);

      if (key == NULL || key_len != 32 || url == NULL)
        {
          sqlite3_finalize (statement);
          g_set_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_STORE,
                       "The registration at gateway %s in the client store %s is damaged "
                       "(shared key of %d bytes)", identity, self->path, key_len);
          return false;
        }
      *out = nym_gateway_registration_new (gateway_identity, key, url, sqlite3_column_int64 (statement, 2));
      (*out)->last_authenticated = (guint64) sqlite3_column_int64 (statement, 3);
    }
  sqlite3_finalize (statement);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return sql_error (self, "read the gateway registration", error);
  return true;
}

/* Stores (or replaces: a new registration overwrites the gateway's key, §1.4 step 8) the
 * registration at one gateway. */
bool
nym_client_store_save_registration (NymClientStore               *self,
                                    const NymGatewayRegistration *registration,
                                    GError                      **error)
{
  g_autofree char *identity = NULL;
  sqlite3_stmt *statement = NULL;
  int rc;

  g_return_val_if_fail (NYM_IS_CLIENT_STORE (self), false);
  g_return_val_if_fail (registration != NULL && registration->url != NULL, false);

  identity = nym_base58_encode (registration->gateway_identity, 32);
  if (sqlite3_prepare_v2 (self->db,
                          "INSERT OR REPLACE INTO gateway_registrations "
                          "(gateway_identity, shared_key, url, registered_at, last_authenticated) "
                          "VALUES (?1, ?2, ?3, ?4, ?5)",
                          -1, &statement, NULL) != SQLITE_OK)
    return sql_error (self, "write the gateway registration", error);
  sqlite3_bind_text (statement, 1, identity, -1, SQLITE_STATIC);
  sqlite3_bind_blob (statement, 2, registration->shared_key, 32, SQLITE_STATIC);
  sqlite3_bind_text (statement, 3, registration->url, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (statement, 4, registration->registered_at);
  sqlite3_bind_int64 (statement, 5, (sqlite3_int64) MIN (registration->last_authenticated, (guint64) G_MAXINT64));
  rc = sqlite3_step (statement);
  sqlite3_finalize (statement);
  if (rc != SQLITE_DONE)
    return sql_error (self, "write the gateway registration", error);
  return true;
}

bool
nym_client_store_remove_registration (NymClientStore *self,
                                      const uint8_t   gateway_identity[static 32],
                                      GError        **error)
{
  g_autofree char *identity = nym_base58_encode (gateway_identity, 32);
  sqlite3_stmt *statement = NULL;
  int rc;

  g_return_val_if_fail (NYM_IS_CLIENT_STORE (self), false);

  if (sqlite3_prepare_v2 (self->db, "DELETE FROM gateway_registrations WHERE gateway_identity = ?1",
                          -1, &statement, NULL) != SQLITE_OK)
    return sql_error (self, "remove the gateway registration", error);
  sqlite3_bind_text (statement, 1, identity, -1, SQLITE_STATIC);
  rc = sqlite3_step (statement);
  sqlite3_finalize (statement);
  if (rc != SQLITE_DONE)
    return sql_error (self, "remove the gateway registration", error);
  return true;
}
