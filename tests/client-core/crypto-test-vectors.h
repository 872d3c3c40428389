/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the crypto unit tests: locating tests/data and reading hex vectors from it. */
#pragma once

#include <string.h>
#include <glib.h>
#include <json-glib/json-glib.h>

/* G_TEST_SRCDIR points at tests/ under meson; a test run by hand from the build tree falls
 * back to the path relative to this unit's folder. */
static inline char *
crypto_test_data_path (const char *name)
{
  char *path = g_test_build_filename (G_TEST_DIST, "data", name, NULL);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_free (path);
      path = g_test_build_filename (G_TEST_DIST, "..", "data", name, NULL);
    }
  return path;
}

static inline GKeyFile *
crypto_test_load_vectors (const char *name)
{
  g_autofree char *path = crypto_test_data_path (name);
  g_autoptr(GError) error = NULL;
  GKeyFile *key_file = g_key_file_new ();

  g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  return key_file;
}

static inline JsonParser *
crypto_test_load_json (const char *name)
{
  g_autofree char *path = crypto_test_data_path (name);
  g_autoptr(GError) error = NULL;
  JsonParser *parser = json_parser_new ();

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return parser;
}

/* Decodes a lowercase or uppercase hex string; the vector files are trusted, so a bad
 * digit is a broken test, not a case to handle. */
static inline GBytes *
crypto_test_hex (const char *hex)
{
  size_t hex_len = strlen (hex);
  uint8_t *bytes;

  g_assert_cmpuint (hex_len % 2, ==, 0);
  bytes = g_malloc (hex_len / 2 + 1);
  for (size_t i = 0; i < hex_len / 2; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]);
      int lo = g_ascii_xdigit_value (hex[2 * i + 1]);

      g_assert_cmpint (hi, >=, 0);
      g_assert_cmpint (lo, >=, 0);
      bytes[i] = (uint8_t) (hi << 4 | lo);
    }
  return g_bytes_new_take (bytes, hex_len / 2);
}

static inline GBytes *
crypto_test_vector (GKeyFile   *key_file,
                    const char *group,
                    const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hex = g_key_file_get_string (key_file, group, key, &error);

  g_assert_no_error (error);
  g_strstrip (hex);
  return crypto_test_hex (hex);
}

static inline GBytes *
crypto_test_json_hex (JsonObject *object,
                      const char *member)
{
  g_assert_true (json_object_has_member (object, member));
  return crypto_test_hex (json_object_get_string_member (object, member));
}

/* Compares two byte strings and, on a mismatch, names the first differing offset. */
#define crypto_test_assert_bytes(actual, actual_len, expected) \
  g_assert_cmpmem ((actual), (actual_len), g_bytes_get_data ((expected), NULL), \
                   g_bytes_get_size ((expected)))
