/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fee arithmetic of spec §1.3: simulated gas × 1.5 rounded up, × gas price rounded up, in integers. */
#include "tx/nyx-fee.h"

#include <string.h>

#define MAX_SCALE 18

bool
nyx_decimal_parse (const char *text,
                   NyxAmount  *numerator,
                   unsigned   *scale,
                   GError    **error)
{
  NyxAmount value = 0;
  unsigned int decimals = 0, digits = 0;
  bool seen_point = false;

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '.' && !seen_point && digits > 0)
        {
          seen_point = true;
          continue;
        }
      if (*p < '0' || *p > '9' || (seen_point && decimals == MAX_SCALE) || digits == 30)
        {
          g_set_error (error, NYX_COIN_ERROR, NYX_COIN_ERROR_INVALID_DECIMAL,
                       "“%.40s” is not a decimal number such as 0.025 (at most 18 decimals)", text);
          return false;
        }
      value = value * 10 + (unsigned int) (*p - '0');
      digits++;
      if (seen_point)
        decimals++;
    }
  if (digits == 0 || (seen_point && decimals == 0))
    {
      g_set_error (error, NYX_COIN_ERROR, NYX_COIN_ERROR_INVALID_DECIMAL,
                   "“%.40s” is not a decimal number such as 0.025", text);
      return false;
    }
  *numerator = value;
  *scale = decimals;
  return true;
}

static NyxAmount
power_of_ten (unsigned int n)
{
  NyxAmount p = 1;

  while (n-- > 0)
    p *= 10;
  return p;
}

bool
nyx_fee_gas_limit_for_simulated (uint64_t  gas_used,
                                 uint64_t *gas_limit,
                                 GError  **error)
{
  /* nym computes this in f32; integers give the exact ceiling (spec §1.3 step 2). */
  NyxAmount limit = ((NyxAmount) gas_used * NYX_GAS_MULTIPLIER_NUM + NYX_GAS_MULTIPLIER_DEN - 1)
                    / NYX_GAS_MULTIPLIER_DEN;

  if (limit > UINT64_MAX)
    {
      g_set_error (error, NYX_COIN_ERROR, NYX_COIN_ERROR_OVERFLOW,
                   "A simulated gas of %" G_GUINT64_FORMAT " gives a gas limit above 2^64 - 1", gas_used);
      return false;
    }
  *gas_limit = (uint64_t) limit;
  return true;
}

char *
nyx_fee_amount_for_gas (uint64_t    gas_limit,
                        const char *gas_price,
                        GError    **error)
{
  NyxAmount numerator, denominator, product;
  unsigned int scale;

  if (!nyx_decimal_parse (gas_price, &numerator, &scale, error))
    return NULL;
  denominator = power_of_ten (scale);
  /* numerator < 10^30 and gas_limit < 2^64 would overflow 128 bits only near 10^49; check. */
  if (numerator != 0 && (NyxAmount) gas_limit > ((NyxAmount) -1) / numerator)
    {
      g_set_error (error, NYX_COIN_ERROR, NYX_COIN_ERROR_OVERFLOW,
                   "The fee for %" G_GUINT64_FORMAT " gas at %s does not fit in 128 bits", gas_limit, gas_price);
      return NULL;
    }
  product = (NyxAmount) gas_limit * numerator;
  /* Spec §1.3 step 3: multiply, floor, and add one if anything was cut off. */
  return nyx_amount_format (product / denominator + (product % denominator != 0 ? 1 : 0));
}

bool
nyx_fee_gas_limit_for_amount (const char *fee_amount,
                              const char *gas_price,
                              uint64_t   *gas_limit,
                              GError    **error)
{
  NyxAmount amount, numerator, limit;
  unsigned int scale;

  if (!nyx_amount_parse (fee_amount, &amount, error) ||
      !nyx_decimal_parse (gas_price, &numerator, &scale, error))
    return false;
  if (numerator == 0)
    {
      g_set_error (error, NYX_COIN_ERROR, NYX_COIN_ERROR_INVALID_DECIMAL,
                   "A gas price of %s cannot turn a fee into gas", gas_price);
      return false;
    }
  /* amount × 10^scale / numerator; amount < 2^128 so multiply only when it cannot overflow. */
  if (amount > ((NyxAmount) -1) / power_of_ten (scale))
    {
      g_set_error (error, NYX_COIN_ERROR, NYX_COIN_ERROR_OVERFLOW, "The fee %s is too large", fee_amount);
      return false;
    }
  limit = amount * power_of_ten (scale) / numerator;
  if (limit > UINT64_MAX)
    {
      g_set_error (error, NYX_COIN_ERROR, NYX_COIN_ERROR_OVERFLOW,
                   "The fee %s at %s buys more than 2^64 - 1 gas", fee_amount, gas_price);
      return false;
    }
  *gas_limit = (uint64_t) limit;
  return true;
}
