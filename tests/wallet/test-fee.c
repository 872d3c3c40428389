/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the integer fee arithmetic of spec §1.3, amounts and coins, and their bad input. */
#include "tx/nyx-coin.h"
#include "tx/nyx-fee.h"
#include "nyx-test-util.h"

typedef struct
{
  GPtrArray *records;
} FeeFixture;

static void
fee_setup (FeeFixture   *fixture,
           gconstpointer data)
{
  fixture->records = nyx_test_load_records ("nyx-fee.vectors", 4);
}

static void
fee_teardown (FeeFixture   *fixture,
              gconstpointer data)
{
  g_ptr_array_unref (fixture->records);
}

static void
test_vectors (FeeFixture   *fixture,
              gconstpointer data)
{
  for (guint i = 0; i < fixture->records->len; i++)
    {
      char **v = g_ptr_array_index (fixture->records, i);
      g_autoptr(GError) error = NULL;
      uint64_t limit = 0;

      if (strcmp (v[0], "auto") == 0)
        {
          g_autofree char *fee = NULL;

          g_assert_true (nyx_fee_gas_limit_for_simulated (g_ascii_strtoull (v[1], NULL, 10), &limit, &error));
          g_assert_no_error (error);
          g_assert_cmpuint (limit, ==, g_ascii_strtoull (v[2], NULL, 10));
          fee = nyx_fee_amount_for_gas (limit, NYX_GAS_PRICE, &error);
          g_assert_no_error (error);
          g_assert_cmpstr (fee, ==, v[3]);
        }
      else
        {
          g_assert_true (nyx_fee_gas_limit_for_amount (v[1], NYX_GAS_PRICE, &limit, &error));
          g_assert_no_error (error);
          g_assert_cmpuint (limit, ==, g_ascii_strtoull (v[2], NULL, 10));
        }
    }
}

static void
test_other_prices (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = nyx_fee_amount_for_gas (200000, "0.025000", &error);
  g_autofree char *b = nyx_fee_amount_for_gas (3, "1", &error);
  g_autofree char *c = nyx_fee_amount_for_gas (1, "0.000000000000000001", &error);
  g_autofree char *d = nyx_fee_amount_for_gas (7, "0", &error);
  uint64_t limit = 0;

  g_assert_no_error (error);
  g_assert_cmpstr (a, ==, "5000");
  g_assert_cmpstr (b, ==, "3");
  g_assert_cmpstr (c, ==, "1");
  g_assert_cmpstr (d, ==, "0");
  g_assert_true (nyx_fee_gas_limit_for_amount ("10", "2.5", &limit, &error));
  g_assert_cmpuint (limit, ==, 4);
}

static void
test_overflow (void)
{
  g_autoptr(GError) error = NULL;
  uint64_t limit = 77;

  g_assert_false (nyx_fee_gas_limit_for_simulated (12297829382473034411u, &limit, &error));
  g_assert_error (error, NYX_COIN_ERROR, NYX_COIN_ERROR_OVERFLOW);
  g_assert_cmpuint (limit, ==, 77);
  g_clear_error (&error);
  g_assert_false (nyx_fee_gas_limit_for_simulated (UINT64_MAX, &limit, &error));
  g_assert_error (error, NYX_COIN_ERROR, NYX_COIN_ERROR_OVERFLOW);
  g_clear_error (&error);
  /* 461168601842738791 unym buy 18446744073709551640 gas, just above 2^64 - 1. */
  g_assert_false (nyx_fee_gas_limit_for_amount ("461168601842738791", "0.025", &limit, &error));
  g_assert_error (error, NYX_COIN_ERROR, NYX_COIN_ERROR_OVERFLOW);
  g_assert_cmpuint (limit, ==, 77);
}

static void
test_bad_prices (void)
{
  static const char *bad[] = {
    "", ".5", "1.", "abc", "-1", "0.0000000000000000001", "1.2.3", "0,025", " 0.025", "1e3",
    "1000000000000000000000000000000",
  };
  uint64_t limit = 5;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      char *fee = nyx_fee_amount_for_gas (100, bad[i], &error);

      g_assert_null (fee);
      g_assert_error (error, NYX_COIN_ERROR, NYX_COIN_ERROR_INVALID_DECIMAL);
      g_clear_error (&error);
      g_assert_false (nyx_fee_gas_limit_for_amount ("100", bad[i], &limit, &error));
      g_assert_error (error, NYX_COIN_ERROR, NYX_COIN_ERROR_INVALID_DECIMAL);
      g_assert_cmpuint (limit, ==, 5);
    }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (nyx_fee_gas_limit_for_amount ("100", "0.000", &limit, &error));
    g_assert_error (error, NYX_COIN_ERROR, NYX_COIN_ERROR_INVALID_DECIMAL);
  }
}

static void
test_amounts (void)
{
  static const char *good[] = { "0", "1", "1000000", "18446744073709551616", "340282366920938463463374607431768211455" };
  static const char *bad[] = { "", "01", "-1", "+1", "1.0", "1 ", " 1", "1e6", "0x10",
                               "340282366920938463463374607431768211456", "9999999999999999999999999999999999999999" };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *again = NULL;
      NyxAmount amount = 0;

      g_assert_true (nyx_amount_parse (good[i], &amount, &error));
      g_assert_no_error (error);
      again = nyx_amount_format (amount);
      g_assert_cmpstr (again, ==, good[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      NyxAmount amount = 42;

      g_assert_false (nyx_amount_parse (bad[i], &amount, &error));
      g_assert_error (error, NYX_COIN_ERROR, NYX_COIN_ERROR_INVALID_AMOUNT);
      g_assert_true (amount == 42);
    }
}

static void
test_coins (void)
{
  static const char *bad[] = { "unym", "5000", "5000 unym", "50.5unym", "5000u", "-5unym", "", "05unym",
                               "5000unym!" };
  g_autoptr(GError) error = NULL;
  g_autofree char *amount = NULL;
  g_autofree char *denom = NULL;
  NyxCoin ibc = { "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2", "1" };

  g_assert_true (nyx_coin_parse ("5000unym", &amount, &denom, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (amount, ==, "5000");
  g_assert_cmpstr (denom, ==, "unym");
  g_assert_true (nyx_coin_validate (&ibc, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      char *a = (char *) "untouched";
      char *d = (char *) "untouched";

      g_assert_false (nyx_coin_parse (bad[i], &a, &d, &error));
      g_assert_nonnull (error);
      g_assert_true (error->domain == NYX_COIN_ERROR);
      g_assert_cmpstr (a, ==, "untouched");
      g_assert_cmpstr (d, ==, "untouched");
      g_clear_error (&error);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/fee/vectors", FeeFixture, NULL, fee_setup, test_vectors, fee_teardown);
  g_test_add_func ("/fee/other-prices", test_other_prices);
  g_test_add_func ("/fee/overflow", test_overflow);
  g_test_add_func ("/fee/bad-prices", test_bad_prices);
  g_test_add_func ("/fee/amounts", test_amounts);
  g_test_add_func ("/fee/coins", test_coins);
  return g_test_run ();
}
