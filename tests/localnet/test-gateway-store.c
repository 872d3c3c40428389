/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the gateway's SQLite store: registrations, authentication timestamps, bandwidth, the inbox and its persistence. */
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "gateway/localnet-gateway-error.h"
#include "gateway/localnet-gateway-store.h"

typedef struct
{
  char                 *dir;
  char                 *path;
  LocalnetGatewayStore *store;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("test-gateway-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "gateway.sqlite", NULL);
  fixture->store = localnet_gateway_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->store);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_pointer (&fixture->store, localnet_gateway_store_close);
  dir = g_dir_open (fixture->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (fixture->dir, name, NULL);
      g_unlink (child);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static void
reopen (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  localnet_gateway_store_close (fixture->store);
  fixture->store = localnet_gateway_store_open (fixture->path, &error);
  g_assert_no_error (error);
}

static void
test_mode (Fixture       *fixture,
           gconstpointer  data)
{
  struct stat st;

  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);

  /* A file left with wider permissions is narrowed on open. */
  g_assert_cmpint (g_chmod (fixture->path, 0644), ==, 0);
  reopen (fixture);
  g_assert_cmpint (g_stat (fixture->path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);
}

static void
test_registration (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  LocalnetGatewayClientRecord record;
  uint8_t key[32], other[32];
  bool found = true;

  g_assert_true (localnet_gateway_store_lookup (fixture->store, "nobody", &record, &found, &error));
  g_assert_false (found);
  g_assert_null (record.shared_key);

  memset (key, 0xab, sizeof key);
  memset (other, 0xcd, sizeof other);
  g_assert_true (localnet_gateway_store_register (fixture->store, "alice", key, &error));
  g_assert_true (localnet_gateway_store_set_auth_timestamp (fixture->store, "alice", 1767225600, &error));
  g_assert_true (localnet_gateway_store_set_bandwidth (fixture->store, "alice", 1000, 1767312000, &error));
  g_assert_no_error (error);

  /* Everything survives closing the file. */
  reopen (fixture);
  g_assert_true (localnet_gateway_store_lookup (fixture->store, "alice", &record, &found, &error));
  g_assert_true (found);
  g_assert_cmpmem (record.shared_key, 32, key, 32);
  g_assert_cmpuint (record.last_auth_timestamp, ==, 1767225600);
  g_assert_cmpint (record.bandwidth, ==, 1000);
  g_assert_cmpint (record.bandwidth_expiration, ==, 1767312000);
  localnet_gateway_client_record_clear (&record);
  g_assert_null (record.shared_key);

  /* §1.4 step 8: registering again replaces the key and forgets the old timestamp, so the
   * client's next authentication is not taken for a replay. */
  g_assert_true (localnet_gateway_store_register (fixture->store, "alice", other, &error));
  g_assert_true (localnet_gateway_store_lookup (fixture->store, "alice", &record, &found, &error));
  g_assert_cmpmem (record.shared_key, 32, other, 32);
  g_assert_cmpuint (record.last_auth_timestamp, ==, 0);
  localnet_gateway_client_record_clear (&record);
}

static void
test_inbox (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) first = NULL;
  g_autoptr(GArray) rest = NULL;
  uint8_t message[64];

  for (int i = 0; i < 5; i++)
    {
      memset (message, i, sizeof message);
      g_assert_true (localnet_gateway_store_inbox_add (fixture->store, "bob", message, (size_t) (10 + i), &error));
    }
  g_assert_true (localnet_gateway_store_inbox_add (fixture->store, "carol", message, 3, &error));
  g_assert_no_error (error);
  g_assert_cmpint (localnet_gateway_store_inbox_count (fixture->store, "bob"), ==, 5);
  reopen (fixture);

  /* In arrival order, limited, and only the addressee's. */
  first = localnet_gateway_store_inbox_fetch (fixture->store, "bob", 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (first->len, ==, 3);
  for (guint i = 0; i < first->len; i++)
    {
      LocalnetGatewayInboxEntry *entry = &g_array_index (first, LocalnetGatewayInboxEntry, i);
      gsize len;
      const uint8_t *bytes = g_bytes_get_data (entry->content, &len);

      g_assert_cmpuint (len, ==, 10 + i);
      g_assert_cmpuint (bytes[0], ==, i);
      g_assert_true (localnet_gateway_store_inbox_remove (fixture->store, entry->id, &error));
    }
  rest = localnet_gateway_store_inbox_fetch (fixture->store, "bob", 100, &error);
  g_assert_cmpuint (rest->len, ==, 2);
  g_assert_cmpuint (g_bytes_get_size (g_array_index (rest, LocalnetGatewayInboxEntry, 0).content), ==, 13);
  g_assert_cmpint (localnet_gateway_store_inbox_count (fixture->store, "carol"), ==, 1);
  g_assert_cmpint (localnet_gateway_store_inbox_count (fixture->store, "nobody"), ==, 0);

  /* Expiry removes what is older than the cutoff and nothing newer. */
  g_assert_cmpint (localnet_gateway_store_inbox_expire (fixture->store, 0, &error), ==, 0);
  g_assert_cmpint (localnet_gateway_store_inbox_count (fixture->store, "bob"), ==, 2);
  g_assert_cmpint (localnet_gateway_store_inbox_expire (fixture->store, g_get_real_time () / G_USEC_PER_SEC + 10,
                                                        &error), ==, 3);
  g_assert_no_error (error);
  g_assert_cmpint (localnet_gateway_store_inbox_count (fixture->store, "bob"), ==, 0);
}

static void
test_open_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-gateway-store-XXXXXX", NULL);
  g_autofree char *garbage = g_build_filename (dir, "garbage.sqlite", NULL);

  g_assert_null (localnet_gateway_store_open ("/nonexistent-dir/gateway.sqlite", &error));
  g_assert_error (error, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, "/nonexistent-dir/gateway.sqlite"));

  /* A file that is not a database is refused, not overwritten. */
  g_assert_true (g_file_set_contents (garbage, "this is not an SQLite database, just text that is long enough "
                                               "to fill a page header and more", -1, NULL));
  g_assert_null (localnet_gateway_store_open (garbage, &error2));
  g_assert_error (error2, LOCALNET_GATEWAY_ERROR, LOCALNET_GATEWAY_ERROR_STORE);
  g_unlink (garbage);
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

  g_test_add ("/localnet/gateway-store/mode", Fixture, NULL, fixture_setup, test_mode, fixture_teardown);
  g_test_add ("/localnet/gateway-store/registration", Fixture, NULL, fixture_setup, test_registration, fixture_teardown);
  g_test_add ("/localnet/gateway-store/inbox", Fixture, NULL, fixture_setup, test_inbox, fixture_teardown);
  g_test_add_func ("/localnet/gateway-store/open-errors", test_open_errors);
  return g_test_run ();
}
