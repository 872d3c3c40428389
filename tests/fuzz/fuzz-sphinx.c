/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fuzz harness: Sphinx unwrapping and SURB parsing never fault on any bytes, and what they
 * accept is consistent (forwarded packets keep their length, messages lie inside the output,
 * parsed SURBs serialise back to the same bytes). */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nym-core.h"
#include "sphinx/nym-sphinx-packet.h"
#include "sphinx/nym-sphinx-surb.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The node key the packets of the seed corpus (corpus/sphinx) were made for: 32 bytes of 0x42. */
static const uint8_t node_secret[32] = {
  0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42,
  0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42, 0x42,
};

static void
fuzz_unwrap (const uint8_t *data,
             size_t         size)
{
  g_autofree uint8_t *out = g_malloc (size > 0 ? size : 1);
  NymSphinxUnwrapped result;

  if (!nym_sphinx_packet_unwrap (node_secret, data, size, out, &result, NULL))
    return;
  if (result.version != NYM_SPHINX_VERSION_EXPLICIT_PAYLOAD_KEYS
      && result.version != NYM_SPHINX_VERSION_PAYLOAD_KEY_SEEDS)
    abort ();
  if (result.kind == NYM_SPHINX_HOP_FINAL
      && (result.message < out || result.message + result.message_len > out + size))
    abort ();
}

static void
fuzz_surb (const uint8_t *data,
           size_t         size)
{
  NymSphinxSurb surb;
  g_autofree uint8_t *again = g_malloc (size > 0 ? size : 1);
  uint8_t packet[NYM_SPHINX_HEADER_SIZE + 38];
  uint8_t first_hop[NYM_SPHINX_NODE_ADDRESS_LENGTH];
  size_t again_len = 0;

  if (!nym_sphinx_surb_parse (data, size, &surb, NULL))
    return;
  if (!nym_sphinx_surb_serialize (&surb, again, size, &again_len, NULL)
      || again_len != size || memcmp (again, data, size) != 0)
    abort ();
  if (!nym_sphinx_surb_use (&surb, (const uint8_t *) "fuzz", 4, 38, packet, first_hop, NULL))
    abort ();
  nym_sphinx_surb_clear (&surb);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (!nym_core_init ())
    abort ();
  fuzz_unwrap (data, size);
  fuzz_surb (data, size);
  return 0;
}
