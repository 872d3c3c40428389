/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the wallet tests: vector files in tests/data, hex and Base58Check decoding. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <glib.h>

/* tests/meson.build sets G_TEST_SRCDIR to tests/, so data files are in G_TEST_DIST/data. */
static inline char *
nyx_test_data_path (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", name, NULL);
}

/*
 * The records of a vector file: one per line, fields separated by '|', lines that are empty
 * or start with '#' skipped. Returns a GPtrArray of GStrv.
 */
static inline GPtrArray *
nyx_test_load_records (const char *name,
                       guint       n_fields)
{
  g_autofree char *path = nyx_test_data_path (name);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char **fields;

      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      fields = g_strsplit (lines[i], "|", -1);
      g_assert_cmpuint (g_strv_length (fields), ==, n_fields);
      g_ptr_array_add (records, fields);
    }
  g_assert_cmpuint (records->len, >, 0);
  return records;
}

static inline GBytes *
nyx_test_hex (const char *hex)
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
      out[i] = (uint8_t) (hi << 4 | lo);
    }
  return g_bytes_new_take (out, len / 2);
}

/* Compares a buffer with hex from a vector file, byte for byte. */
static inline void
nyx_test_assert_hex (const uint8_t *data,
                     size_t         len,
                     const char    *hex)
{
  g_autoptr(GBytes) expected = nyx_test_hex (hex);
  size_t expected_len = 0;
  const uint8_t *expected_data = g_bytes_get_data (expected, &expected_len);

  g_assert_cmpmem (data, len, expected_data, expected_len);
}

/* Expands \xHH escapes, so vector files can hold bytes that are not printable. */
static inline char *
nyx_test_unescape (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (p[0] == '\\' && p[1] == 'x' && g_ascii_isxdigit (p[2]) && g_ascii_isxdigit (p[3]))
        {
          g_string_append_c (out, (char) (g_ascii_xdigit_value (p[2]) << 4 | g_ascii_xdigit_value (p[3])));
          p += 3;
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* Base58Check decoding (Bitcoin alphabet) for the xprv/xpub strings of published vectors. */
#include <sodium.h>

static inline GBytes *
nyx_test_base58check (const char *text)
{
  static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  uint8_t buf[128] = { 0 };
  size_t zeros = 0, len;
  uint8_t h1[32], h2[32];
  uint8_t *out;

  while (text[zeros] == '1')
    zeros++;
  for (const char *p = text; *p != '\0'; p++)
    {
      const char *found = strchr (alphabet, *p);
      unsigned int carry;

      g_assert_nonnull (found);
      carry = (unsigned int) (found - alphabet);
      for (size_t i = sizeof buf; i-- > 0;)
        {
          carry += 58u * buf[i];
          buf[i] = (uint8_t) carry;
          carry >>= 8;
        }
      g_assert_cmpuint (carry, ==, 0);
    }
  {
    size_t first = 0;

    while (first < sizeof buf && buf[first] == 0)
      first++;
    len = zeros + sizeof buf - first;
    out = g_malloc0 (len);
    memcpy (out + zeros, buf + first, sizeof buf - first);
  }
  g_assert_cmpuint (len, >, 4);
  crypto_hash_sha256 (h1, out, len - 4);
  crypto_hash_sha256 (h2, h1, sizeof h1);
  g_assert_cmpmem (h2, 4, out + len - 4, 4);
  return g_bytes_new_take (out, len - 4);
}

/* "vector|field|value" files as a table keyed "vector|field". */
static inline GHashTable *
nyx_test_load_table (const char *name)
{
  g_autoptr(GPtrArray) records = nyx_test_load_records (name, 3);
  GHashTable *table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < records->len; i++)
    {
      char **r = g_ptr_array_index (records, i);

      g_hash_table_insert (table, g_strdup_printf ("%s|%s", r[0], r[1]), g_strdup (r[2]));
    }
  return table;
}

static inline const char *
nyx_test_table_get (GHashTable *table,
                    const char *key)
{
  const char *value = g_hash_table_lookup (table, key);

  g_assert_nonnull (value);
  return value;
}

static inline void
nyx_test_assert_bytes_hex (GBytes     *bytes,
                           const char *hex)
{
  gsize len = 0;
  const uint8_t *data;

  g_assert_nonnull (bytes);
  data = g_bytes_get_data (bytes, &len);
  nyx_test_assert_hex (data, len, hex);
}
