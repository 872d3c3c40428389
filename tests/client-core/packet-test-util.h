/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the packet-layer tests: hex, the packet.vectors key file and the real-client capture. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "nym-core.h"

static inline GBytes *
test_hex (const char *hex)
{
  size_t len = strlen (hex);
  uint8_t *out;

  g_assert_cmpuint (len % 2, ==, 0);
  out = g_malloc (len / 2 + 1);
  for (size_t i = 0; i < len / 2; i++)
    {
      int hi = g_ascii_xdigit_value (hex[2 * i]);
      int lo = g_ascii_xdigit_value (hex[2 * i + 1]);

      g_assert_cmpint (hi, >=, 0);
      g_assert_cmpint (lo, >=, 0);
      out[i] = (uint8_t) ((hi << 4) | lo);
    }
  return g_bytes_new_take (out, len / 2);
}

/* Copies exactly n bytes of hex into out, failing the test on any other length. */
static inline void
test_hex_into (const char *hex,
               uint8_t    *out,
               size_t      n)
{
  g_autoptr(GBytes) bytes = test_hex (hex);

  g_assert_cmpuint (g_bytes_get_size (bytes), ==, n);
  memcpy (out, g_bytes_get_data (bytes, NULL), n);
}

static inline void
test_assert_bytes (const uint8_t *got,
                   size_t         got_len,
                   GBytes        *expected)
{
  gsize len = 0;
  const uint8_t *data = g_bytes_get_data (expected, &len);

  g_assert_cmpmem (got, got_len, data, len);
}

static inline char *
test_data_path (const char *name)
{
  const char *srcdir = g_getenv ("G_TEST_SRCDIR");

  if (srcdir != NULL)
    return g_build_filename (srcdir, "data", name, NULL);
  return g_test_build_filename (G_TEST_DIST, "..", "data", name, NULL);
}

static inline GKeyFile *
test_packet_vectors (void)
{
  g_autofree char *path = test_data_path ("packet.vectors");
  g_autoptr(GError) error = NULL;
  GKeyFile *file = g_key_file_new ();

  g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  return file;
}

static inline GBytes *
test_vector_bytes (GKeyFile   *file,
                   const char *group,
                   const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = g_key_file_get_string (file, group, key, &error);

  g_assert_no_error (error);
  return test_hex (value);
}

static inline JsonNode *
test_wasm_capture (void)
{
  static JsonNode *root;

  if (root == NULL)
    {
      g_autofree char *path = test_data_path ("wasm-client-packets.json");
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;

      json_parser_load_from_file (parser, path, &error);
      g_assert_no_error (error);
      root = json_node_copy (json_parser_get_root (parser));
    }
  return root;
}

static inline JsonObject *
test_capture_named (const char *name)
{
  JsonArray *captures = json_object_get_array_member (json_node_get_object (test_wasm_capture ()), "captures");

  for (guint i = 0; i < json_array_get_length (captures); i++)
    {
      JsonObject *capture = json_array_get_object_element (captures, i);

      if (g_strcmp0 (json_object_get_string_member (capture, "name"), name) == 0)
        return capture;
    }
  g_assert_not_reached ();
}

/* A hex member of a JSON object as bytes. */
static inline GBytes *
test_json_hex (JsonObject *object,
               const char *member)
{
  g_assert_true (json_object_has_member (object, member));
  return test_hex (json_object_get_string_member (object, member));
}

static inline void
test_json_hex_into (JsonObject *object,
                    const char *member,
                    uint8_t    *out,
                    size_t      n)
{
  g_assert_true (json_object_has_member (object, member));
  test_hex_into (json_object_get_string_member (object, member), out, n);
}

static inline void
test_init_core (void)
{
  g_assert_true (nym_core_init ());
}
