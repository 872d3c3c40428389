/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Cross-checks BLAKE3, HKDF (SHA-256 and BLAKE3) and AES-256-GCM-SIV byte for byte against @noble in Node. */
#include <string.h>
#include <gio/gio.h>
#include <glib.h>
#include <json-glib/json-glib.h>

#include "crypto/nym-aes.h"
#include "crypto/nym-blake3.h"
#include "crypto/nym-hkdf.h"
#include "crypto-test-vectors.h"

/* Set from the command line by tests/client-core/meson.build. */
static char *node_path = NULL;
static char *script_path = NULL;
static char *node_modules = NULL;

#define XOF_LEN 100

/* One set of random inputs; every output is computed from these by both implementations. */
typedef struct
{
  size_t   len;
  uint8_t *input;
  uint8_t  key[32];
  uint8_t  ikm[48];
  size_t   ikm_len;
  uint8_t  salt[100];
  size_t   salt_len;
  uint8_t  info[30];
  size_t   info_len;
  size_t   okm_len;
  uint8_t  gcm_key[32];
  uint8_t  nonce[12];
  uint8_t  aad[50];
  size_t   aad_len;
} NobleCase;

/* Bytes from the GLib test PRNG, so that a failure can be replayed with --seed. */
static void
random_fill (uint8_t *out,
             size_t   len)
{
  for (size_t i = 0; i < len; i++)
    out[i] = (uint8_t) g_test_rand_int_range (0, 256);
}

static void
noble_case_init (NobleCase *c,
                 size_t     len)
{
  c->len = len;
  c->input = g_malloc (len + 1);
  random_fill (c->input, len);
  random_fill (c->key, sizeof c->key);
  c->ikm_len = (size_t) g_test_rand_int_range (1, sizeof c->ikm + 1);
  random_fill (c->ikm, c->ikm_len);
  /* An empty salt (a third of the time) exercises the "salt none" default; salts longer than
   * the 64-byte HMAC block exercise the hashing of long HMAC keys. */
  c->salt_len = g_test_rand_int_range (0, 3) == 0 ? 0 : (size_t) g_test_rand_int_range (1, sizeof c->salt + 1);
  random_fill (c->salt, c->salt_len);
  c->info_len = (size_t) g_test_rand_int_range (0, sizeof c->info + 1);
  random_fill (c->info, c->info_len);
  c->okm_len = (size_t) g_test_rand_int_range (1, 200);
  random_fill (c->gcm_key, sizeof c->gcm_key);
  random_fill (c->nonce, sizeof c->nonce);
  c->aad_len = (size_t) g_test_rand_int_range (0, sizeof c->aad + 1);
  random_fill (c->aad, c->aad_len);
}

static void
noble_case_clear (NobleCase *c)
{
  g_clear_pointer (&c->input, g_free);
}

static char *
to_hex (const uint8_t *data,
        size_t         len)
{
  char *hex = g_malloc (2 * len + 1);

  for (size_t i = 0; i < len; i++)
    g_snprintf (hex + 2 * i, 3, "%02x", data[i]);
  hex[2 * len] = '\0';
  return hex;
}

static void
add_hex (JsonBuilder   *builder,
         const char    *name,
         const uint8_t *data,
         size_t         len)
{
  g_autofree char *hex = to_hex (data, len);

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, hex);
}

static char *
build_request (const NobleCase *c)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "cases");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  add_hex (builder, "input", c->input, c->len);
  add_hex (builder, "key", c->key, sizeof c->key);
  add_hex (builder, "ikm", c->ikm, c->ikm_len);
  add_hex (builder, "salt", c->salt, c->salt_len);
  add_hex (builder, "info", c->info, c->info_len);
  json_builder_set_member_name (builder, "okm_len");
  json_builder_add_int_value (builder, (gint64) c->okm_len);
  json_builder_set_member_name (builder, "xof_len");
  json_builder_add_int_value (builder, XOF_LEN);
  add_hex (builder, "gcm_key", c->gcm_key, sizeof c->gcm_key);
  add_hex (builder, "nonce", c->nonce, sizeof c->nonce);
  add_hex (builder, "aad", c->aad, c->aad_len);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  return json_generator_to_data (generator, NULL);
}

/* Whether the Node side can run at all; the test is skipped (not passed) when it cannot. */
static bool
noble_available (void)
{
  g_autofree char *hashes = NULL;
  g_autofree char *ciphers = NULL;

  if (node_path == NULL || *node_path == '\0' || !g_file_test (node_path, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("node was not found at configure time");
      return false;
    }
  if (node_modules == NULL || *node_modules == '\0')
    {
      g_test_skip ("no node_modules directory was given");
      return false;
    }
  hashes = g_build_filename (node_modules, "@noble", "hashes", "package.json", NULL);
  ciphers = g_build_filename (node_modules, "@noble", "ciphers", "package.json", NULL);
  if (!g_file_test (hashes, G_FILE_TEST_EXISTS) || !g_file_test (ciphers, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("@noble/hashes or @noble/ciphers is not installed in tests/node_modules (run npm ci in tests/)");
      return false;
    }
  return true;
}

static JsonObject *
run_noble (JsonParser      *parser,
           const NobleCase *c)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autofree char *request = build_request (c);
  g_autofree char *reply = NULL;
  g_autofree char *errors = NULL;
  JsonArray *results;

  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                              G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              node_path, script_path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, request, NULL, &reply, &errors, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    g_error ("node %s failed: %s", script_path, errors);

  json_parser_load_from_data (parser, reply, -1, &error);
  g_assert_no_error (error);
  results = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "results");
  g_assert_cmpuint (json_array_get_length (results), ==, 1);
  return json_array_get_object_element (results, 0);
}

static void
test_noble_cross_check (gconstpointer user_data)
{
  size_t len = GPOINTER_TO_SIZE (user_data);
  g_autoptr(JsonParser) parser = NULL;
  NobleCase c = { 0 };
  JsonObject *noble;
  uint8_t hash[32], keyed[32], xof[XOF_LEN];
  g_autofree uint8_t *okm = NULL;
  g_autofree uint8_t *sealed = NULL;
  NymBlake3 hasher;

  if (!noble_available ())
    return;

  noble_case_init (&c, len);
  parser = json_parser_new ();
  noble = run_noble (parser, &c);

  nym_blake3 (c.input, c.len, hash);
  {
    g_autoptr(GBytes) expected = crypto_test_json_hex (noble, "hash");
    crypto_test_assert_bytes (hash, sizeof hash, expected);
  }

  nym_blake3_init_keyed (&hasher, c.key);
  nym_blake3_update (&hasher, c.input, c.len);
  nym_blake3_finalize (&hasher, keyed, sizeof keyed);
  {
    g_autoptr(GBytes) expected = crypto_test_json_hex (noble, "keyed");
    crypto_test_assert_bytes (keyed, sizeof keyed, expected);
  }

  nym_blake3_init (&hasher);
  nym_blake3_update (&hasher, c.input, c.len);
  nym_blake3_finalize (&hasher, xof, sizeof xof);
  {
    g_autoptr(GBytes) expected = crypto_test_json_hex (noble, "xof");
    crypto_test_assert_bytes (xof, sizeof xof, expected);
  }

  okm = g_malloc (c.okm_len);
  g_assert_true (nym_hkdf (NYM_HKDF_SHA256, c.salt_len > 0 ? c.salt : NULL, c.salt_len,
                           c.ikm, c.ikm_len, c.info, c.info_len, okm, c.okm_len));
  {
    g_autoptr(GBytes) expected = crypto_test_json_hex (noble, "hkdf_sha256");
    crypto_test_assert_bytes (okm, c.okm_len, expected);
  }
  g_assert_true (nym_hkdf (NYM_HKDF_BLAKE3, c.salt_len > 0 ? c.salt : NULL, c.salt_len,
                           c.ikm, c.ikm_len, c.info, c.info_len, okm, c.okm_len));
  {
    g_autoptr(GBytes) expected = crypto_test_json_hex (noble, "hkdf_blake3");
    crypto_test_assert_bytes (okm, c.okm_len, expected);
  }

  sealed = g_malloc (c.len + NYM_AES_GCM_SIV_TAG_LEN);
  g_assert_true (nym_aes256_gcm_siv_encrypt (c.gcm_key, c.nonce, c.aad, c.aad_len,
                                             c.input, c.len, sealed));
  {
    g_autoptr(GBytes) expected = crypto_test_json_hex (noble, "gcm_siv");
    crypto_test_assert_bytes (sealed, c.len + NYM_AES_GCM_SIV_TAG_LEN, expected);
  }

  noble_case_clear (&c);
}

int
main (int argc, char *argv[])
{
  static const size_t lengths[] = { 0, 1, 63, 64, 65, 1023, 1024, 1025, 2048, 2049, 31744, 102400 };
  GOptionEntry entries[] = {
    { "node", 0, 0, G_OPTION_ARG_FILENAME, &node_path, "Node.js binary", "PATH" },
    { "script", 0, 0, G_OPTION_ARG_FILENAME, &script_path, "tests/interop/noble/crypto.mjs", "PATH" },
    { "node-modules", 0, 0, G_OPTION_ARG_FILENAME, &node_modules, "tests/node_modules", "DIR" },
    { NULL },
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;

  g_test_init (&argc, &argv, NULL);

  context = g_option_context_new (NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("bad arguments: %s", error->message);

  for (size_t i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      g_autofree char *path = g_strdup_printf ("/noble/cross-check/%zu", lengths[i]);

      g_test_add_data_func (path, GSIZE_TO_POINTER (lengths[i]), test_noble_cross_check);
    }

  return g_test_run ();
}
