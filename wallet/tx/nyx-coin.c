/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Coins and amounts: decimal strings and 128-bit integers, never floating point (spec §1.2). */
#include "tx/nyx-coin.h"

#include <string.h>

G_DEFINE_QUARK (nyx-coin-error-quark, nyx_coin_error)

/* 2^128 - 1 has 39 digits. */
#define MAX_AMOUNT_DIGITS 39

bool
nyx_amount_parse (const char *text,
                  NyxAmount  *amount,
                  GError    **error)
{
  NyxAmount value = 0;
  size_t len;

  if (text == NULL || *text == '\0')
    {
      g_set_error (error, NYX_COIN_ERROR, NYX_COIN_ERROR_INVALID_AMOUNT, "The amount is empty");
      return false;
    }
  len = strlen (text);
  if (len > MAX_AMOUNT_DIGITS + 1)
    goto bad;
  if (len > 1 && text[0] == '0')
    {
      g_set_error (error, NYX_COIN_ERROR, NYX_COIN_ERROR_INVALID_AMOUNT,
                   "The amount “%s” has a leading zero", text);
      return false;
    }
  for (size_t i = 0; i < len; i++)
    {
      unsigned int digit;

      if (text[i] < '0' || text[i] > '9')
        goto bad;
      digit = (unsigned int) (text[i] - '0');
      /* value * 10 + digit must not pass 2^128 - 1. */
      if (value > (((NyxAmount) -1) - digit) / 10)
        {
          g_set_error (error, NYX_COIN_ERROR, NYX_COIN_ERROR_INVALID_AMOUNT,
                       "The amount “%s” is too large (the limit is 2^128 - 1)", text);
          return false;
        }
      value = value * 10 + digit;
    }
  *amount = value;
  return true;

bad:
  g_set_error (error, NYX_COIN_ERROR, NYX_COIN_ERROR_INVALID_AMOUNT,
               "The amount “%.48s” is not a whole number of base units (digits only, such as 1000000)", text);
  return false;
}

char *
nyx_amount_format (NyxAmount amount)
{
  char buffer[MAX_AMOUNT_DIGITS + 1];
  size_t pos = sizeof buffer;

  buffer[--pos] = '\0';
  do
    {
      buffer[--pos] = (char) ('0' + (unsigned int) (amount % 10));
      amount /= 10;
    }
  while (amount != 0);
  return g_strdup (buffer + pos);
}

bool
nyx_denom_validate (const char *denom,
                    GError    **error)
{
  size_t len = denom != NULL ? strlen (denom) : 0;
  bool ok = len >= 3 && len <= 128 && g_ascii_isalpha (denom[0]);

  for (size_t i = 1; ok && i < len; i++)
    ok = g_ascii_isalnum (denom[i]) || strchr ("/:._-", denom[i]) != NULL;
  if (!ok)
    g_set_error (error, NYX_COIN_ERROR, NYX_COIN_ERROR_INVALID_DENOM,
                 "“%.64s” is not a valid denomination (such as unym)", denom != NULL ? denom : "");
  return ok;
}

bool
nyx_coin_validate (const NyxCoin *coin,
                   GError       **error)
{
  NyxAmount unused;

  return nyx_denom_validate (coin->denom, error) && nyx_amount_parse (coin->amount, &unused, error);
}

bool
nyx_coin_parse (const char *text,
                char      **amount,
                char      **denom,
                GError    **error)
{
  size_t digits = 0;
  g_autofree char *a = NULL;
  g_autofree char *d = NULL;
  NyxAmount unused;

  while (text[digits] >= '0' && text[digits] <= '9')
    digits++;
  if (digits == 0 || text[digits] == '\0')
    {
      g_set_error (error, NYX_COIN_ERROR, NYX_COIN_ERROR_INVALID_COIN,
                   "“%.64s” is not an amount followed by a denomination, such as 5000unym", text);
      return false;
    }
  a = g_strndup (text, digits);
  d = g_strdup (text + digits);
  if (!nyx_amount_parse (a, &unused, error) || !nyx_denom_validate (d, error))
    return false;
  *amount = g_steal_pointer (&a);
  *denom = g_steal_pointer (&d);
  return true;
}
