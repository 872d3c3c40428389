/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz harness: decoding and verifying a TxRaw from untrusted bytes never faults and always explains a refusal. */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>

#include "tx/nyx-tx-decode.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  JsonNode *root = nyx_tx_decode_to_json (data, size, &error);

  if ((root == NULL) == (error == NULL))
    abort ();
  if (root != NULL)
    {
      g_autofree char *text = json_to_string (root, FALSE);

      if (text == NULL || !g_utf8_validate (text, -1, NULL))
        abort ();
      json_node_unref (root);
    }
  g_clear_error (&error);
  if (!nyx_tx_verify (data, size, "nyx", 12345, &error) && error == NULL)
    abort ();
  g_clear_error (&error);
  return 0;
}
