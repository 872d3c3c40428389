/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Sphinx constants, route types and the NYM_SPHINX_ERROR domain (nym-packet.md §2–§3, §12). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

/* §2: the sizes of sphinx-packet 0.6.0. */
#define NYM_SPHINX_SECURITY_PARAMETER      16
#define NYM_SPHINX_MAX_PATH_LENGTH         5
#define NYM_SPHINX_NODE_ADDRESS_LENGTH     32
#define NYM_SPHINX_DESTINATION_LENGTH      32
#define NYM_SPHINX_IDENTIFIER_LENGTH       16
#define NYM_SPHINX_VERSION_LENGTH          3
#define NYM_SPHINX_DELAY_LENGTH            8
#define NYM_SPHINX_MAC_SIZE                16
#define NYM_SPHINX_ALPHA_SIZE              32
#define NYM_SPHINX_HOP_SLOT_SIZE           60
#define NYM_SPHINX_ROUTING_INFO_SIZE       300
#define NYM_SPHINX_TRUNCATED_ROUTING_SIZE  240
#define NYM_SPHINX_STREAM_OUTPUT_SIZE      360
#define NYM_SPHINX_FORWARD_META_SIZE       44
#define NYM_SPHINX_FINAL_META_SIZE         52
#define NYM_SPHINX_HEADER_SIZE             348
#define NYM_SPHINX_PAYLOAD_KEY_SIZE        192
#define NYM_SPHINX_PAYLOAD_KEY_SEED_SIZE   16
#define NYM_SPHINX_BLINDING_FACTOR_SIZE    32
#define NYM_SPHINX_REPLAY_TAG_SIZE         32
#define NYM_SPHINX_EXPANDED_SECRET_SIZE    288
#define NYM_SPHINX_PAYLOAD_OVERHEAD        17

/* Offsets of the slices of the expanded shared secret (§4). The legacy payload key and the
 * payload key seed deliberately overlap: both start at byte 32. */
#define NYM_SPHINX_STREAM_KEY_OFFSET       0
#define NYM_SPHINX_MAC_KEY_OFFSET          16
#define NYM_SPHINX_PAYLOAD_KEY_OFFSET      32
#define NYM_SPHINX_BLINDING_FACTOR_OFFSET  224
#define NYM_SPHINX_REPLAY_TAG_OFFSET       256

/* LIONESS needs a block of at least 33 bytes, which is therefore the smallest payload. The
 * largest is the payload of an Extended32 packet (§13); nothing bigger is ever framed. */
#define NYM_SPHINX_MIN_PAYLOAD_SIZE        33
#define NYM_SPHINX_MAX_PAYLOAD_SIZE        32785
#define NYM_SPHINX_MIN_PACKET_SIZE         (NYM_SPHINX_HEADER_SIZE + NYM_SPHINX_MIN_PAYLOAD_SIZE)
#define NYM_SPHINX_MAX_PACKET_SIZE         (NYM_SPHINX_HEADER_SIZE + NYM_SPHINX_MAX_PAYLOAD_SIZE)

/* Routing flags of the decrypted routing block (§6). */
#define NYM_SPHINX_FLAG_FORWARD_HOP        0x01
#define NYM_SPHINX_FLAG_FINAL_HOP          0x02

/* §12: the two header versions a 2026 client creates and every hop must accept. */
#define NYM_SPHINX_VERSION_EXPLICIT_PAYLOAD_KEYS 258
#define NYM_SPHINX_VERSION_PAYLOAD_KEY_SEEDS     259

/* A hop of a route: where it listens (NodeAddressBytes, §16) and its x25519 sphinx key. */
typedef struct
{
  uint8_t address[NYM_SPHINX_NODE_ADDRESS_LENGTH];
  uint8_t pub[32];
} NymSphinxNode;

/* Where the final hop delivers: the recipient's identity and a SURB identifier (§6). */
typedef struct
{
  uint8_t address[NYM_SPHINX_DESTINATION_LENGTH];
  uint8_t identifier[NYM_SPHINX_IDENTIFIER_LENGTH];
} NymSphinxDestination;

#define NYM_SPHINX_ERROR (nym_sphinx_error_quark ())

typedef enum
{
  NYM_SPHINX_ERROR_BAD_LENGTH,
  NYM_SPHINX_ERROR_BAD_ROUTE,
  NYM_SPHINX_ERROR_BAD_VERSION,
  NYM_SPHINX_ERROR_BAD_MAC,
  NYM_SPHINX_ERROR_UNKNOWN_FLAG,
  NYM_SPHINX_ERROR_BAD_PADDING,
  NYM_SPHINX_ERROR_BAD_KEY,
  NYM_SPHINX_ERROR_BAD_SURB,
  NYM_SPHINX_ERROR_MESSAGE_TOO_LONG,
  NYM_SPHINX_ERROR_CRYPTO_FAILED,
} NymSphinxError;

GQuark nym_sphinx_error_quark (void);

/* Whether the version is one this implementation creates and processes (258 or 259). */
bool nym_sphinx_version_is_supported           (uint16_t version) G_GNUC_CONST;
/* Whether hops of this version use the 192-byte slice E[32..224] as payload key (§4). */
bool nym_sphinx_version_uses_legacy_payload_keys (uint16_t version) G_GNUC_CONST;

G_END_DECLS
