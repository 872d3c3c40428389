/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz harness: reading EncodeObject JSON never faults, adds all messages or none, and what it adds encodes. */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tx/nyx-tx-json.h"
#include "tx/nyx-tx.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(NyxTxBuilder) builder = nyx_tx_builder_new ();
  g_autoptr(GBytes) body = NULL;
  GError *error = NULL;

  if (size > G_MAXSSIZE)
    return 0;
  if (!nyx_tx_builder_add_msgs_from_json (builder, (const char *) data, (gssize) size, &error))
    {
      if (error == NULL || nyx_tx_builder_get_n_messages (builder) != 0)
        abort ();
      g_error_free (error);
      return 0;
    }
  body = nyx_tx_builder_encode_body (builder, NULL);
  if (nyx_tx_builder_get_n_messages (builder) == 0 || body == NULL)
    abort ();
  return 0;
}
