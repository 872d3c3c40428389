/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymNodeRoutingAddress: a mix node's IP and port in its 7/19-byte and zero-padded forms (spec nym-packet.md §16). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "packet/nym-packet-error.h"

G_BEGIN_DECLS

#define NYM_NODE_ADDRESS_BYTES_LEN 32
#define NYM_NODE_ADDRESS_V4_LEN    7
#define NYM_NODE_ADDRESS_V6_LEN    19

typedef struct
{
  uint8_t  ip_version; /* 4 or 6 */
  uint16_t port;
  uint8_t  ip[16];     /* IPv4 uses the first 4 bytes */
} NymNodeAddress;

void   nym_node_address_init_ipv4    (NymNodeAddress       *address,
                                      const uint8_t         ip[static 4],
                                      uint16_t              port);
size_t nym_node_address_encoded_len  (const NymNodeAddress *address);
size_t nym_node_address_encode       (const NymNodeAddress *address,
                                      uint8_t               out[static 19]);
void   nym_node_address_encode_padded (const NymNodeAddress *address,
                                       uint8_t              *out,
                                       size_t                padded_len);
bool   nym_node_address_decode       (const uint8_t        *bytes,
                                      size_t                len,
                                      NymNodeAddress       *out,
                                      size_t               *consumed,
                                      GError              **error) G_GNUC_WARN_UNUSED_RESULT;
bool   nym_node_address_parse        (const char           *text,
                                      NymNodeAddress       *out,
                                      GError              **error) G_GNUC_WARN_UNUSED_RESULT;
char  *nym_node_address_to_string    (const NymNodeAddress *address) G_GNUC_WARN_UNUSED_RESULT;
bool   nym_node_address_equal        (const NymNodeAddress *a,
                                      const NymNodeAddress *b);

G_END_DECLS
