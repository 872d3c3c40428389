/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the SOCKS and NR tests: hex and the key files of vectors in tests/data. */
#pragma once

#include <glib.h>
#include <stdint.h>
#include <string.h>

static inline GBytes *
socks_test_hex (const char *hex)
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

static inline GKeyFile *
socks_test_vectors (const char *name)
{
  const char *srcdir = g_getenv ("G_TEST_SRCDIR");
  g_autofree char *path = srcdir != NULL ? g_build_filename (srcdir, "data", name, NULL)
                                         : g_test_build_filename (G_TEST_DIST, "..", "data", name, NULL);
  g_autoptr(GError) error = NULL;
  GKeyFile *file = g_key_file_new ();

  g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  return file;
}

static inline GBytes *
socks_test_vector_bytes (GKeyFile   *file,
                         const char *group,
                         const char *key)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = g_key_file_get_string (file, group, key, &error);

  g_assert_no_error (error);
  return socks_test_hex (value);
}

static inline char *
socks_test_vector_string (GKeyFile   *file,
                          const char *group,
                          const char *key)
{
  g_autoptr(GError) error = NULL;
  char *value = g_key_file_get_string (file, group, key, &error);

  g_assert_no_error (error);
  return value;
}

static inline uint64_t
socks_test_vector_u64 (GKeyFile   *file,
                       const char *group,
                       const char *key)
{
  g_autofree char *value = socks_test_vector_string (file, group, key);
  g_autoptr(GError) error = NULL;
  guint64 out = 0;

  g_assert_true (g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64, &out, &error));
  g_assert_no_error (error);
  return out;
}

static inline void
socks_test_assert_bytes (const uint8_t *got,
                         size_t         got_len,
                         GBytes        *expected)
{
  gsize len = 0;
  const uint8_t *data = g_bytes_get_data (expected, &len);

  g_assert_cmpmem (got, got_len, data, len);
}
