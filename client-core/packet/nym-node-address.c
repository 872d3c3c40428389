/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymNodeRoutingAddress: a mix node's IP and port in its 7/19-byte and zero-padded forms (spec nym-packet.md §16). */
#include "packet/nym-node-address.h"

#include <arpa/inet.h>
#include <string.h>

void
nym_node_address_init_ipv4 (NymNodeAddress *address,
                            const uint8_t   ip[static 4],
                            uint16_t        port)
{
  memset (address, 0, sizeof *address);
  address->ip_version = 4;
  address->port = port;
  memcpy (address->ip, ip, 4);
}

size_t
nym_node_address_encoded_len (const NymNodeAddress *address)
{
  return address->ip_version == 6 ? NYM_NODE_ADDRESS_V6_LEN : NYM_NODE_ADDRESS_V4_LEN;
}

/* §16: version byte ‖ port (u16 BE) ‖ IP octets, with no padding. */
size_t
nym_node_address_encode (const NymNodeAddress *address,
                         uint8_t               out[static 19])
{
  size_t ip_len = address->ip_version == 6 ? 16 : 4;

  out[0] = address->ip_version == 6 ? 6 : 4;
  out[1] = (uint8_t) (address->port >> 8);
  out[2] = (uint8_t) (address->port & 0xff);
  memcpy (out + 3, address->ip, ip_len);
  return 3 + ip_len;
}

/*
 * The padded forms (19 bytes inside SURB-ACKs, 32 bytes as sphinx NodeAddressBytes) append
 * zero bytes; padded_len must be at least the unpadded length.
 */
void
nym_node_address_encode_padded (const NymNodeAddress *address,
                                uint8_t              *out,
                                size_t                padded_len)
{
  uint8_t raw[NYM_NODE_ADDRESS_V6_LEN];
  size_t raw_len = nym_node_address_encode (address, raw);

  g_return_if_fail (padded_len >= raw_len);
  memset (out, 0, padded_len);
  memcpy (out, raw, raw_len);
}

/*
 * Reads an address from the start of bytes. Like the reference decoder it ignores what follows
 * (padding or the packet itself); consumed says how many bytes the address took.
 */
bool
nym_node_address_decode (const uint8_t  *bytes,
                         size_t          len,
                         NymNodeAddress *out,
                         size_t         *consumed,
                         GError        **error)
{
  NymNodeAddress address = { 0 };
  size_t need;

  if (len == 0)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED,
                   "A node address needs at least one byte, none were given");
      return false;
    }
  if (bytes[0] != 4 && bytes[0] != 6)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_ADDRESS,
                   "%u is not a valid IP version in a node address (expected 4 or 6)", bytes[0]);
      return false;
    }
  need = bytes[0] == 6 ? NYM_NODE_ADDRESS_V6_LEN : NYM_NODE_ADDRESS_V4_LEN;
  if (len < need)
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_TRUNCATED,
                   "An IPv%u node address needs %zu bytes, only %zu were given", bytes[0], need, len);
      return false;
    }
  address.ip_version = bytes[0];
  address.port = (uint16_t) ((bytes[1] << 8) | bytes[2]);
  memcpy (address.ip, bytes + 3, need - 3);
  *out = address;
  if (consumed != NULL)
    *consumed = need;
  return true;
}

/*
 * Accepts "1.2.3.4:1789" and "[::1]:1789", the forms a topology's mix_host uses. inet_pton
 * is used rather than GInetAddress so this codec stays free of GObject.
 */
bool
nym_node_address_parse (const char     *text,
                        NymNodeAddress *out,
                        GError        **error)
{
  g_autofree char *host = NULL;
  const char *colon;
  const char *host_start;
  size_t host_len;
  guint64 port;
  char *end = NULL;
  NymNodeAddress address = { 0 };

  colon = text != NULL ? strrchr (text, ':') : NULL;
  if (colon == NULL || colon == text || colon[1] == '\0')
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_ADDRESS,
                   "“%s” is not a node address of the form IP:PORT", text != NULL ? text : "(null)");
      return false;
    }
  port = g_ascii_strtoull (colon + 1, &end, 10);
  if (*end != '\0' || port > G_MAXUINT16 || !g_ascii_isdigit (colon[1]))
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_ADDRESS,
                   "“%s” has an invalid port", text);
      return false;
    }
  host_start = text;
  host_len = (size_t) (colon - text);
  if (host_start[0] == '[' && host_len >= 2 && host_start[host_len - 1] == ']')
    {
      host_start++;
      host_len -= 2;
    }
  host = g_strndup (host_start, host_len);
  address.port = (uint16_t) port;
  if (inet_pton (AF_INET, host, address.ip) == 1)
    address.ip_version = 4;
  else if (inet_pton (AF_INET6, host, address.ip) == 1)
    address.ip_version = 6;
  else
    {
      g_set_error (error, NYM_PACKET_ERROR, NYM_PACKET_ERROR_INVALID_ADDRESS,
                   "“%s” is not an IPv4 or IPv6 address", host);
      return false;
    }
  *out = address;
  return true;
}

char *
nym_node_address_to_string (const NymNodeAddress *address)
{
  char ip[INET6_ADDRSTRLEN] = "";

  if (address->ip_version == 6)
    {
      inet_ntop (AF_INET6, address->ip, ip, sizeof ip);
      return g_strdup_printf ("[%s]:%u", ip, address->port);
    }
  inet_ntop (AF_INET, address->ip, ip, sizeof ip);
  return g_strdup_printf ("%s:%u", ip, address->port);
}

bool
nym_node_address_equal (const NymNodeAddress *a,
                        const NymNodeAddress *b)
{
  size_t ip_len = a->ip_version == 6 ? 16 : 4;

  return a->ip_version == b->ip_version && a->port == b->port && memcmp (a->ip, b->ip, ip_len) == 0;
}
