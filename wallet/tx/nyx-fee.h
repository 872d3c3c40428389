/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fee arithmetic of spec §1.3: simulated gas × 1.5 rounded up, × gas price rounded up, in integers. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#include "tx/nyx-coin.h"

G_BEGIN_DECLS

/* Spec §1.3: 0.025 unym per unit of gas, and 1.5 × the simulated gas as the limit. */
#define NYX_GAS_PRICE            "0.025"
#define NYX_GAS_MULTIPLIER_NUM   3
#define NYX_GAS_MULTIPLIER_DEN   2

/* ceil(gas_used × 1.5); an error if it passes 2^64 - 1. */
bool  nyx_fee_gas_limit_for_simulated (uint64_t   gas_used,
                                       uint64_t  *gas_limit,
                                       GError   **error) G_GNUC_WARN_UNUSED_RESULT;
/* ceil(gas_limit × gas_price) as a decimal string; @gas_price like "0.025" (up to 18 decimals). */
char *nyx_fee_amount_for_gas          (uint64_t    gas_limit,
                                       const char *gas_price,
                                       GError    **error) G_GNUC_WARN_UNUSED_RESULT;
/* A manual fee's gas limit: floor(fee_amount / gas_price), so 1 unym buys 40 gas at 0.025. */
bool  nyx_fee_gas_limit_for_amount    (const char *fee_amount,
                                       const char *gas_price,
                                       uint64_t   *gas_limit,
                                       GError    **error) G_GNUC_WARN_UNUSED_RESULT;
/* Parses a non-negative decimal into numerator / 10^scale, scale <= 18. */
bool  nyx_decimal_parse               (const char *text,
                                       NyxAmount  *numerator,
                                       unsigned   *scale,
                                       GError    **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
