/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Helpers shared by the Sphinx unit tests: JSON hex members and fresh routes, on top of crypto-test-vectors.h. */
#pragma once

#include <string.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <sodium.h>

#include "crypto/nym-keys.h"
#include "crypto-test-vectors.h"
#include "sphinx/nym-sphinx.h"

/* A hex member of a JSON object, decoded. */
static inline GBytes *
sphinx_test_json_hex (JsonObject *object,
                      const char *member)
{
  g_assert_true (json_object_has_member (object, member));
  return crypto_test_hex (json_object_get_string_member (object, member));
}

/* Copies a hex member of exactly len bytes into out. */
static inline void
sphinx_test_json_fixed (JsonObject *object,
                        const char *member,
                        uint8_t    *out,
                        size_t      len)
{
  g_autoptr(GBytes) bytes = sphinx_test_json_hex (object, member);

  g_assert_cmpuint (g_bytes_get_size (bytes), ==, len);
  memcpy (out, g_bytes_get_data (bytes, NULL), len);
}

#define sphinx_assert_bytes(data, len, expected) \
  g_assert_cmpmem ((data), (len), g_bytes_get_data ((expected), NULL), g_bytes_get_size ((expected)))

/* A route of fresh nodes: x25519 key pairs and addresses that differ per hop. */
typedef struct
{
  NymSphinxNode nodes[NYM_SPHINX_MAX_PATH_LENGTH];
  uint8_t       secrets[NYM_SPHINX_MAX_PATH_LENGTH][32];
  uint64_t      delays[NYM_SPHINX_MAX_PATH_LENGTH];
} SphinxTestRoute;

static inline void
sphinx_test_route_init (SphinxTestRoute *route)
{
  for (size_t i = 0; i < NYM_SPHINX_MAX_PATH_LENGTH; i++)
    {
      nym_x25519_keypair (route->nodes[i].pub, route->secrets[i]);
      memset (route->nodes[i].address, 0, sizeof route->nodes[i].address);
      route->nodes[i].address[0] = 4;
      route->nodes[i].address[1] = 0x2e;
      route->nodes[i].address[2] = (uint8_t) (0x0f + i);
      route->nodes[i].address[3] = 127;
      route->nodes[i].address[6] = 1;
      route->delays[i] = g_random_int () * (uint64_t) 7 + i;
    }
}
