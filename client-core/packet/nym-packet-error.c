/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The error domain of the Nym packet layer (client-core/packet). */
#include "packet/nym-packet-error.h"

G_DEFINE_QUARK (nym-packet-error-quark, nym_packet_error)

/*
 * Gives an error from a lower layer (sphinx) the packet domain, so callers of the packet layer
 * see one domain; the original message is kept after what the packet layer was doing.
 */
void
nym_packet_error_wrap (GError    **error,
                       const char *what)
{
  GError *inner;

  if (error == NULL || *error == NULL || (*error)->domain == NYM_PACKET_ERROR)
    return;
  inner = *error;
  *error = g_error_new (NYM_PACKET_ERROR, NYM_PACKET_ERROR_SPHINX, "%s: %s", what, inner->message);
  g_error_free (inner);
}
