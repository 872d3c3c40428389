/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the Sphinx unit tests: test data files, hex vectors and fixed routes. */
#pragma once

#include <string.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <sodium.h>

#include "crypto/nym-keys.h"
#include "sphinx/nym-sphinx.h"

/* G_TEST_SRCDIR points at tests/ under meson; a test run by hand from the build tree falls
 * back to the path relative to this unit's folder. */
static inline char *
sphinx_test_data_path (const char *name)
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
sphinx_test_load_vectors (const char *name)
{
  g_autofree char *path = sphinx_test_data_path (name);
  g_autoptr(GError) error = NULL;
  GKeyFile *key_file = g_key_file_new ();

  g_key_file_load_from_file (key_file, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  return key_file;
}

static inline JsonParser *
sphinx_test_load_json (const char *name)
{
  g_autofree char *path = sphinx_test_data_path (name);
  g_autoptr(GError) error = NULL;
  JsonParser *parser = json_parser_new ();

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return parser;
}

/* Decodes hex from a trusted vector file: a bad digit is a broken test, not a case. */
static inline GBytes *
sphinx_test_hex (const char *hex)
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
sphinx_test_vector (GKeyFile   *key_file,
                    const char *group,
                    const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *hex = g_key_file_get_string (key_file, group, key, &error);

  g_assert_no_error (error);
  return sphinx_test_hex (g_strstrip (hex));
}

/* A hex member of a JSON object, decoded. */
static inline GBytes *
sphinx_test_json_hex (JsonObject *object,
                      const char *member)
{
  g_assert_true (json_object_has_member (object, member));
  return sphinx_test_hex (json_object_get_string_member (object, member));
}

/* Copies a hex member of exactly len bytes into out. */
static inline void
sphinx_test_json_fixed (JsonObject *object,
                        const char *member,
                        uint8_t    *out,
                        size_t      len)
{
  g_autoptr(GBytes) bytes = sphinx_test_json_hex (object, member);

  g_assert_cmpuint (g_bytes_get_size (bytes), ==, len);
  memcpy (out, g_bytes_get_data (bytes, NULL), len);
}

#define sphinx_assert_bytes(data, len, expected) \
  g_assert_cmpmem ((data), (len), g_bytes_get_data ((expected), NULL), g_bytes_get_size ((expected)))

/* A route of fresh nodes: x25519 key pairs and addresses that differ per hop. */
typedef struct
{
  NymSphinxNode nodes[NYM_SPHINX_MAX_PATH_LENGTH];
  uint8_t       secrets[NYM_SPHINX_MAX_PATH_LENGTH][32];
  uint64_t      delays[NYM_SPHINX_MAX_PATH_LENGTH];
} SphinxTestRoute;

static inline void
sphinx_test_route_init (SphinxTestRoute *route)
{
  for (size_t i = 0; i < NYM_SPHINX_MAX_PATH_LENGTH; i++)
    {
      nym_x25519_keypair (route->nodes[i].pub, route->secrets[i]);
      memset (route->nodes[i].address, 0, sizeof route->nodes[i].address);
      route->nodes[i].address[0] = 4;
      route->nodes[i].address[1] = 0x2e;
      route->nodes[i].address[2] = (uint8_t) (0x0f + i);
      route->nodes[i].address[3] = 127;
      route->nodes[i].address[6] = 1;
      route->delays[i] = g_random_int () * (uint64_t) 7 + i;
    }
}
