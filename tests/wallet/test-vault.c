/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of the wallet vault: the spec's saved-wallet.json vectors, files built independently, round trips and every kind of damage. */
#include <errno.h>
#include <gcrypt.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "crypto/nyx-secret.h"
#include "nyx-wallet.h"
#include "vault/nyx-vault.h"
#include "vault/nyx-vault-crypto.h"
#include "vault/nyx-vault-file.h"
#include "vault/nyx-vault-plaintext.h"

#define ABANDON_ART "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon " \
                    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon " \
                    "abandon abandon abandon art"
#define CRUSH "crush minute paddle tobacco message debate cabin peace bar jacket execute twenty " \
              "winner view sure mask popular couch penalty fragile demise fresh pizza stove"
#define ABANDON_ABOUT "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon " \
                      "abandon about"
#define ARROW "arrow capable abstract industry elevator nominee december piece hotel feed lounge web " \
              "faint sword veteran bundle hour page actual laptop horror gold test warrior"

typedef struct
{
  char *directory;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;

  fixture->directory = g_dir_make_tmp ("nymph-vault-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->directory, "saved-wallet.json", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(GDir) dir = g_dir_open (fixture->directory, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (fixture->directory, name, NULL);

      g_assert_cmpint (g_unlink (child), ==, 0);
    }
  g_assert_cmpint (g_rmdir (fixture->directory), ==, 0);
  g_free (fixture->directory);
  g_free (fixture->path);
}

static GBytes *
read_data_file (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", "vault", name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static void
assert_bytes_equal (GBytes        *expected,
                    const uint8_t *actual,
                    size_t         actual_length)
{
  g_assert_cmpmem (g_bytes_get_data (expected, NULL), g_bytes_get_size (expected), actual, actual_length);
}

static void
write_file (const char *path,
            const char *contents,
            gssize      length)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
}

/* An independent Argon2id: libgcrypt's GCRY_KDF_ARGON2, not the libsodium code the vault uses. */
static void
independent_kdf (const char    *password,
                 const uint8_t *salt,
                 size_t         salt_length,
                 uint8_t        key[static 32])
{
  const unsigned long params[4] = { 32, 3, 16384, 1 };
  gcry_kdf_hd_t handle;

  g_assert_cmpint (gcry_kdf_open (&handle, GCRY_KDF_ARGON2, GCRY_KDF_ARGON2ID, params, 4,
                                  password, strlen (password), salt, salt_length,
                                  NULL, 0, NULL, 0), ==, 0);
  g_assert_cmpint (gcry_kdf_compute (handle, NULL), ==, 0);
  g_assert_cmpint (gcry_kdf_final (handle, 32, key), ==, 0);
  gcry_kdf_close (handle);
}

/* One login for build_nym_wallet_file(): sealed with libgcrypt only. */
typedef struct
{
  const char *id;
  const char *password;
  const char *plaintext;
} IndependentLogin;

static JsonNode *
independent_seal (const IndependentLogin *login)
{
  uint8_t salt[16];
  uint8_t iv[12];
  uint8_t key[32];
  size_t length = strlen (login->plaintext);
  g_autofree uint8_t *ciphertext = g_malloc (length + 16);
  g_autofree char *ciphertext_b64 = NULL;
  g_autofree char *salt_b64 = NULL;
  g_autofree char *iv_b64 = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  gcry_cipher_hd_t cipher;

  gcry_randomize (salt, sizeof salt, GCRY_STRONG_RANDOM);
  gcry_randomize (iv, sizeof iv, GCRY_STRONG_RANDOM);
  independent_kdf (login->password, salt, sizeof salt, key);

  g_assert_cmpint (gcry_cipher_open (&cipher, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_GCM, 0), ==, 0);
  g_assert_cmpint (gcry_cipher_setkey (cipher, key, 32), ==, 0);
  g_assert_cmpint (gcry_cipher_setiv (cipher, iv, 12), ==, 0);
  g_assert_cmpint (gcry_cipher_encrypt (cipher, ciphertext, length, login->plaintext, length), ==, 0);
  g_assert_cmpint (gcry_cipher_gettag (cipher, ciphertext + length, 16), ==, 0);
  gcry_cipher_close (cipher);

  ciphertext_b64 = g_base64_encode (ciphertext, length + 16);
  salt_b64 = g_base64_encode (salt, sizeof salt);
  iv_b64 = g_base64_encode (iv, sizeof iv);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, login->id);
  json_builder_set_member_name (builder, "account");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ciphertext");
  json_builder_add_string_value (builder, ciphertext_b64);
  json_builder_set_member_name (builder, "salt");
  json_builder_add_string_value (builder, salt_b64);
  json_builder_set_member_name (builder, "iv");
  json_builder_add_string_value (builder, iv_b64);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/*
 * Builds a saved-wallet.json by nym-wallet's rules (spec §5.3) without any vault code:
 * json-glib's pretty printer (whose spacing differs from serde's), libgcrypt's Argon2id and
 * AES-256-GCM.
 */
static void
build_nym_wallet_file (const char             *path,
                       const IndependentLogin *logins,
                       guint                   n_logins)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "accounts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_logins; i++)
    json_builder_add_value (builder, independent_seal (&logins[i]));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);
  text = json_generator_to_data (generator, NULL);
  write_file (path, text, -1);
}

/* Opens a Nymph-written file with libgcrypt and json-glib only and returns the plaintext of @login_id. */
static char *
independent_open (const char *path,
                  const char *login_id,
                  const char *password)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *logins;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), "version"), ==, 1);
  logins = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "accounts");
  for (guint i = 0; i < json_array_get_length (logins); i++)
    {
      JsonObject *login = json_array_get_object_element (logins, i);
      JsonObject *account;
      g_autofree guchar *ciphertext = NULL;
      g_autofree guchar *salt = NULL;
      g_autofree guchar *iv = NULL;
      gsize ciphertext_length, salt_length, iv_length;
      uint8_t key[32];
      char *plaintext;
      gcry_cipher_hd_t cipher;

      if (g_strcmp0 (json_object_get_string_member (login, "id"), login_id) != 0)
        continue;
      account = json_object_get_object_member (login, "account");
      ciphertext = g_base64_decode (json_object_get_string_member (account, "ciphertext"), &ciphertext_length);
      salt = g_base64_decode (json_object_get_string_member (account, "salt"), &salt_length);
      iv = g_base64_decode (json_object_get_string_member (account, "iv"), &iv_length);
      g_assert_cmpuint (salt_length, ==, 16);
      g_assert_cmpuint (iv_length, ==, 12);
      g_assert_cmpuint (ciphertext_length, >, 16);
      independent_kdf (password, salt, salt_length, key);

      plaintext = g_malloc0 (ciphertext_length - 16 + 1);
      g_assert_cmpint (gcry_cipher_open (&cipher, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_GCM, 0), ==, 0);
      g_assert_cmpint (gcry_cipher_setkey (cipher, key, 32), ==, 0);
      g_assert_cmpint (gcry_cipher_setiv (cipher, iv, 12), ==, 0);
      g_assert_cmpint (gcry_cipher_decrypt (cipher, plaintext, ciphertext_length - 16, ciphertext,
                                            ciphertext_length - 16), ==, 0);
      g_assert_cmpint (gcry_cipher_checktag (cipher, ciphertext + ciphertext_length - 16, 16), ==, 0);
      gcry_cipher_close (cipher);
      return plaintext;
    }
  g_assert_not_reached ();
  return NULL;
}

static char *
expected_plaintext (const char *const *ids,
                    const char *const *mnemonics,
                    guint              n)
{
  GString *json = g_string_new ("{\"accounts\":[");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (json, "%s{\"id\":\"%s\",\"account\":{\"mnemonic\":\"%s\",\"hd_path\":\"m/44'/118'/0'/0/0\"}}",
                            i > 0 ? "," : "", ids[i], mnemonics[i]);
  g_string_append (json, "]}");
  return g_string_free (json, FALSE);
}

/* The file's bytes and modification time, to prove that a failed operation did not touch it. */
typedef struct
{
  GBytes   *contents;
  struct stat info;
} Snapshot;

static void
snapshot_take (Snapshot   *snapshot,
               const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  snapshot->contents = g_bytes_new_take (contents, length);
  g_assert_cmpint (g_stat (path, &snapshot->info), ==, 0);
}

static void
snapshot_assert_unchanged (Snapshot   *snapshot,
                           const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  struct stat info;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  assert_bytes_equal (snapshot->contents, (const uint8_t *) contents, length);
  g_assert_cmpint (g_stat (path, &info), ==, 0);
  g_assert_cmpint (info.st_mtim.tv_sec, ==, snapshot->info.st_mtim.tv_sec);
  g_assert_cmpint (info.st_mtim.tv_nsec, ==, snapshot->info.st_mtim.tv_nsec);
  g_assert_cmpuint (info.st_ino, ==, snapshot->info.st_ino);
  g_clear_pointer (&snapshot->contents, g_bytes_unref);
}

static guint
count_directory_entries (const char *directory)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
assert_mnemonic (NyxVault   *vault,
                 const char *account_id,
                 const char *password,
                 const char *expected)
{
  g_autoptr(GError) error = NULL;
  char *mnemonic = nyx_vault_reveal_mnemonic (vault, account_id, password, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (mnemonic, ==, expected);
  nyx_secret_free (mnemonic);
}

/* spec §5.3 encrypt vector: Argon2id("password", 00..0f) with m=16 MiB, t=3, p=1. */
static void
test_kdf_spec_vector (void)
{
  static const uint8_t salt[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
  g_autoptr(GBytes) expected = read_data_file ("spec-encrypt-vector.key");
  uint8_t key[32];

  g_assert_true (nyx_vault_derive_key ((const uint8_t *) "password", 8, salt, key));
  assert_bytes_equal (expected, key, sizeof key);
}

/* The issue asks which Argon2id matches the spec: libsodium and libgcrypt must agree. */
static void
test_kdf_matches_libgcrypt (void)
{
  for (int round = 0; round < 3; round++)
    {
      uint8_t salt[16];
      uint8_t password_bytes[12];
      g_autofree char *password = NULL;
      uint8_t ours[32];
      uint8_t theirs[32];

      randombytes_buf (salt, sizeof salt);
      randombytes_buf (password_bytes, sizeof password_bytes);
      password = g_base64_encode (password_bytes, sizeof password_bytes);
      g_assert_true (nyx_vault_derive_key ((const uint8_t *) password, strlen (password), salt, ours));
      independent_kdf (password, salt, sizeof salt, theirs);
      g_assert_cmpmem (ours, sizeof ours, theirs, sizeof theirs);
    }
}

/*
 * The whole deterministic vector: the serialised plaintext is byte-identical to the spec's,
 * and sealing it with the spec's key and IV gives the spec file's ciphertext.
 */
static void
test_spec_encrypt_vector (void)
{
  static const uint8_t iv[12] = { 0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab };
  static const uint8_t salt[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
  g_autoptr(GBytes) expected_plaintext_bytes = read_data_file ("spec-encrypt-vector.plaintext");
  g_autoptr(GBytes) key = read_data_file ("spec-encrypt-vector.key");
  g_autoptr(GBytes) file_json = read_data_file ("spec-encrypt-vector.json");
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) nyx_vault_account_free);
  g_autoptr(NyxVaultFile) file = NULL;
  g_autoptr(GError) error = NULL;
  NyxVaultLogin *login;
  uint8_t *plaintext;
  size_t length = 0;
  g_autofree uint8_t *ciphertext = NULL;

  g_ptr_array_add (accounts, nyx_vault_account_new ("Account 1", NYX_VAULT_DEFAULT_HD_PATH,
                                                    nyx_secret_strndup (ABANDON_ART, strlen (ABANDON_ART))));
  plaintext = nyx_vault_plaintext_serialize (accounts, &length);
  g_assert_nonnull (plaintext);
  assert_bytes_equal (expected_plaintext_bytes, plaintext, length);

  file = nyx_vault_file_parse (g_bytes_get_data (file_json, NULL), g_bytes_get_size (file_json), "vector", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (file->logins->len, ==, 1);
  login = g_ptr_array_index (file->logins, 0);
  g_assert_cmpstr (login->id, ==, "default");
  g_assert_cmpmem (login->salt, 16, salt, 16);
  g_assert_cmpmem (login->iv, 12, iv, 12);

  ciphertext = g_malloc (length + NYX_VAULT_TAG_LENGTH);
  g_assert_true (nyx_vault_seal (g_bytes_get_data (key, NULL), iv, plaintext, length,
                                 ciphertext, length + NYX_VAULT_TAG_LENGTH));
  assert_bytes_equal (login->ciphertext, ciphertext, length + NYX_VAULT_TAG_LENGTH);
  nyx_secret_free (plaintext);
}

/* The spec's vector file opens with its password, and the opened login has the expected account. */
static void
test_open_spec_vector (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GBytes) file_json = read_data_file ("spec-encrypt-vector.json");
  g_autoptr(NyxVault) vault = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;

  write_file (fixture->path, g_bytes_get_data (file_json, NULL), (gssize) g_bytes_get_size (file_json));
  vault = nyx_vault_open (fixture->path, NULL, "password", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (nyx_vault_get_login_id (vault), ==, "default");
  g_assert_false (nyx_vault_get_was_single_account (vault));
  ids = nyx_vault_dup_account_ids (vault);
  g_assert_cmpstrv (ids, ((const char *[]) { "Account 1", NULL }));
  assert_mnemonic (vault, "Account 1", "password", ABANDON_ART);
}

/* The legacy single-account plaintext becomes one account named after the login. */
static void
test_open_legacy_single_account (Fixture       *fixture,
                                 gconstpointer  user_data)
{
  g_autoptr(GBytes) legacy = read_data_file ("spec-legacy-1.0.4.plaintext");
  g_autofree char *legacy_text = g_strndup (g_bytes_get_data (legacy, NULL), g_bytes_get_size (legacy));
  const IndependentLogin login = { "default", "password11!", legacy_text };
  g_autoptr(NyxVault) vault = NULL;
  g_autoptr(NyxVault) reopened = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;
  g_autofree char *hd_path = NULL;
  g_autofree char *plaintext = NULL;
  g_autofree char *expected = NULL;

  build_nym_wallet_file (fixture->path, &login, 1);
  vault = nyx_vault_open (fixture->path, NULL, "password11!", &error);
  g_assert_no_error (error);
  g_assert_true (nyx_vault_get_was_single_account (vault));
  ids = nyx_vault_dup_account_ids (vault);
  g_assert_cmpstrv (ids, ((const char *[]) { "default", NULL }));
  hd_path = nyx_vault_dup_account_hd_path (vault, "default");
  g_assert_cmpstr (hd_path, ==, "m/44'/118'/0'/0/0");
  assert_mnemonic (vault, "default", "password11!", ARROW);

  /* Any change rewrites the login in the multi-account shape, as nym-wallet does. */
  g_assert_true (nyx_vault_add_account (vault, "second", CRUSH, &error));
  g_assert_no_error (error);
  plaintext = independent_open (fixture->path, "default", "password11!");
  expected = expected_plaintext ((const char *[]) { "default", "second" }, (const char *[]) { ARROW, CRUSH }, 2);
  g_assert_cmpstr (plaintext, ==, expected);

  reopened = nyx_vault_open (fixture->path, NULL, "password11!", &error);
  g_assert_no_error (error);
  g_assert_false (nyx_vault_get_was_single_account (reopened));
  g_assert_cmpuint (nyx_vault_get_n_accounts (reopened), ==, 2);
}

/* A multi-account, multi-login file written by nym-wallet's rules through an independent path. */
static void
test_open_independent_file (Fixture       *fixture,
                            gconstpointer  user_data)
{
  /* Unknown fields, escapes and whitespace are all legal serde input. */
  static const char first_plaintext[] =
    "{ \"accounts\" : [ {\"id\":\"Account 1\",\"account\":{\"mnemonic\":\"" ABANDON_ART "\",\"hd_path\":\"m/44'/118'/0'/0/0\"}},\n"
    "  {\"extra\":[1,2.5e3,{\"x\":null}],\"id\":\"caf\\u00e9 \\ud83d\\ude00\",\"account\":{\"hd_path\":\"m/44'/118'/0'/0/0\",\"mnemonic\":\"" CRUSH "\",\"z\":true}} ] }";
  static const char second_plaintext[] =
    "{\"mnemonic\":\"" ABANDON_ABOUT "\",\"hd_path\":\"m/44'/118'/0'/0/0\"}";
  const IndependentLogin logins[] = {
    { "first", "correct horse", first_plaintext },
    { "second", "correct horse", second_plaintext },
  };
  g_autoptr(NyxVault) first = NULL;
  g_autoptr(NyxVault) second = NULL;
  g_autoptr(NyxVault) missing = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;

  build_nym_wallet_file (fixture->path, logins, G_N_ELEMENTS (logins));

  first = nyx_vault_open (fixture->path, "first", "correct horse", &error);
  g_assert_no_error (error);
  ids = nyx_vault_dup_account_ids (first);
  g_assert_cmpstrv (ids, ((const char *[]) { "Account 1", "café 😀", NULL }));
  assert_mnemonic (first, "café 😀", "correct horse", CRUSH);

  second = nyx_vault_open (fixture->path, "second", "correct horse", &error);
  g_assert_no_error (error);
  g_assert_true (nyx_vault_get_was_single_account (second));
  assert_mnemonic (second, "second", "correct horse", ABANDON_ABOUT);

  missing = nyx_vault_open (fixture->path, NULL, "correct horse", &error);
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_NO_SUCH_LOGIN);
  g_assert_null (missing);
  g_assert_nonnull (strstr (error->message, "“first”, “second”"));
  g_clear_error (&error);

  /* Removing the only account of one login drops that login; the file and the other login stay. */
  g_assert_true (nyx_vault_remove_account (second, "second", &error));
  g_assert_no_error (error);
  g_assert_true (nyx_vault_get_is_removed (second));
  g_assert_true (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
  g_clear_object (&second);
  second = nyx_vault_open (fixture->path, "second", "correct horse", &error);
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_NO_SUCH_LOGIN);
  g_assert_null (second);
  g_clear_error (&error);
  g_clear_object (&first);
  first = nyx_vault_open (fixture->path, "first", "correct horse", &error);
  g_assert_no_error (error);
  assert_mnemonic (first, "Account 1", "correct horse", ABANDON_ART);
  g_assert_cmpuint (count_directory_entries (fixture->directory), ==, 1);
}

/* create, open, add, rename, remove, change the password and reveal, checked against an independent reader. */
static void
test_round_trip (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(NyxVault) vault = NULL;
  g_autoptr(NyxVault) reopened = NULL;
  g_autoptr(NyxVault) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) ids = NULL;
  g_autofree char *plaintext = NULL;
  g_autofree char *expected = NULL;
  char *mnemonic;
  struct stat info;

  /* Messy input is stored in canonical form, as bip39::Mnemonic prints it. */
  vault = nyx_vault_create (fixture->path, NULL, "hunter2 ünïcode", NULL,
                            "  ABANDON abandon abandon abandon abandon abandon abandon abandon abandon abandon\n"
                            "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
                            "abandon abandon abandon   art ", &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (fixture->path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);
  plaintext = independent_open (fixture->path, "default", "hunter2 ünïcode");
  expected = expected_plaintext ((const char *[]) { "Account 1" }, (const char *[]) { ABANDON_ART }, 1);
  g_assert_cmpstr (plaintext, ==, expected);
  g_clear_pointer (&plaintext, g_free);
  g_clear_pointer (&expected, g_free);

  g_assert_true (nyx_vault_add_account (vault, "Savings", CRUSH, &error));
  g_assert_no_error (error);
  g_assert_true (nyx_vault_add_account (vault, "Third", ABANDON_ABOUT, &error));
  g_assert_no_error (error);
  g_assert_true (nyx_vault_rename_account (vault, "Savings", "Cold storage", &error));
  g_assert_no_error (error);
  g_assert_true (nyx_vault_remove_account (vault, "Third", &error));
  g_assert_no_error (error);
  plaintext = independent_open (fixture->path, "default", "hunter2 ünïcode");
  expected = expected_plaintext ((const char *[]) { "Account 1", "Cold storage" },
                                 (const char *[]) { ABANDON_ART, CRUSH }, 2);
  g_assert_cmpstr (plaintext, ==, expected);
  g_clear_pointer (&plaintext, g_free);

  g_assert_false (nyx_vault_change_password (vault, "not the password", "new", &error));
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_WRONG_PASSWORD);
  g_clear_error (&error);
  g_assert_true (nyx_vault_change_password (vault, "hunter2 ünïcode", "n3w pässword", &error));
  g_assert_no_error (error);
  plaintext = independent_open (fixture->path, "default", "n3w pässword");
  g_assert_cmpstr (plaintext, ==, expected);

  refused = nyx_vault_open (fixture->path, NULL, "hunter2 ünïcode", &error);
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_WRONG_PASSWORD);
  g_assert_null (refused);
  g_clear_error (&error);

  reopened = nyx_vault_open (fixture->path, NULL, "n3w pässword", &error);
  g_assert_no_error (error);
  ids = nyx_vault_dup_account_ids (reopened);
  g_assert_cmpstrv (ids, ((const char *[]) { "Account 1", "Cold storage", NULL }));
  assert_mnemonic (reopened, "Cold storage", "n3w pässword", CRUSH);

  mnemonic = nyx_vault_reveal_mnemonic (reopened, "Cold storage", "hunter2 ünïcode", &error);
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_WRONG_PASSWORD);
  g_assert_null (mnemonic);
  g_clear_error (&error);
  mnemonic = nyx_vault_reveal_mnemonic (reopened, "Nope", "n3w pässword", &error);
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_NO_SUCH_ACCOUNT);
  g_assert_null (mnemonic);

  /* Only the wallet file is left: every temporary file was renamed or removed. */
  g_assert_cmpuint (count_directory_entries (fixture->directory), ==, 1);
  g_assert_cmpint (g_stat (fixture->path, &info), ==, 0);
  g_assert_cmpint (info.st_mode & 0777, ==, 0600);
}

/* A password change re-encrypts the other logins of an old multi-login file too. */
static void
test_change_password_other_logins (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  static const char single[] = "{\"mnemonic\":\"" CRUSH "\",\"hd_path\":\"m/44'/118'/0'/0/0\"}";
  static const char multi[] =
    "{\"accounts\":[{\"id\":\"Account 1\",\"account\":{\"mnemonic\":\"" ABANDON_ART "\",\"hd_path\":\"m/44'/118'/0'/0/0\"}}]}";
  const IndependentLogin same[] = {
    { "legacy", "old", single },
    { "default", "old", multi },
  };
  const IndependentLogin mixed[] = {
    { "legacy", "different", single },
    { "default", "old", multi },
  };
  g_autoptr(NyxVault) vault = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *legacy_plaintext = NULL;
  Snapshot snapshot;

  build_nym_wallet_file (fixture->path, same, G_N_ELEMENTS (same));
  vault = nyx_vault_open (fixture->path, NULL, "old", &error);
  g_assert_no_error (error);
  g_assert_true (nyx_vault_change_password (vault, "old", "new", &error));
  g_assert_no_error (error);
  legacy_plaintext = independent_open (fixture->path, "legacy", "new");
  g_assert_cmpstr (legacy_plaintext, ==, single);
  g_clear_object (&vault);

  /* If another login uses a different password, nothing is changed. */
  build_nym_wallet_file (fixture->path, mixed, G_N_ELEMENTS (mixed));
  vault = nyx_vault_open (fixture->path, NULL, "old", &error);
  g_assert_no_error (error);
  snapshot_take (&snapshot, fixture->path);
  g_assert_false (nyx_vault_change_password (vault, "old", "new", &error));
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_WRONG_PASSWORD);
  g_assert_nonnull (strstr (error->message, "“legacy”"));
  snapshot_assert_unchanged (&snapshot, fixture->path);
  g_assert_true (nyx_vault_check_password (vault, "old"));
}

static void
test_wrong_password (Fixture       *fixture,
                     gconstpointer  user_data)
{
  g_autoptr(NyxVault) vault = NULL;
  g_autoptr(NyxVault) refused = NULL;
  g_autoptr(GError) error = NULL;
  Snapshot snapshot;

  vault = nyx_vault_create (fixture->path, NULL, "right", NULL, ABANDON_ART, &error);
  g_assert_no_error (error);
  g_clear_object (&vault);

  snapshot_take (&snapshot, fixture->path);
  refused = nyx_vault_open (fixture->path, NULL, "wrong", &error);
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_WRONG_PASSWORD);
  g_assert_null (refused);
  g_assert_nonnull (strstr (error->message, "password is wrong"));
  g_test_message ("%s", error->message);
  snapshot_assert_unchanged (&snapshot, fixture->path);
  g_assert_cmpuint (count_directory_entries (fixture->directory), ==, 1);
}

/* Each damage to a good file and the error it must give; the file must never change. */
typedef struct
{
  const char *name;
  const char *search;     /* NULL: replace the whole file with @replace */
  const char *replace;
  int         code;
} Damage;

static char *
field_value (const char *json,
             const char *field)
{
  g_autofree char *key = g_strdup_printf ("\"%s\": \"", field);
  const char *start = strstr (json, key);
  const char *end;

  g_assert_nonnull (start);
  start += strlen (key);
  end = strchr (start, '"');
  return g_strndup (start, (gsize) (end - start));
}

static char *
replace_once (const char *text,
              const char *search,
              const char *replace)
{
  const char *at = strstr (text, search);

  g_assert_nonnull (at);
  return g_strdup_printf ("%.*s%s%s", (int) (at - text), text, replace, at + strlen (search));
}

static char *
reencode_ciphertext (const char *good,
                     int         truncate_to,
                     int         flip_byte)
{
  g_autofree char *ciphertext_b64 = field_value (good, "ciphertext");
  g_autofree guchar *ciphertext = NULL;
  g_autofree char *damaged_b64 = NULL;
  gsize length;

  ciphertext = g_base64_decode (ciphertext_b64, &length);
  if (flip_byte < 0)
    ciphertext[length + (gsize) flip_byte] ^= 0x01;
  else if (flip_byte > 0)
    ciphertext[flip_byte] ^= 0x80;
  if (truncate_to >= 0)
    length = (gsize) truncate_to;
  damaged_b64 = g_base64_encode (ciphertext, length);
  return replace_once (good, ciphertext_b64, damaged_b64);
}

static void
test_damaged_files (Fixture       *fixture,
                    gconstpointer  user_data)
{
  g_autoptr(NyxVault) vault = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *good = NULL;
  g_autofree char *salt = NULL;
  g_autofree char *iv = NULL;
  g_autofree char *ciphertext = NULL;
  Damage damages[] = {
    { "not JSON", NULL, "this is not json {", NYX_VAULT_ERROR_CORRUPT },
    { "empty file", NULL, "", NYX_VAULT_ERROR_CORRUPT },
    { "top-level array", NULL, "[1,2]", NYX_VAULT_ERROR_CORRUPT },
    { "version 2", "\"version\": 1", "\"version\": 2", NYX_VAULT_ERROR_UNSUPPORTED_VERSION },
    { "version as string", "\"version\": 1", "\"version\": \"1\"", NYX_VAULT_ERROR_CORRUPT },
    { "no version", "\"version\": 1,", "", NYX_VAULT_ERROR_CORRUPT },
    { "no accounts", "\"accounts\"", "\"acounts\"", NYX_VAULT_ERROR_CORRUPT },
    { "no id", "\"id\"", "\"name\"", NYX_VAULT_ERROR_CORRUPT },
    { "no login default", "\"default\"", "\"other\"", NYX_VAULT_ERROR_NO_SUCH_LOGIN },
    { "no ciphertext", "\"ciphertext\"", "\"cyphertext\"", NYX_VAULT_ERROR_CORRUPT },
    { "no salt", "\"salt\"", "\"pepper\"", NYX_VAULT_ERROR_CORRUPT },
    { "no iv", "\"iv\"", "\"nonce\"", NYX_VAULT_ERROR_CORRUPT },
    { "salt not base64", salt, "AAECAwQFBgcICQoLDA0OD*==", NYX_VAULT_ERROR_CORRUPT },
    { "salt 15 bytes", salt, "AAECAwQFBgcICQoLDA0O", NYX_VAULT_ERROR_CORRUPT },
    { "iv 16 bytes", iv, "AAECAwQFBgcICQoLDA0ODw==", NYX_VAULT_ERROR_CORRUPT },
    { "ciphertext bad length", ciphertext, "abc", NYX_VAULT_ERROR_CORRUPT },
  };

  vault = nyx_vault_create (fixture->path, NULL, "pw", NULL, ABANDON_ART, &error);
  g_assert_no_error (error);
  g_clear_object (&vault);
  g_file_get_contents (fixture->path, &good, NULL, &error);
  g_assert_no_error (error);
  salt = field_value (good, "salt");
  iv = field_value (good, "iv");
  ciphertext = field_value (good, "ciphertext");
  /* The table above was built before these were known. */
  damages[12].search = salt;
  damages[13].search = salt;
  damages[14].search = iv;
  damages[15].search = ciphertext;

  for (guint i = 0; i < G_N_ELEMENTS (damages) + 4; i++)
    {
      g_autofree char *damaged = NULL;
      g_autoptr(NyxVault) opened = NULL;
      const char *name;
      int code;
      Snapshot snapshot;

      if (i < G_N_ELEMENTS (damages))
        {
          name = damages[i].name;
          code = damages[i].code;
          damaged = damages[i].search == NULL ? g_strdup (damages[i].replace)
                                              : replace_once (good, damages[i].search, damages[i].replace);
        }
      else
        {
          /* Ciphertext damage: shorter than a tag, one byte short, a flipped tag bit, a flipped body bit. */
          static const char *names[] = { "ciphertext shorter than the tag", "ciphertext truncated",
                                         "tag flipped", "body flipped" };
          static const int codes[] = { NYX_VAULT_ERROR_CORRUPT, NYX_VAULT_ERROR_WRONG_PASSWORD,
                                       NYX_VAULT_ERROR_WRONG_PASSWORD, NYX_VAULT_ERROR_WRONG_PASSWORD };
          guint which = i - G_N_ELEMENTS (damages);
          gsize length;
          g_autofree guchar *raw = g_base64_decode (ciphertext, &length);

          name = names[which];
          code = codes[which];
          switch (which)
            {
            case 0: damaged = reencode_ciphertext (good, 15, 0); break;
            case 1: damaged = reencode_ciphertext (good, (int) length - 1, 0); break;
            case 2: damaged = reencode_ciphertext (good, -1, -1); break;
            default: damaged = reencode_ciphertext (good, -1, 3); break;
            }
        }

      write_file (fixture->path, damaged, -1);
      snapshot_take (&snapshot, fixture->path);
      opened = nyx_vault_open (fixture->path, NULL, "pw", &error);
      g_test_message ("%s: %s", name, error != NULL ? error->message : "(no error)");
      g_assert_null (opened);
      g_assert_error (error, NYX_VAULT_ERROR, code);
      g_clear_error (&error);
      snapshot_assert_unchanged (&snapshot, fixture->path);
    }

  /* A file far larger than any wallet is refused before it is read into memory. */
  {
    g_autofree char *huge = g_strnfill (5 * 1024 * 1024, ' ');
    g_autoptr(NyxVault) opened = NULL;
    Snapshot snapshot;

    memcpy (huge, good, strlen (good));
    write_file (fixture->path, huge, -1);
    snapshot_take (&snapshot, fixture->path);
    opened = nyx_vault_open (fixture->path, NULL, "pw", &error);
    g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_CORRUPT);
    g_assert_nonnull (strstr (error->message, "limit"));
    g_assert_null (opened);
    g_clear_error (&error);
    snapshot_assert_unchanged (&snapshot, fixture->path);
  }
  g_assert_cmpuint (count_directory_entries (fixture->directory), ==, 1);
}

/* Well-encrypted logins whose decrypted content is not wallet data. */
static void
test_damaged_plaintext (Fixture       *fixture,
                        gconstpointer  user_data)
{
  static const char *const plaintexts[] = {
    "not json",
    "{\"accounts\":[{\"id\":\"a\",\"account\":{\"hd_path\":\"m/44'/118'/0'/0/0\"}}]}",
    "{\"accounts\":[{\"id\":\"a\",\"account\":{\"mnemonic\":\"" CRUSH "\"}}]}",
    "{\"accounts\":[{\"account\":{\"mnemonic\":\"" CRUSH "\",\"hd_path\":\"m\"}}]}",
    "{\"accounts\":[{\"id\":\"a\"}]}",
    "{\"mnemonic\":\"" CRUSH "\"}",
    "{\"mnemonic\":\"" CRUSH "\",\"hd_path\":\"m\"} trailing",
    "{\"mnemonic\":\"a\\u0000b\",\"hd_path\":\"m\"}",
    "{\"mnemonic\":\"bad \\x escape\",\"hd_path\":\"m\"}",
    "{\"mnemonic\":\"lone \\ud800 surrogate\",\"hd_path\":\"m\"}",
    "{\"mnemonic\":\"x\",\"mnemonic\":\"y\",\"hd_path\":\"m\"}",
    "{\"accounts\":[{\"id\":\"a\",\"account\":{\"mnemonic\":\"x\",\"hd_path\":\"m\"}}",
    "{\"accounts\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
    "{\"other\":1}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (plaintexts); i++)
    {
      const IndependentLogin login = { "default", "pw", plaintexts[i] };
      g_autoptr(NyxVault) opened = NULL;
      g_autoptr(GError) error = NULL;
      Snapshot snapshot;

      build_nym_wallet_file (fixture->path, &login, 1);
      snapshot_take (&snapshot, fixture->path);
      opened = nyx_vault_open (fixture->path, NULL, "pw", &error);
      g_test_message ("plaintext %u: %s", i, error != NULL ? error->message : "(no error)");
      g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_CORRUPT);
      g_assert_null (opened);
      snapshot_assert_unchanged (&snapshot, fixture->path);
    }
}

static void
test_missing_file (Fixture       *fixture,
                   gconstpointer  user_data)
{
  g_autoptr(NyxVault) vault = NULL;
  g_autoptr(GError) error = NULL;

  vault = nyx_vault_open (fixture->path, NULL, "pw", &error);
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_NOT_FOUND);
  g_assert_null (vault);
  g_assert_cmpuint (count_directory_entries (fixture->directory), ==, 0);
}

static void
test_create_refuses_existing (Fixture       *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(NyxVault) vault = NULL;
  g_autoptr(GError) error = NULL;
  Snapshot snapshot;

  write_file (fixture->path, "precious", -1);
  snapshot_take (&snapshot, fixture->path);
  vault = nyx_vault_create (fixture->path, NULL, "pw", NULL, ABANDON_ART, &error);
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_EXISTS);
  g_assert_null (vault);
  snapshot_assert_unchanged (&snapshot, fixture->path);
  g_assert_cmpuint (count_directory_entries (fixture->directory), ==, 1);
}

/* Invalid names, passwords and mnemonics, duplicates: refused with their own codes, nothing written. */
static void
test_validation (Fixture       *fixture,
                 gconstpointer  user_data)
{
  g_autoptr(NyxVault) vault = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *long_name = g_strnfill (NYX_VAULT_MAX_ACCOUNT_NAME + 1, 'x');
  Snapshot snapshot;
  struct
  {
    const char *name;
    const char *mnemonic;
    int         code;
  } bad_adds[] = {
    { "Account 1", CRUSH, NYX_VAULT_ERROR_ACCOUNT_EXISTS },
    { "Again", "abandon  abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
               "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon "
               "abandon ART", NYX_VAULT_ERROR_DUPLICATE_MNEMONIC },
    { "", CRUSH, NYX_VAULT_ERROR_INVALID_NAME },
    { "   ", CRUSH, NYX_VAULT_ERROR_INVALID_NAME },
    { "tab\there", CRUSH, NYX_VAULT_ERROR_INVALID_NAME },
    { long_name, CRUSH, NYX_VAULT_ERROR_INVALID_NAME },
    { "New", "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon",
      NYX_VAULT_ERROR_INVALID_MNEMONIC },
    { "New", "crush minute paddle", NYX_VAULT_ERROR_INVALID_MNEMONIC },
    { "New", "notaword minute paddle tobacco message debate cabin peace bar jacket execute twenty",
      NYX_VAULT_ERROR_INVALID_MNEMONIC },
  };

  vault = nyx_vault_create (fixture->path, NULL, "", NULL, ABANDON_ART, &error);
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_INVALID_PASSWORD);
  g_assert_null (vault);
  g_clear_error (&error);
  vault = nyx_vault_create (fixture->path, NULL, "pw", NULL, "abandon art", &error);
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_INVALID_MNEMONIC);
  g_assert_null (vault);
  g_clear_error (&error);
  g_assert_cmpuint (count_directory_entries (fixture->directory), ==, 0);

  vault = nyx_vault_create (fixture->path, NULL, "pw", NULL, ABANDON_ART, &error);
  g_assert_no_error (error);
  g_assert_true (nyx_vault_add_account (vault, "Other", CRUSH, &error));
  g_assert_no_error (error);

  snapshot_take (&snapshot, fixture->path);
  for (guint i = 0; i < G_N_ELEMENTS (bad_adds); i++)
    {
      g_assert_false (nyx_vault_add_account (vault, bad_adds[i].name, bad_adds[i].mnemonic, &error));
      g_test_message ("add %u: %s", i, error->message);
      g_assert_error (error, NYX_VAULT_ERROR, bad_adds[i].code);
      g_clear_error (&error);
    }
  g_assert_false (nyx_vault_rename_account (vault, "Other", "Account 1", &error));
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_ACCOUNT_EXISTS);
  g_clear_error (&error);
  g_assert_false (nyx_vault_rename_account (vault, "Missing", "X", &error));
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_NO_SUCH_ACCOUNT);
  g_clear_error (&error);
  g_assert_false (nyx_vault_rename_account (vault, "Other", "", &error));
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_INVALID_NAME);
  g_clear_error (&error);
  g_assert_false (nyx_vault_remove_account (vault, "Missing", &error));
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_NO_SUCH_ACCOUNT);
  g_clear_error (&error);
  g_assert_false (nyx_vault_change_password (vault, "pw", "", &error));
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_INVALID_PASSWORD);
  g_clear_error (&error);
  snapshot_assert_unchanged (&snapshot, fixture->path);
  g_assert_cmpuint (nyx_vault_get_n_accounts (vault), ==, 2);
}

/* Removing the last account deletes the file, as nym-wallet does; the vault is closed then. */
static void
test_remove_last_account (Fixture       *fixture,
                          gconstpointer  user_data)
{
  g_autoptr(NyxVault) vault = NULL;
  g_autoptr(GError) error = NULL;

  vault = nyx_vault_create (fixture->path, NULL, "pw", "Only", ABANDON_ART, &error);
  g_assert_no_error (error);
  g_assert_true (nyx_vault_remove_account (vault, "Only", &error));
  g_assert_no_error (error);
  g_assert_true (nyx_vault_get_is_removed (vault));
  g_assert_false (g_file_test (fixture->path, G_FILE_TEST_EXISTS));
  g_assert_false (nyx_vault_add_account (vault, "Again", CRUSH, &error));
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_CLOSED);
  g_assert_cmpuint (count_directory_entries (fixture->directory), ==, 0);
}

/* A failed write (the folder is a file) leaves the object as it was. */
static void
test_failed_write_changes_nothing (Fixture       *fixture,
                                   gconstpointer  user_data)
{
  g_autoptr(NyxVault) vault = NULL;
  g_autoptr(NyxVault) blocked = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *blocker = g_build_filename (fixture->directory, "not-a-folder", NULL);
  g_autofree char *impossible = g_build_filename (blocker, "saved-wallet.json", NULL);

  write_file (blocker, "x", -1);
  blocked = nyx_vault_create (impossible, NULL, "pw", NULL, ABANDON_ART, &error);
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_IO);
  g_assert_null (blocked);
  g_clear_error (&error);
  g_assert_cmpuint (count_directory_entries (fixture->directory), ==, 1);
  g_assert_cmpint (g_unlink (blocker), ==, 0);

  vault = nyx_vault_create (fixture->path, NULL, "pw", NULL, ABANDON_ART, &error);
  g_assert_no_error (error);
  /* Replacing the folder's write permission does not stop root, so break the path instead. */
  g_assert_cmpint (g_unlink (fixture->path), ==, 0);
  g_assert_cmpint (g_mkdir (fixture->path, 0700), ==, 0);
  g_assert_false (nyx_vault_add_account (vault, "Second", CRUSH, &error));
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_IO);
  g_clear_error (&error);
  g_assert_cmpuint (nyx_vault_get_n_accounts (vault), ==, 1);
  g_assert_false (nyx_vault_rename_account (vault, "Account 1", "Renamed", &error));
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_IO);
  g_clear_error (&error);
  g_assert_true (nyx_vault_has_account (vault, "Account 1"));
  g_assert_false (nyx_vault_change_password (vault, "pw", "other", &error));
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_IO);
  g_clear_error (&error);
  g_assert_true (nyx_vault_check_password (vault, "pw"));
  g_assert_cmpint (g_rmdir (fixture->path), ==, 0);
  /* No temporary file was left behind by the failed writes. */
  g_assert_cmpuint (count_directory_entries (fixture->directory), ==, 0);
}

/* Plaintext written by the vault escapes like serde_json and reads back identically. */
static void
test_plaintext_round_trip (void)
{
  g_autoptr(GPtrArray) accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) nyx_vault_account_free);
  g_autoptr(GPtrArray) parsed = NULL;
  g_autoptr(GError) error = NULL;
  static const char expected[] =
    "{\"accounts\":[{\"id\":\"q\\\"b\\\\s\\n\\u0001\\u001f\x7f é\",\"account\":{\"mnemonic\":\"m\\t\",\"hd_path\":\"m/0\"}}]}";
  uint8_t *plaintext;
  size_t length = 0;
  bool single = true;

  g_ptr_array_add (accounts, nyx_vault_account_new ("q\"b\\s\n\x01\x1f\x7f é", "m/0", nyx_secret_strndup ("m\t", 2)));
  plaintext = nyx_vault_plaintext_serialize (accounts, &length);
  g_assert_cmpmem (plaintext, length, expected, sizeof expected - 1);

  parsed = nyx_vault_plaintext_parse (plaintext, length, "default", &single, &error);
  g_assert_no_error (error);
  g_assert_false (single);
  g_assert_cmpuint (parsed->len, ==, 1);
  g_assert_cmpstr (((NyxVaultAccount *) parsed->pdata[0])->id, ==, "q\"b\\s\n\x01\x1f\x7f é");
  g_assert_cmpstr (((NyxVaultAccount *) parsed->pdata[0])->mnemonic, ==, "m\t");
  g_assert_cmpstr (((NyxVaultAccount *) parsed->pdata[0])->hd_path, ==, "m/0");
  nyx_secret_free (plaintext);
}

/* The file Nymph writes is serde_json's pretty form: that is what nym-wallet itself writes. */
static void
test_file_layout (Fixture       *fixture,
                  gconstpointer  user_data)
{
  g_autoptr(NyxVault) vault = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *ciphertext = NULL;
  g_autofree char *salt = NULL;
  g_autofree char *iv = NULL;
  g_autofree char *expected = NULL;

  vault = nyx_vault_create (fixture->path, NULL, "pw", NULL, ABANDON_ART, &error);
  g_assert_no_error (error);
  g_file_get_contents (fixture->path, &contents, NULL, &error);
  g_assert_no_error (error);
  ciphertext = field_value (contents, "ciphertext");
  salt = field_value (contents, "salt");
  iv = field_value (contents, "iv");
  expected = g_strdup_printf ("{\n  \"version\": 1,\n  \"accounts\": [\n    {\n      \"id\": \"default\",\n"
                              "      \"account\": {\n        \"ciphertext\": \"%s\",\n        \"salt\": \"%s\",\n"
                              "        \"iv\": \"%s\"\n      }\n    }\n  ]\n}", ciphertext, salt, iv);
  g_assert_cmpstr (contents, ==, expected);
  g_assert_cmpuint (strlen (salt), ==, 24);
  g_assert_cmpuint (strlen (iv), ==, 16);
}

static void
test_new_and_finalize (Fixture       *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(GError) error = NULL;
  NyxVault *vault = nyx_vault_create (fixture->path, NULL, "pw", NULL, ABANDON_ART, &error);

  g_assert_no_error (error);
  g_assert_finalize_object (vault);
  vault = nyx_vault_open (fixture->path, NULL, "pw", &error);
  g_assert_no_error (error);
  g_assert_finalize_object (vault);
}

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
} AsyncWait;

static void
async_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  AsyncWait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static GAsyncResult *
async_wait_run (AsyncWait *wait)
{
  g_main_loop_run (wait->loop);
  return wait->result;
}

/* The _async variants run in a worker and report back on the caller's main context. */
static void
test_async (Fixture       *fixture,
            gconstpointer  user_data)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  AsyncWait wait = { loop, NULL };
  g_autoptr(NyxVault) created = NULL;
  g_autoptr(NyxVault) opened = NULL;
  g_autoptr(NyxVault) refused = NULL;
  g_autoptr(NyxVault) cancelled_vault = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  gboolean changed;

  nyx_vault_create_async (fixture->path, NULL, "pw", "Main", CRUSH, NULL, async_done, &wait);
  created = nyx_vault_create_finish (async_wait_run (&wait), &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  g_assert_true (nyx_vault_has_account (created, "Main"));

  nyx_vault_change_password_async (created, "pw", "pw2", NULL, async_done, &wait);
  changed = nyx_vault_change_password_finish (created, async_wait_run (&wait), &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  g_assert_true (changed);

  nyx_vault_open_async (fixture->path, NULL, "pw", NULL, async_done, &wait);
  refused = nyx_vault_open_finish (async_wait_run (&wait), &error);
  g_clear_object (&wait.result);
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_WRONG_PASSWORD);
  g_assert_null (refused);
  g_clear_error (&error);

  nyx_vault_open_async (fixture->path, NULL, "pw2", NULL, async_done, &wait);
  opened = nyx_vault_open_finish (async_wait_run (&wait), &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  assert_mnemonic (opened, "Main", "pw2", CRUSH);

  nyx_vault_add_account_async (opened, "Second", ABANDON_ART, NULL, async_done, &wait);
  changed = nyx_vault_add_account_finish (opened, async_wait_run (&wait), &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  g_assert_true (changed);
  nyx_vault_rename_account_async (opened, "Second", "Renamed", NULL, async_done, &wait);
  changed = nyx_vault_rename_account_finish (opened, async_wait_run (&wait), &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  g_assert_true (changed);
  nyx_vault_remove_account_async (opened, "Nope", NULL, async_done, &wait);
  changed = nyx_vault_remove_account_finish (opened, async_wait_run (&wait), &error);
  g_clear_object (&wait.result);
  g_assert_error (error, NYX_VAULT_ERROR, NYX_VAULT_ERROR_NO_SUCH_ACCOUNT);
  g_assert_false (changed);
  g_clear_error (&error);
  nyx_vault_remove_account_async (opened, "Main", NULL, async_done, &wait);
  changed = nyx_vault_remove_account_finish (opened, async_wait_run (&wait), &error);
  g_clear_object (&wait.result);
  g_assert_no_error (error);
  g_assert_true (changed);
  {
    g_autofree char *plaintext = independent_open (fixture->path, "default", "pw2");
    g_autofree char *expected = expected_plaintext ((const char *[]) { "Renamed" }, (const char *[]) { ABANDON_ART }, 1);

    g_assert_cmpstr (plaintext, ==, expected);
  }

  g_cancellable_cancel (cancellable);
  nyx_vault_open_async (fixture->path, NULL, "pw2", cancellable, async_done, &wait);
  cancelled_vault = nyx_vault_open_finish (async_wait_run (&wait), &error);
  g_clear_object (&wait.result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (cancelled_vault);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (nyx_wallet_init ());

  g_test_add_func ("/vault/kdf/spec-vector", test_kdf_spec_vector);
  g_test_add_func ("/vault/kdf/matches-libgcrypt", test_kdf_matches_libgcrypt);
  g_test_add_func ("/vault/format/spec-encrypt-vector", test_spec_encrypt_vector);
  g_test_add_func ("/vault/format/plaintext-round-trip", test_plaintext_round_trip);
  g_test_add ("/vault/format/file-layout", Fixture, NULL, fixture_set_up, test_file_layout, fixture_tear_down);
  g_test_add ("/vault/open/spec-vector", Fixture, NULL, fixture_set_up, test_open_spec_vector, fixture_tear_down);
  g_test_add ("/vault/open/legacy-single-account", Fixture, NULL, fixture_set_up, test_open_legacy_single_account, fixture_tear_down);
  g_test_add ("/vault/open/independent-file", Fixture, NULL, fixture_set_up, test_open_independent_file, fixture_tear_down);
  g_test_add ("/vault/open/missing-file", Fixture, NULL, fixture_set_up, test_missing_file, fixture_tear_down);
  g_test_add ("/vault/open/wrong-password", Fixture, NULL, fixture_set_up, test_wrong_password, fixture_tear_down);
  g_test_add ("/vault/open/damaged-files", Fixture, NULL, fixture_set_up, test_damaged_files, fixture_tear_down);
  g_test_add ("/vault/open/damaged-plaintext", Fixture, NULL, fixture_set_up, test_damaged_plaintext, fixture_tear_down);
  g_test_add ("/vault/round-trip", Fixture, NULL, fixture_set_up, test_round_trip, fixture_tear_down);
  g_test_add ("/vault/change-password/other-logins", Fixture, NULL, fixture_set_up, test_change_password_other_logins, fixture_tear_down);
  g_test_add ("/vault/create/refuses-existing", Fixture, NULL, fixture_set_up, test_create_refuses_existing, fixture_tear_down);
  g_test_add ("/vault/validation", Fixture, NULL, fixture_set_up, test_validation, fixture_tear_down);
  g_test_add ("/vault/remove-last-account", Fixture, NULL, fixture_set_up, test_remove_last_account, fixture_tear_down);
  g_test_add ("/vault/failed-write-changes-nothing", Fixture, NULL, fixture_set_up, test_failed_write_changes_nothing, fixture_tear_down);
  g_test_add ("/vault/new-and-finalize", Fixture, NULL, fixture_set_up, test_new_and_finalize, fixture_tear_down);
  g_test_add ("/vault/async", Fixture, NULL, fixture_set_up, test_async, fixture_tear_down);

  return g_test_run ();
}
