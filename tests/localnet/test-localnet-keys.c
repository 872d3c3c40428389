/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of a localnet node's key files: creation, modes, reloading, and damaged key sets. */
#include <string.h>
#include <sodium.h>

#include "crypto/nym-keys.h"
#include "localnet-keys.h"
#include "localnet-test-util.h"

typedef struct
{
  char *dir;
  char *node_dir;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  fixture->dir = localnet_test_mkdtemp ();
  fixture->node_dir = g_build_filename (fixture->dir, "mix-1-1", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  localnet_test_rmdir (fixture->dir);
  g_free (fixture->dir);
  g_free (fixture->node_dir);
}

static char *
node_file (Fixture    *fixture,
           const char *name)
{
  return g_build_filename (fixture->node_dir, name, NULL);
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

static void
test_keys_create (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LocalnetKeys) keys = localnet_keys_load_or_create (fixture->node_dir, &error);
  const char *files[] = { "identity.key", "identity.pub", "sphinx.key", "sphinx.pub" };
  uint8_t derived[32];
  uint8_t sig[64];

  g_assert_no_error (error);
  g_assert_nonnull (keys);
  g_assert_cmpuint (localnet_test_mode (fixture->node_dir), ==, 0700);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = node_file (fixture, files[i]);
      g_autoptr(GBytes) bytes = read_bytes (path);

      g_assert_cmpuint (localnet_test_mode (path), ==, 0600);
      g_assert_cmpuint (g_bytes_get_size (bytes), ==, 32);
    }

  /* The secret halves belong to the public halves. */
  nym_x25519_base (derived, keys->sphinx_secret);
  g_assert_cmpmem (derived, 32, keys->sphinx_public, 32);
  nym_ed25519_sign (sig, (const uint8_t *) "localnet", 8, keys->identity_secret);
  g_assert_true (nym_ed25519_verify (sig, (const uint8_t *) "localnet", 8, keys->identity_public));

  /* The public files hold exactly the public keys. */
  {
    g_autofree char *id_pub = node_file (fixture, "identity.pub");
    g_autofree char *sx_pub = node_file (fixture, "sphinx.pub");
    g_autoptr(GBytes) id = read_bytes (id_pub);
    g_autoptr(GBytes) sx = read_bytes (sx_pub);

    g_assert_cmpmem (g_bytes_get_data (id, NULL), 32, keys->identity_public, 32);
    g_assert_cmpmem (g_bytes_get_data (sx, NULL), 32, keys->sphinx_public, 32);
  }

  /* No temporary file is left behind by the atomic writes. */
  {
    g_autoptr(GDir) dir = g_dir_open (fixture->node_dir, 0, NULL);
    guint n = 0;
    while (g_dir_read_name (dir) != NULL)
      n++;
    g_assert_cmpuint (n, ==, 4);
  }
}

static void
test_keys_persist (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LocalnetKeys) first = localnet_keys_load_or_create (fixture->node_dir, &error);
  g_autoptr(LocalnetKeys) second = NULL;
  g_autoptr(LocalnetKeys) other = NULL;
  g_autofree char *b58_first = NULL;
  g_autofree char *b58_second = NULL;
  g_autofree char *other_dir = g_build_filename (fixture->dir, "mix-2-1", NULL);

  g_assert_no_error (error);
  /* A restart of the node loads the same identity and sphinx key. */
  second = localnet_keys_load_or_create (fixture->node_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (first->identity_public, 32, second->identity_public, 32);
  g_assert_cmpmem (first->sphinx_public, 32, second->sphinx_public, 32);
  g_assert_cmpmem (first->identity_secret, 64, second->identity_secret, 64);
  g_assert_cmpmem (first->sphinx_secret, 32, second->sphinx_secret, 32);
  b58_first = localnet_keys_identity_base58 (first);
  b58_second = localnet_keys_identity_base58 (second);
  g_assert_cmpstr (b58_first, ==, b58_second);

  /* Another node gets other keys. */
  other = localnet_keys_load_or_create (other_dir, &error);
  g_assert_no_error (error);
  g_assert_true (memcmp (other->identity_public, first->identity_public, 32) != 0);
  g_assert_true (memcmp (other->sphinx_public, first->sphinx_public, 32) != 0);
}

static void
test_keys_missing_public_rewritten (Fixture       *fixture,
                                    gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(LocalnetKeys) first = localnet_keys_load_or_create (fixture->node_dir, &error);
  g_autoptr(LocalnetKeys) second = NULL;
  g_autofree char *sx_pub = node_file (fixture, "sphinx.pub");

  g_assert_no_error (error);
  g_assert_cmpint (g_unlink (sx_pub), ==, 0);
  second = localnet_keys_load_or_create (fixture->node_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (first->sphinx_public, 32, second->sphinx_public, 32);
  g_assert_true (g_file_test (sx_pub, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (localnet_test_mode (sx_pub), ==, 0600);
}

typedef enum
{
  DAMAGE_TRUNCATE_SECRET,
  DAMAGE_REMOVE_SECRET,
  DAMAGE_MODE,
  DAMAGE_MISMATCH,
} Damage;

static void
test_keys_damaged (Fixture       *fixture,
                   gconstpointer  user_data)
{
  Damage damage = GPOINTER_TO_INT (user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(LocalnetKeys) keys = localnet_keys_load_or_create (fixture->node_dir, &error);
  g_autoptr(LocalnetKeys) again = NULL;
  g_autofree char *id_sec = node_file (fixture, "identity.key");
  g_autofree char *sx_sec = node_file (fixture, "sphinx.key");
  g_autofree char *sx_pub = node_file (fixture, "sphinx.pub");
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  int expected_code = LOCALNET_KEYS_ERROR_CORRUPT;

  g_assert_no_error (error);
  switch (damage)
    {
    case DAMAGE_TRUNCATE_SECRET:
      g_assert_true (g_file_set_contents (id_sec, "short", 5, NULL));
      g_assert_cmpint (g_chmod (id_sec, 0600), ==, 0);
      break;
    case DAMAGE_REMOVE_SECRET:
      g_assert_cmpint (g_unlink (sx_sec), ==, 0);
      break;
    case DAMAGE_MODE:
      g_assert_cmpint (g_chmod (sx_sec, 0644), ==, 0);
      expected_code = LOCALNET_KEYS_ERROR_PERMISSIONS;
      break;
    case DAMAGE_MISMATCH:
      {
        uint8_t wrong[32];
        memset (wrong, 0x42, sizeof wrong);
        g_assert_true (localnet_write_file_atomic (sx_pub, wrong, 32, 0600, NULL));
      }
      break;
    default:
      g_assert_not_reached ();
    }

  before = g_file_test (sx_pub, G_FILE_TEST_EXISTS) ? read_bytes (sx_pub) : NULL;
  again = localnet_keys_load_or_create (fixture->node_dir, &error);
  g_assert_null (again);
  g_assert_error (error, LOCALNET_KEYS_ERROR, expected_code);
  g_assert_nonnull (strstr (error->message, fixture->node_dir));
  /* A damaged key set is reported, never replaced by fresh keys. */
  after = g_file_test (sx_pub, G_FILE_TEST_EXISTS) ? read_bytes (sx_pub) : NULL;
  g_assert_true ((before == NULL && after == NULL) || g_bytes_equal (before, after));
  g_assert_true (damage == DAMAGE_REMOVE_SECRET || g_file_test (sx_sec, G_FILE_TEST_EXISTS));
  g_assert_false (damage == DAMAGE_REMOVE_SECRET && g_file_test (sx_sec, G_FILE_TEST_EXISTS));
}

static void
test_write_atomic (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "file", NULL);
  g_autofree char *missing = g_build_filename (fixture->dir, "no-such-dir", "file", NULL);
  g_autoptr(GBytes) bytes = NULL;

  g_assert_true (localnet_write_file_atomic (path, "one", 3, 0640, &error));
  g_assert_no_error (error);
  g_assert_true (localnet_write_file_atomic (path, "second", 6, 0600, &error));
  g_assert_no_error (error);
  bytes = read_bytes (path);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "second", 6);
  g_assert_cmpuint (localnet_test_mode (path), ==, 0600);

  g_assert_false (localnet_write_file_atomic (missing, "x", 1, 0600, &error));
  g_assert_error (error, LOCALNET_KEYS_ERROR, LOCALNET_KEYS_ERROR_IO);
  g_assert_nonnull (strstr (error->message, missing));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (sodium_init (), >=, 0);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)
  ADD ("/localnet/keys/create", test_keys_create, NULL);
  ADD ("/localnet/keys/persist", test_keys_persist, NULL);
  ADD ("/localnet/keys/missing-public-rewritten", test_keys_missing_public_rewritten, NULL);
  ADD ("/localnet/keys/damaged/truncated-secret", test_keys_damaged, GINT_TO_POINTER (DAMAGE_TRUNCATE_SECRET));
  ADD ("/localnet/keys/damaged/missing-secret", test_keys_damaged, GINT_TO_POINTER (DAMAGE_REMOVE_SECRET));
  ADD ("/localnet/keys/damaged/mode", test_keys_damaged, GINT_TO_POINTER (DAMAGE_MODE));
  ADD ("/localnet/keys/damaged/mismatch", test_keys_damaged, GINT_TO_POINTER (DAMAGE_MISMATCH));
  ADD ("/localnet/keys/write-atomic", test_write_atomic, NULL);
#undef ADD

  return g_test_run ();
}
