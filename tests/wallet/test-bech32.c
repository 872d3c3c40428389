/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests bech32 against the BIP-173 valid and invalid vectors, round trips, and the HRP check. */
#include "crypto/nyx-bech32.h"
#include "nyx-test-util.h"

typedef struct
{
  GPtrArray *records;
} VectorFixture;

static void
vector_setup (VectorFixture *fixture,
              gconstpointer  data)
{
  fixture->records = nyx_test_load_records ("bech32-bip173.vectors", 2);
}

static void
vector_teardown (VectorFixture *fixture,
                 gconstpointer  data)
{
  g_ptr_array_unref (fixture->records);
}

static void
test_valid (VectorFixture *fixture,
            gconstpointer  data)
{
  guint n = 0;

  for (guint i = 0; i < fixture->records->len; i++)
    {
      char **v = g_ptr_array_index (fixture->records, i);
      g_autofree char *text = nyx_test_unescape (v[1]);
      g_autofree char *hrp = NULL;
      g_autofree uint8_t *values = NULL;
      g_autofree char *again = NULL;
      g_autofree char *lower = NULL;
      g_autoptr(GError) error = NULL;
      size_t n_values = 0;

      if (strcmp (v[0], "valid") != 0)
        continue;
      g_test_message ("valid: %s", text);
      g_assert_true (nyx_bech32_decode_5bit (text, &hrp, &values, &n_values, &error));
      g_assert_no_error (error);
      again = nyx_bech32_encode_5bit (hrp, values, n_values, &error);
      g_assert_no_error (error);
      lower = g_ascii_strdown (text, -1);
      g_assert_cmpstr (again, ==, lower);
      n++;
    }
  g_assert_cmpuint (n, ==, 7);
}

static void
test_invalid (VectorFixture *fixture,
              gconstpointer  data)
{
  guint n = 0;

  for (guint i = 0; i < fixture->records->len; i++)
    {
      char **v = g_ptr_array_index (fixture->records, i);
      g_autofree char *text = nyx_test_unescape (v[1]);
      char *hrp = (char *) "untouched";
      uint8_t *values = (uint8_t *) "untouched";
      size_t n_values = 4321;
      g_autoptr(GError) error = NULL;
      uint8_t out[64];
      size_t out_len = 4321;

      if (strcmp (v[0], "invalid") != 0)
        continue;
      g_test_message ("invalid: %s", v[1]);
      g_assert_false (nyx_bech32_decode_5bit (text, &hrp, &values, &n_values, &error));
      g_assert_error (error, NYX_BECH32_ERROR, error->code);
      g_assert_cmpstr (hrp, ==, "untouched");
      g_assert_cmpstr ((char *) values, ==, "untouched");
      g_assert_cmpuint (n_values, ==, 4321);
      g_clear_error (&error);
      g_assert_false (nyx_bech32_decode (text, NULL, out, sizeof out, &out_len, &error));
      g_assert_nonnull (error);
      g_assert_cmpuint (out_len, ==, 4321);
      n++;
    }
  g_assert_cmpuint (n, ==, 14);
}

typedef struct
{
  const char *text;
  int code;
} Invalid;

/* The reason each BIP-173 invalid vector is invalid maps to its own error code. */
static void
test_error_codes (void)
{
  static const Invalid cases[] = {
    { "\x20" "1nwldj5", NYX_BECH32_ERROR_INVALID_CHAR },
    { "\x7f" "1axkwrx", NYX_BECH32_ERROR_INVALID_CHAR },
    { "\x80" "1eym55h", NYX_BECH32_ERROR_INVALID_CHAR },
    { "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx", NYX_BECH32_ERROR_LENGTH },
    { "pzry9x0s0muk", NYX_BECH32_ERROR_NO_SEPARATOR },
    { "1pzry9x0s0muk", NYX_BECH32_ERROR_LENGTH },
    { "x1b4n0q5v", NYX_BECH32_ERROR_INVALID_CHAR },
    { "li1dgmt3", NYX_BECH32_ERROR_LENGTH },
    { "de1lg7wt\xff", NYX_BECH32_ERROR_INVALID_CHAR },
    { "A1G7SGD8", NYX_BECH32_ERROR_CHECKSUM },
    { "10a06t8", NYX_BECH32_ERROR_LENGTH },
    { "1qzzfhee", NYX_BECH32_ERROR_LENGTH },
    { "a12UEL5L", NYX_BECH32_ERROR_MIXED_CASE },
    { "a1lqfn3a", NYX_BECH32_ERROR_CHECKSUM },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *hrp = NULL;
      g_autofree uint8_t *values = NULL;
      size_t n = 0;
      g_autoptr(GError) error = NULL;

      g_assert_false (nyx_bech32_decode_5bit (cases[i].text, &hrp, &values, &n, &error));
      g_assert_error (error, NYX_BECH32_ERROR, cases[i].code);
    }
}

static void
test_bytes_round_trip (void)
{
  uint8_t data[40];

  for (size_t len = 0; len <= sizeof data; len++)
    {
      g_autofree char *text = NULL;
      g_autoptr(GError) error = NULL;
      uint8_t out[40];
      size_t out_len = 0;

      for (size_t i = 0; i < len; i++)
        data[i] = (uint8_t) (i * 37 + len);
      text = nyx_bech32_encode ("n", data, len, &error);
      g_assert_no_error (error);
      g_assert_true (nyx_bech32_decode (text, "n", out, sizeof out, &out_len, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (out, out_len, data, len);
    }
}

static void
test_prefix_and_sizes (void)
{
  /* An address of spec §2.2 and its cosmos twin (nyx-vectors.txt): same 20 bytes, other HRP. */
  const char *nyx = "n1r5v5srda7xfth3hn2s26txvrcrntldjuf0seg6";
  const char *cosmos = "cosmos1r5v5srda7xfth3hn2s26txvrcrntldjumt8mhl";
  uint8_t a[32], b[32];
  size_t a_len = 0, b_len = 0;
  g_autoptr(GError) error = NULL;
  g_autofree char *long_text = NULL;
  uint8_t big[60] = { 0 };
  uint8_t values[3] = { 1, 32, 3 };

  g_assert_true (nyx_bech32_decode (nyx, "n", a, sizeof a, &a_len, &error));
  g_assert_true (nyx_bech32_decode (cosmos, "cosmos", b, sizeof b, &b_len, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (a, a_len, b, b_len);
  g_assert_cmpuint (a_len, ==, 20);

  g_assert_false (nyx_bech32_decode (cosmos, "n", a, sizeof a, &a_len, &error));
  g_assert_error (error, NYX_BECH32_ERROR, NYX_BECH32_ERROR_WRONG_PREFIX);
  g_assert_nonnull (strstr (error->message, "cosmos"));
  g_clear_error (&error);

  g_assert_false (nyx_bech32_decode (nyx, "n", a, 19, &a_len, &error));
  g_assert_error (error, NYX_BECH32_ERROR, NYX_BECH32_ERROR_DATA_SIZE);
  g_clear_error (&error);

  /* 60 bytes need 96 characters, more than the 90 BIP-173 allows. */
  long_text = nyx_bech32_encode ("n", big, sizeof big, &error);
  g_assert_null (long_text);
  g_assert_error (error, NYX_BECH32_ERROR, NYX_BECH32_ERROR_LENGTH);
  g_clear_error (&error);

  g_assert_null (nyx_bech32_encode_5bit ("N", values, 1, &error));
  g_assert_error (error, NYX_BECH32_ERROR, NYX_BECH32_ERROR_INVALID_CHAR);
  g_clear_error (&error);
  g_assert_null (nyx_bech32_encode_5bit ("n", values, 3, &error));
  g_assert_error (error, NYX_BECH32_ERROR, NYX_BECH32_ERROR_INVALID_CHAR);
  g_clear_error (&error);
  g_assert_null (nyx_bech32_encode_5bit ("", values, 1, &error));
  g_assert_error (error, NYX_BECH32_ERROR, NYX_BECH32_ERROR_LENGTH);
}

/* Non-zero padding bits, or a whole spare group, do not decode to bytes. */
static void
test_padding (void)
{
  uint8_t values[] = { 31, 31 };  /* 10 bits: one byte plus 2 set padding bits */
  uint8_t zero_pad[] = { 31, 28 };  /* one byte 0xff, padding zero */
  uint8_t out[8];
  size_t out_len = 0;
  g_autofree char *bad = NULL;
  g_autofree char *good = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_false (nyx_bech32_convert_bits (values, 2, 5, 8, false, out, sizeof out, &out_len));
  g_assert_true (nyx_bech32_convert_bits (zero_pad, 2, 5, 8, false, out, sizeof out, &out_len));
  g_assert_cmpuint (out_len, ==, 1);
  g_assert_cmpuint (out[0], ==, 0xff);
  g_assert_false (nyx_bech32_convert_bits (values, 2, 4, 8, false, out, sizeof out, &out_len));

  bad = nyx_bech32_encode_5bit ("n", values, 2, &error);
  g_assert_no_error (error);
  g_assert_false (nyx_bech32_decode (bad, "n", out, sizeof out, &out_len, &error));
  g_assert_error (error, NYX_BECH32_ERROR, NYX_BECH32_ERROR_PADDING);
  g_clear_error (&error);
  good = nyx_bech32_encode_5bit ("n", zero_pad, 2, &error);
  g_assert_true (nyx_bech32_decode (good, "n", out, sizeof out, &out_len, &error));
  g_assert_no_error (error);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/bech32/bip173-valid", VectorFixture, NULL, vector_setup, test_valid, vector_teardown);
  g_test_add ("/bech32/bip173-invalid", VectorFixture, NULL, vector_setup, test_invalid, vector_teardown);
  g_test_add_func ("/bech32/error-codes", test_error_codes);
  g_test_add_func ("/bech32/bytes-round-trip", test_bytes_round_trip);
  g_test_add_func ("/bech32/prefix-and-sizes", test_prefix_and_sizes);
  g_test_add_func ("/bech32/padding", test_padding);
  return g_test_run ();
}
