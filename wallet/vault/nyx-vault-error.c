/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The error domain of the wallet vault: every way opening or changing a saved-wallet.json can fail. */
#include "vault/nyx-vault-error.h"

G_DEFINE_QUARK (nyx-vault-error-quark, nyx_vault_error)
