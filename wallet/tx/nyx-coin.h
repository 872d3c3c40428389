/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Coins and amounts: decimal strings and 128-bit integers, never floating point (spec §1.2). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

#define NYX_COIN_ERROR (nyx_coin_error_quark ())

typedef enum
{
  NYX_COIN_ERROR_INVALID_AMOUNT,  /* not a canonical non-negative decimal integer below 2^128 */
  NYX_COIN_ERROR_INVALID_DENOM,   /* not a Cosmos SDK denomination */
  NYX_COIN_ERROR_INVALID_COIN,    /* "<amount><denom>" text that does not split into the two */
  NYX_COIN_ERROR_INVALID_DECIMAL, /* a decimal such as a gas price that cannot be parsed */
  NYX_COIN_ERROR_OVERFLOW,        /* a result that does not fit */
} NyxCoinError;

/* The mix denomination: fees and mixnet delegations are paid in it (spec §1.1). */
#define NYX_DENOM_MIX   "unym"
#define NYX_DENOM_STAKE "unyx"

/* A coin as protobuf's cosmos.base.v1beta1.Coin holds it: both fields are strings. Borrowed. */
typedef struct
{
  const char *denom;
  const char *amount;
} NyxCoin;

typedef unsigned __int128 NyxAmount;

GQuark  nyx_coin_error_quark   (void);

/* "0" or digits without a leading zero, below 2^128. */
bool    nyx_amount_parse       (const char *text,
                                NyxAmount  *amount,
                                GError    **error) G_GNUC_WARN_UNUSED_RESULT;
char   *nyx_amount_format      (NyxAmount amount) G_GNUC_WARN_UNUSED_RESULT;
/* The Cosmos SDK rule: a letter, then 2 to 127 of letters, digits, '/', ':', '.', '_', '-'. */
bool    nyx_denom_validate     (const char *denom,
                                GError    **error) G_GNUC_WARN_UNUSED_RESULT;
bool    nyx_coin_validate      (const NyxCoin *coin,
                                GError       **error) G_GNUC_WARN_UNUSED_RESULT;
/* Splits "5000unym" into amount "5000" and denom "unym" (both g_malloc'd) and validates both. */
bool    nyx_coin_parse         (const char *text,
                                char      **amount,
                                char      **denom,
                                GError    **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
