/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The error domain of the Nym packet layer (client-core/packet). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NYM_PACKET_ERROR (nym_packet_error_quark ())

typedef enum
{
  NYM_PACKET_ERROR_TRUNCATED,          /* input shorter than its format needs */
  NYM_PACKET_ERROR_TOO_LONG,           /* input longer than its format allows */
  NYM_PACKET_ERROR_UNKNOWN_SIZE,       /* packet size tag or length not known */
  NYM_PACKET_ERROR_UNKNOWN_TYPE,       /* packet type, message type, content tag, frame kind */
  NYM_PACKET_ERROR_UNSUPPORTED_VERSION,
  NYM_PACKET_ERROR_INVALID_ADDRESS,
  NYM_PACKET_ERROR_INVALID_RECIPIENT,
  NYM_PACKET_ERROR_INVALID_PADDING,
  NYM_PACKET_ERROR_INVALID_FRAGMENT,
  NYM_PACKET_ERROR_INVALID_MESSAGE,
  NYM_PACKET_ERROR_INVALID_SURB,
  NYM_PACKET_ERROR_INVALID_FRAME,
  NYM_PACKET_ERROR_DECRYPTION_FAILED,
  NYM_PACKET_ERROR_NO_ROUTE,
  NYM_PACKET_ERROR_SPHINX,
  NYM_PACKET_ERROR_FAILED,
} NymPacketError;

GQuark nym_packet_error_quark (void);

void   nym_packet_error_wrap  (GError    **error,
                               const char *what);

G_END_DECLS
