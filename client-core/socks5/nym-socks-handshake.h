/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The local SOCKS4, SOCKS4a and SOCKS5 handshake as an incremental parser plus its reply builders (spec nym-gateway.md §5.1). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

#include "socks5/nym-socks-error.h"

G_BEGIN_DECLS

/* Longest SOCKS5 reply we build (IPv4 bound address) and the SOCKS4 reply. */
#define NYM_SOCKS5_REPLY_LEN 10
#define NYM_SOCKS4_REPLY_LEN 8
#define NYM_SOCKS_REPLY_MAX  10

/* SOCKS4 user ids and SOCKS4a host names are NUL-terminated with no length; we refuse
 * longer ones so a peer cannot make us buffer without bound. */
#define NYM_SOCKS4_MAX_STRING 255

/* RFC 1928 §6 reply codes. */
typedef enum
{
  NYM_SOCKS5_REPLY_SUCCEEDED                  = 0x00,
  NYM_SOCKS5_REPLY_GENERAL_FAILURE            = 0x01,
  NYM_SOCKS5_REPLY_NOT_ALLOWED                = 0x02,
  NYM_SOCKS5_REPLY_NETWORK_UNREACHABLE        = 0x03,
  NYM_SOCKS5_REPLY_HOST_UNREACHABLE           = 0x04,
  NYM_SOCKS5_REPLY_CONNECTION_REFUSED         = 0x05,
  NYM_SOCKS5_REPLY_TTL_EXPIRED                = 0x06,
  NYM_SOCKS5_REPLY_COMMAND_NOT_SUPPORTED      = 0x07,
  NYM_SOCKS5_REPLY_ADDRESS_TYPE_NOT_SUPPORTED = 0x08,
} NymSocks5Reply;

/* SOCKS4 (and 4a) reply codes. */
#define NYM_SOCKS4_REPLY_GRANTED  0x5a
#define NYM_SOCKS4_REPLY_REJECTED 0x5b

/* RFC 1928 §3: the one method we offer, and the "no acceptable methods" answer. */
#define NYM_SOCKS5_METHOD_NO_AUTH       0x00
#define NYM_SOCKS5_METHOD_NO_ACCEPTABLE 0xff

typedef enum
{
  NYM_SOCKS_VERSION_4 = 4, /* SOCKS4 and SOCKS4a */
  NYM_SOCKS_VERSION_5 = 5,
} NymSocksVersion;

typedef enum
{
  NYM_SOCKS_COMMAND_CONNECT       = 0x01,
  NYM_SOCKS_COMMAND_BIND          = 0x02,
  NYM_SOCKS_COMMAND_UDP_ASSOCIATE = 0x03,
} NymSocksCommand;

/* The values are SOCKS5's ATYP; a SOCKS4a host name is reported as a domain too. */
typedef enum
{
  NYM_SOCKS_ADDRESS_IPV4   = 0x01,
  NYM_SOCKS_ADDRESS_DOMAIN = 0x03,
  NYM_SOCKS_ADDRESS_IPV6   = 0x04,
} NymSocksAddressType;

typedef enum
{
  NYM_SOCKS_STEP_NEED_MORE, /* every byte was taken; feed more when it arrives */
  NYM_SOCKS_STEP_REQUEST,   /* a CONNECT request is complete: answer it with a reply builder */
  NYM_SOCKS_STEP_FAILED,    /* refused or malformed: write the reply bytes (if any), then close */
} NymSocksStep;

/* What the client asked to connect to. Host names are kept as text and never resolved
 * here: the exit resolves them (UX.md point 4). */
typedef struct
{
  NymSocksVersion     version;
  NymSocksCommand     command;
  NymSocksAddressType address_type;
  uint8_t             address[16]; /* 4 bytes for IPv4, 16 for IPv6, unused for a domain */
  char               *host;        /* dotted IPv4, IPv6 text, or the host name as sent */
  uint16_t            port;
  char               *user_id;     /* SOCKS4 user id (may be empty); NULL for SOCKS5 */
} NymSocksRequest;

typedef struct _NymSocksHandshake NymSocksHandshake;

NymSocksHandshake     *nym_socks_handshake_new          (void);
void                   nym_socks_handshake_free         (NymSocksHandshake *handshake);
NymSocksStep           nym_socks_handshake_feed         (NymSocksHandshake *handshake,
                                                         const uint8_t     *data,
                                                         size_t             len,
                                                         size_t            *consumed,
                                                         GByteArray        *reply,
                                                         GError           **error) G_GNUC_WARN_UNUSED_RESULT;
const NymSocksRequest *nym_socks_handshake_get_request  (const NymSocksHandshake *handshake);
NymSocksStep           nym_socks_handshake_get_step     (const NymSocksHandshake *handshake);

char                  *nym_socks_request_to_target      (const NymSocksRequest *request) G_GNUC_WARN_UNUSED_RESULT;

size_t                 nym_socks_reply_success          (NymSocksVersion version,
                                                         uint8_t         out[static NYM_SOCKS_REPLY_MAX]);
size_t                 nym_socks_reply_failure          (NymSocksVersion version,
                                                         NymSocks5Reply  code,
                                                         uint8_t         out[static NYM_SOCKS_REPLY_MAX]);
size_t                 nym_socks_reply_mixnet_not_ready (NymSocksVersion version,
                                                         uint8_t         out[static NYM_SOCKS_REPLY_MAX]);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (NymSocksHandshake, nym_socks_handshake_free)

G_END_DECLS
