/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests NymClientKeys and NymClientStore: client.sqlite holds the keys and gateway registrations, privately and intact. */
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <sqlite3.h>

#include "crypto/nym-base58.h"
#include "crypto/nym-keys.h"
#include "gateway/nym-client-store.h"

typedef struct
{
  char *root;
  char *dir;
} Fixture;

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
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->root = g_dir_make_tmp ("test-client-store-XXXXXX", &error);
  g_assert_no_error (error);
  /* A directory that does not exist yet, two levels down, as $XDG_DATA_HOME/nymph/mixnet. */
  fixture->dir = g_build_filename (fixture->root, "nymph", "mixnet", NULL);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  remove_tree (fixture->root);
  g_free (fixture->root);
  g_free (fixture->dir);
}

static NymClientStore *
open_store (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  NymClientStore *store = nym_client_store_open (fixture->dir, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static void
test_new_and_finalize (Fixture       *fixture,
                       gconstpointer  data)
{
  NymClientStore *store = open_store (fixture);

  g_assert_true (NYM_IS_CLIENT_STORE (store));
  g_assert_finalize_object (store);
}

/* DESIGN.md "Files on disk": the directory is 0700 and client.sqlite 0600. */
static void
test_permissions (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(NymClientStore) store = open_store (fixture);
  g_autofree char *path = g_build_filename (fixture->dir, NYM_CLIENT_STORE_FILE_NAME, NULL);
  GStatBuf st;

  g_assert_cmpstr (nym_client_store_get_path (store), ==, path);
  g_assert_cmpint (g_stat (fixture->dir, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);

  /* A store someone left readable is made private again when opened. */
  g_clear_object (&store);
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  g_assert_cmpint (g_chmod (fixture->dir, 0755), ==, 0);
  store = open_store (fixture);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (fixture->dir, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0700);
}

/* ensure_keys makes keys once; every later open (a new process) gets the same keys. */
static void
test_keys_persist (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NymClientStore) store = open_store (fixture);
  g_autoptr(NymClientKeys) none = NULL;
  g_autoptr(NymClientKeys) keys = NULL;
  g_autoptr(NymClientKeys) again = NULL;
  g_autoptr(NymClientKeys) loaded = NULL;
  uint8_t derived[32];
  uint8_t message[3] = { 1, 2, 3 }, signature[64];

  g_assert_true (nym_client_store_load_keys (store, &none, &error));
  g_assert_no_error (error);
  g_assert_null (none);

  keys = nym_client_store_ensure_keys (store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (keys);
  /* The keys are real and consistent: the public halves derive from the secrets. */
  nym_x25519_base (derived, keys->encryption_secret);
  g_assert_cmpmem (derived, 32, keys->encryption_public, 32);
  nym_ed25519_sign (signature, message, sizeof message, keys->identity_secret);
  g_assert_true (nym_ed25519_verify (signature, message, sizeof message, keys->identity_public));

  again = nym_client_store_ensure_keys (store, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (again, sizeof *again, keys, sizeof *keys);

  g_clear_object (&store);
  store = open_store (fixture);
  g_assert_true (nym_client_store_load_keys (store, &loaded, &error));
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_cmpmem (loaded, sizeof *loaded, keys, sizeof *keys);
}

static void
test_keys_from_secrets (void)
{
  uint8_t seed[32], secret[32], ack[16];
  g_autoptr(NymClientKeys) keys = NULL;
  g_autoptr(NymClientKeys) copy = NULL;
  g_autofree char *address = NULL;
  g_autofree char *identity = NULL;
  g_autofree char *encryption = NULL;
  g_autofree char *gateway_b58 = NULL;
  g_autofree char *expected = NULL;
  uint8_t gateway[32];

  memset (seed, 0x11, sizeof seed);
  memset (secret, 0x33, sizeof secret);
  memset (ack, 0x44, sizeof ack);
  memset (gateway, 0x22, sizeof gateway);
  keys = nym_client_keys_new_from_secrets (seed, secret, ack);
  copy = nym_client_keys_copy (keys);
  g_assert_cmpmem (copy, sizeof *copy, keys, sizeof *keys);
  g_assert_cmpmem (keys->identity_secret, 32, seed, 32);
  g_assert_cmpmem (keys->ack_key, 16, ack, 16);

  /* The spec §9.2 client identity for seed 0x11…. */
  {
    static const uint8_t expected_identity[32] = {
      0xd0, 0x4a, 0xb2, 0x32, 0x74, 0x2b, 0xb4, 0xab, 0x3a, 0x13, 0x68, 0xbd, 0x46, 0x15, 0xe4, 0xe6,
      0xd0, 0x22, 0x4a, 0xb7, 0x1a, 0x01, 0x6b, 0xaf, 0x85, 0x20, 0xa3, 0x32, 0xc9, 0x77, 0x87, 0x37,
    };
    g_assert_cmpmem (keys->identity_public, 32, expected_identity, 32);
  }

  address = nym_client_keys_dup_address (keys, gateway);
  identity = nym_base58_encode (keys->identity_public, 32);
  encryption = nym_base58_encode (keys->encryption_public, 32);
  gateway_b58 = nym_base58_encode (gateway, 32);
  expected = g_strdup_printf ("%s.%s@%s", identity, encryption, gateway_b58);
  g_assert_cmpstr (address, ==, expected);
}

static void
test_registrations (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NymClientStore) store = open_store (fixture);
  g_autoptr(NymGatewayRegistration) missing = NULL;
  g_autoptr(NymGatewayRegistration) first = NULL;
  g_autoptr(NymGatewayRegistration) second = NULL;
  g_autoptr(NymGatewayRegistration) loaded = NULL;
  g_autoptr(NymGatewayRegistration) other_loaded = NULL;
  g_autoptr(NymGatewayRegistration) copy = NULL;
  uint8_t gateway[32], other[32], key[32], key2[32];

  nym_random_bytes (gateway, sizeof gateway);
  nym_random_bytes (other, sizeof other);
  nym_random_bytes (key, sizeof key);
  nym_random_bytes (key2, sizeof key2);

  g_assert_true (nym_client_store_load_registration (store, gateway, &missing, &error));
  g_assert_no_error (error);
  g_assert_null (missing);

  first = nym_gateway_registration_new (gateway, key, "ws://127.0.0.1:9000", 1767225600);
  copy = nym_gateway_registration_copy (first);
  g_assert_cmpmem (copy->shared_key, 32, key, 32);
  g_assert_cmpstr (copy->url, ==, "ws://127.0.0.1:9000");
  g_assert_cmpuint (copy->last_authenticated, ==, 0);
  g_assert_true (nym_client_store_save_registration (store, first, &error));
  g_assert_no_error (error);
  second = nym_gateway_registration_new (other, key2, "wss://gw.example:9001", 5);
  g_assert_true (nym_client_store_save_registration (store, second, &error));
  g_assert_no_error (error);

  /* Re-registration overwrites the key (§1.4 step 8). */
  g_clear_pointer (&first, nym_gateway_registration_free);
  first = nym_gateway_registration_new (gateway, key2, "ws://127.0.0.1:9001", 1767225601);
  first->last_authenticated = 1767225700;
  g_assert_true (nym_client_store_save_registration (store, first, &error));
  g_assert_no_error (error);

  g_clear_object (&store);
  store = open_store (fixture);
  g_assert_true (nym_client_store_load_registration (store, gateway, &loaded, &error));
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_cmpmem (loaded->gateway_identity, 32, gateway, 32);
  g_assert_cmpmem (loaded->shared_key, 32, key2, 32);
  g_assert_cmpstr (loaded->url, ==, "ws://127.0.0.1:9001");
  g_assert_cmpint (loaded->registered_at, ==, 1767225601);
  g_assert_cmpuint (loaded->last_authenticated, ==, 1767225700);

  g_assert_true (nym_client_store_remove_registration (store, gateway, &error));
  g_assert_no_error (error);
  g_clear_pointer (&loaded, nym_gateway_registration_free);
  g_assert_true (nym_client_store_load_registration (store, gateway, &loaded, &error));
  g_assert_null (loaded);
  /* The other gateway's registration is untouched. */
  g_assert_true (nym_client_store_load_registration (store, other, &other_loaded, &error));
  g_assert_no_error (error);
  g_assert_nonnull (other_loaded);
  g_assert_cmpmem (other_loaded->shared_key, 32, key2, 32);
  g_assert_cmpstr (other_loaded->url, ==, "wss://gw.example:9001");
}

static void
raw_exec (Fixture    *fixture,
          const char *sql)
{
  g_autofree char *path = g_build_filename (fixture->dir, NYM_CLIENT_STORE_FILE_NAME, NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* A damaged store is an error that names the problem, never a crash or made-up keys. */
static void
test_damaged (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NymClientStore) store = open_store (fixture);
  g_autoptr(NymClientKeys) keys = nym_client_store_ensure_keys (store, &error);
  g_autoptr(NymClientKeys) loaded = NULL;
  g_autoptr(NymGatewayRegistration) registration = NULL;
  g_autofree char *gateway_b58 = NULL;
  g_autofree char *sql = NULL;
  uint8_t gateway[32];

  g_assert_no_error (error);
  g_clear_object (&store);

  /* A key of the wrong size. */
  raw_exec (fixture, "UPDATE keys SET value = x'0102' WHERE name = 'aes128ctr_ack_key'");
  store = open_store (fixture);
  g_assert_false (nym_client_store_load_keys (store, &loaded, &error));
  g_assert_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, "aes128ctr_ack_key"));
  g_assert_null (loaded);
  g_clear_error (&error);
  g_assert_null (nym_client_store_ensure_keys (store, &error));
  g_assert_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_STORE);
  g_clear_error (&error);
  g_clear_object (&store);

  /* Only some of the keys. */
  raw_exec (fixture, "DELETE FROM keys WHERE name = 'aes128ctr_ack_key'");
  store = open_store (fixture);
  g_assert_false (nym_client_store_load_keys (store, &loaded, &error));
  g_assert_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, "ack missing"));
  g_clear_error (&error);
  g_clear_object (&store);

  /* A registration whose shared key is short. */
  nym_random_bytes (gateway, sizeof gateway);
  gateway_b58 = nym_base58_encode (gateway, 32);
  sql = g_strdup_printf ("INSERT INTO gateway_registrations (gateway_identity, shared_key, url, registered_at) "
                         "VALUES ('%s', x'00', 'ws://x:1', 0)", gateway_b58);
  raw_exec (fixture, sql);
  store = open_store (fixture);
  g_assert_false (nym_client_store_load_registration (store, gateway, &registration, &error));
  g_assert_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_STORE);
  g_assert_null (registration);
  g_clear_error (&error);
  g_clear_object (&store);

  /* A store written by a newer program. */
  raw_exec (fixture, "PRAGMA user_version = 99");
  g_assert_null (nym_client_store_open (fixture->dir, &error));
  g_assert_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, "99"));
  g_clear_error (&error);

  /* A file that is not a database. */
  {
    g_autofree char *path = g_build_filename (fixture->dir, NYM_CLIENT_STORE_FILE_NAME, NULL);

    g_assert_true (g_file_set_contents (path, "this is not sqlite, it is a text file of some length", -1, NULL));
    g_assert_null (nym_client_store_open (fixture->dir, &error));
    g_assert_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_STORE);
  }
}

static void
test_unusable_directory (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *file = g_build_filename (fixture->root, "plain-file", NULL);
  g_autofree char *below = g_build_filename (file, "mixnet", NULL);

  g_assert_true (g_file_set_contents (file, "x", 1, NULL));
  g_assert_null (nym_client_store_open (below, &error));
  g_assert_error (error, NYM_GATEWAY_ERROR, NYM_GATEWAY_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, below));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

  g_test_add ("/client-store/new-and-finalize", Fixture, NULL, fixture_setup, test_new_and_finalize, fixture_teardown);
  g_test_add ("/client-store/permissions", Fixture, NULL, fixture_setup, test_permissions, fixture_teardown);
  g_test_add ("/client-store/keys-persist", Fixture, NULL, fixture_setup, test_keys_persist, fixture_teardown);
  g_test_add_func ("/client-store/keys-from-secrets", test_keys_from_secrets);
  g_test_add ("/client-store/registrations", Fixture, NULL, fixture_setup, test_registrations, fixture_teardown);
  g_test_add ("/client-store/damaged", Fixture, NULL, fixture_setup, test_damaged, fixture_teardown);
  g_test_add ("/client-store/unusable-directory", Fixture, NULL, fixture_setup, test_unusable_directory,
              fixture_teardown);
  return g_test_run ();
}
