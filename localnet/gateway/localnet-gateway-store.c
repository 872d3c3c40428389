/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The gateway's SQLite file: client registrations, bandwidth and the offline inbox (spec nym-gateway.md §2.1, §2.3). */
#include "localnet-gateway-store.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include <sqlite3.h>

#include "localnet-gateway-error.h"

struct _LocalnetGatewayStore
{
  sqlite3 *db;
};

static const char schema[] =
  "PRAGMA journal_mode=WAL;"
  "CREATE TABLE IF NOT EXISTS clients ("
  "  address TEXT PRIMARY KEY,"
  "  shared_key BLOB NOT NULL,"
  "  last_auth_timestamp INTEGER NOT NULL DEFAULT 0,"
  "  bandwidth INTEGER NOT NULL DEFAULT 0,"
  "  bandwidth_expiration INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE IF NOT EXISTS message_store ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  client_address TEXT NOT NULL,"
  "  content BLOB NOT NULL,"
  "  timestamp INTEGER NOT NULL);"
  "CREATE INDEX IF NOT EXISTS message_store_client ON message_store (client_address, id);";

static bool
set_db_error (sqlite3    *db,
              const char *what,
              GError    **error)
{
  g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_STORE,
               "The gateway store failed to %s: %s", what, sqlite3_errmsg (db));
  return false;
}

LocalnetGatewayStore *
localnet_gateway_store_open (const char *path,
                             GError    **error)
{
  g_autofree LocalnetGatewayStore *store = g_new0 (LocalnetGatewayStore, 1);
  int fd;

  /* Looked-up shared keys live in sodium_malloc'd memory, which needs sodium_init. */
  if (sodium_init () < 0)
    {
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_STORE,
                   "libsodium could not be initialised");
      return NULL;
    }

  /* The file holds every client's shared key, so it is
   * created 0600 before SQLite opens it (SQLite gives its WAL files the same mode). */
  fd = open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_STORE,
                   "Cannot open the gateway store “%s”: %s", path, g_strerror (saved));
      return NULL;
    }
  if (fchmod (fd, 0600) != 0)
    {
      int saved = errno;
      close (fd);
      g_set_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_STORE,
                   "Cannot restrict the gateway store “%s” to its owner: %s", path, g_strerror (saved));
      return NULL;
    }
  close (fd);

  if (sqlite3_open_v2 (path, &store->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK)
    {
      set_db_error (store->db, "open its file", error);
      sqlite3_close (store->db);
      return NULL;
    }
  sqlite3_busy_timeout (store->db, 2000);
  if (sqlite3_exec (store->db, schema, NULL, NULL, NULL) != SQLITE_OK)
    {
      set_db_error (store->db, "create its tables", error);
      sqlite3_close (store->db);
      return NULL;
    }
  return g_steal_pointer (&store);
}

void
localnet_gateway_store_close (LocalnetGatewayStore *store)
{
  if (store == NULL)
    return;
  sqlite3_close (store->db);
  g_free (store);
}

static sqlite3_stmt *
prepare (LocalnetGatewayStore *store,
         const char           *sql,
         GError              **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (store->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      set_db_error (store->db, "prepare a query", error);
      return NULL;
    }
  return stmt;
}

static bool
step_done (LocalnetGatewayStore *store,
           sqlite3_stmt         *stmt,
           const char           *what,
           GError              **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return set_db_error (store->db, what, error);
  return true;
}

/* §1.4 step 8: a re-registration overwrites the key and starts the client afresh. */
bool
localnet_gateway_store_register (LocalnetGatewayStore *store,
                                 const char           *address,
                                 const uint8_t         shared_key[static 32],
                                 GError              **error)
{
  sqlite3_stmt *stmt = prepare (store,
                                "INSERT INTO clients (address, shared_key) VALUES (?, ?) "
                                "ON CONFLICT (address) DO UPDATE SET shared_key = excluded.shared_key, "
                                "last_auth_timestamp = 0",
                                error);

  if (stmt == NULL)
    return false;
  sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 2, shared_key, 32, SQLITE_STATIC);
  return step_done (store, stmt, "store a registration", error);
}

bool
localnet_gateway_store_lookup (LocalnetGatewayStore        *store,
                               const char                  *address,
                               LocalnetGatewayClientRecord *record,
                               bool                        *found,
                               GError                     **error)
{
  sqlite3_stmt *stmt = prepare (store,
                                "SELECT shared_key, last_auth_timestamp, bandwidth, bandwidth_expiration "
                                "FROM clients WHERE address = ?",
                                error);
  int rc;

  memset (record, 0, sizeof *record);
  *found = false;
  if (stmt == NULL)
    return false;
  sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_bytes (stmt, 0) == 32)
    {
      record->shared_key = sodium_malloc (32);
      g_assert (record->shared_key != NULL);
      memcpy (record->shared_key, sqlite3_column_blob (stmt, 0), 32);
      record->last_auth_timestamp = (uint64_t) sqlite3_column_int64 (stmt, 1);
      record->bandwidth = sqlite3_column_int64 (stmt, 2);
      record->bandwidth_expiration = sqlite3_column_int64 (stmt, 3);
      *found = true;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return set_db_error (store->db, "look up a client", error);
  return true;
}

void
localnet_gateway_client_record_clear (LocalnetGatewayClientRecord *record)
{
  if (record->shared_key != NULL)
    sodium_free (record->shared_key);
  memset (record, 0, sizeof *record);
}

bool
localnet_gateway_store_set_auth_timestamp (LocalnetGatewayStore *store,
                                           const char           *address,
                                           uint64_t              timestamp,
                                           GError              **error)
{
  sqlite3_stmt *stmt = prepare (store, "UPDATE clients SET last_auth_timestamp = ? WHERE address = ?", error);

  if (stmt == NULL)
    return false;
  sqlite3_bind_int64 (stmt, 1, (sqlite3_int64) timestamp);
  sqlite3_bind_text (stmt, 2, address, -1, SQLITE_STATIC);
  return step_done (store, stmt, "record an authentication", error);
}

bool
localnet_gateway_store_set_bandwidth (LocalnetGatewayStore *store,
                                      const char           *address,
                                      int64_t               bandwidth,
                                      int64_t               expiration,
                                      GError              **error)
{
  sqlite3_stmt *stmt = prepare (store,
                                "UPDATE clients SET bandwidth = ?, bandwidth_expiration = ? WHERE address = ?",
                                error);

  if (stmt == NULL)
    return false;
  sqlite3_bind_int64 (stmt, 1, bandwidth);
  sqlite3_bind_int64 (stmt, 2, expiration);
  sqlite3_bind_text (stmt, 3, address, -1, SQLITE_STATIC);
  return step_done (store, stmt, "record bandwidth", error);
}

bool
localnet_gateway_store_inbox_add (LocalnetGatewayStore *store,
                                  const char           *address,
                                  const uint8_t        *content,
                                  size_t                len,
                                  GError              **error)
{
  sqlite3_stmt *stmt = prepare (store,
                                "INSERT INTO message_store (client_address, content, timestamp) VALUES (?, ?, ?)",
                                error);

  if (stmt == NULL)
    return false;
  sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 2, content, (int) len, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
  return step_done (store, stmt, "store a message", error);
}

static void
inbox_entry_clear (gpointer data)
{
  LocalnetGatewayInboxEntry *entry = data;

  g_clear_pointer (&entry->content, g_bytes_unref);
}

GArray *
localnet_gateway_store_inbox_fetch (LocalnetGatewayStore *store,
                                    const char           *address,
                                    unsigned              limit,
                                    GError              **error)
{
  g_autoptr(GArray) entries = g_array_new (FALSE, TRUE, sizeof (LocalnetGatewayInboxEntry));
  sqlite3_stmt *stmt = prepare (store,
                                "SELECT id, content FROM message_store WHERE client_address = ? "
                                "ORDER BY id LIMIT ?",
                                error);
  int rc;

  g_array_set_clear_func (entries, inbox_entry_clear);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, (int) MIN (limit, (unsigned) G_MAXINT));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      LocalnetGatewayInboxEntry entry;

      entry.id = sqlite3_column_int64 (stmt, 0);
      entry.content = g_bytes_new (sqlite3_column_blob (stmt, 1), (size_t) sqlite3_column_bytes (stmt, 1));
      g_array_append_val (entries, entry);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (store->db, "read the inbox", error);
      return NULL;
    }
  return g_steal_pointer (&entries);
}

bool
localnet_gateway_store_inbox_remove (LocalnetGatewayStore *store,
                                     int64_t               id,
                                     GError              **error)
{
  sqlite3_stmt *stmt = prepare (store, "DELETE FROM message_store WHERE id = ?", error);

  if (stmt == NULL)
    return false;
  sqlite3_bind_int64 (stmt, 1, id);
  return step_done (store, stmt, "delete a delivered message", error);
}

int64_t
localnet_gateway_store_inbox_count (LocalnetGatewayStore *store,
                                    const char           *address)
{
  sqlite3_stmt *stmt = prepare (store, "SELECT COUNT(*) FROM message_store WHERE client_address = ?", NULL);
  int64_t count = -1;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, address, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return count;
}

/* §2.3: stale inbox entries are deleted after 24 h; the caller picks the cutoff. */
int64_t
localnet_gateway_store_inbox_expire (LocalnetGatewayStore *store,
                                     int64_t               cutoff,
                                     GError              **error)
{
  sqlite3_stmt *stmt = prepare (store, "DELETE FROM message_store WHERE timestamp < ?", error);

  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, cutoff);
  if (!step_done (store, stmt, "delete stale messages", error))
    return -1;
  return sqlite3_changes (store->db);
}
