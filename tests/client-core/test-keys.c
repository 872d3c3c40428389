/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests the x25519, ed25519 and random wrappers against RFC 7748, RFC 8032, the gateway spec and the real client. */
#include <string.h>
#include <glib.h>

#include "crypto/nym-keys.h"
#include "crypto-test-vectors.h"

typedef struct
{
  GKeyFile *vectors;
} KeysFixture;

static void
keys_setup (KeysFixture   *fixture,
            gconstpointer  user_data)
{
  fixture->vectors = crypto_test_load_vectors ("keys.vectors");
}

static void
keys_teardown (KeysFixture   *fixture,
               gconstpointer  user_data)
{
  g_clear_pointer (&fixture->vectors, g_key_file_unref);
}

#define VEC(group, key) crypto_test_vector (fixture->vectors, (group), (key))
#define DATA(bytes)     ((const uint8_t *) g_bytes_get_data ((bytes), NULL))

static void
test_x25519_rfc7748 (KeysFixture   *fixture,
                     gconstpointer  user_data)
{
  const char *groups[] = { "x25519-rfc7748-5.2-1", "x25519-rfc7748-5.2-2" };

  for (size_t g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      g_autoptr(GBytes) scalar = VEC (groups[g], "scalar");
      g_autoptr(GBytes) point = VEC (groups[g], "point");
      g_autoptr(GBytes) result = VEC (groups[g], "result");
      uint8_t out[32];

      g_assert_true (nym_x25519 (out, DATA (scalar), DATA (point)));
      crypto_test_assert_bytes (out, sizeof out, result);
    }
}

/* RFC 7748 §5.2: k = u = 9, then repeatedly (k, u) = (X25519(k, u), k). */
static void
test_x25519_rfc7748_iterated (KeysFixture   *fixture,
                              gconstpointer  user_data)
{
  g_autoptr(GBytes) start = VEC ("x25519-rfc7748-5.2-iterated", "start");
  g_autoptr(GBytes) after1 = VEC ("x25519-rfc7748-5.2-iterated", "after1");
  g_autoptr(GBytes) after1000 = VEC ("x25519-rfc7748-5.2-iterated", "after1000");
  uint8_t k[32], u[32], next[32];

  memcpy (k, DATA (start), 32);
  memcpy (u, DATA (start), 32);
  for (unsigned i = 1; i <= 1000; i++)
    {
      g_assert_true (nym_x25519 (next, k, u));
      memcpy (u, k, 32);
      memcpy (k, next, 32);
      if (i == 1)
        crypto_test_assert_bytes (k, 32, after1);
    }
  crypto_test_assert_bytes (k, 32, after1000);
}

static void
test_x25519_dh (KeysFixture   *fixture,
                gconstpointer  user_data)
{
  struct { const char *group, *priv_a, *pub_a, *priv_b, *pub_b; } cases[] = {
    { "x25519-rfc7748-6.1", "alice_private", "alice_public", "bob_private", "bob_public" },
    { "x25519-gateway-9.2", "client_private", "client_public", "gateway_private", "gateway_public" },
  };

  for (size_t c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GBytes) priv_a = VEC (cases[c].group, cases[c].priv_a);
      g_autoptr(GBytes) pub_a = VEC (cases[c].group, cases[c].pub_a);
      g_autoptr(GBytes) priv_b = VEC (cases[c].group, cases[c].priv_b);
      g_autoptr(GBytes) pub_b = VEC (cases[c].group, cases[c].pub_b);
      g_autoptr(GBytes) shared = VEC (cases[c].group, "shared");
      uint8_t out[32];

      nym_x25519_base (out, DATA (priv_a));
      crypto_test_assert_bytes (out, 32, pub_a);
      nym_x25519_base (out, DATA (priv_b));
      crypto_test_assert_bytes (out, 32, pub_b);
      g_assert_true (nym_x25519 (out, DATA (priv_a), DATA (pub_b)));
      crypto_test_assert_bytes (out, 32, shared);
      g_assert_true (nym_x25519 (out, DATA (priv_b), DATA (pub_a)));
      crypto_test_assert_bytes (out, 32, shared);
    }
}

/* Low-order points give the all-zero shared secret, which must be refused (and not left in out). */
static void
test_x25519_low_order (KeysFixture   *fixture,
                       gconstpointer  user_data)
{
  uint8_t scalar[32], zero[32] = { 0 }, one[32] = { 1 }, out[32];

  nym_random_bytes (scalar, sizeof scalar);
  memset (out, 0x77, sizeof out);
  g_assert_false (nym_x25519 (out, scalar, zero));
  g_assert_cmpmem (out, 32, zero, 32);
  memset (out, 0x77, sizeof out);
  g_assert_false (nym_x25519 (out, scalar, one));
  g_assert_cmpmem (out, 32, zero, 32);
}

static void
test_x25519_keypair (KeysFixture   *fixture,
                     gconstpointer  user_data)
{
  uint8_t pub1[32], priv1[32], pub2[32], priv2[32], check[32], shared1[32], shared2[32];

  nym_x25519_keypair (pub1, priv1);
  nym_x25519_keypair (pub2, priv2);
  g_assert_true (memcmp (priv1, priv2, 32) != 0);
  nym_x25519_base (check, priv1);
  g_assert_cmpmem (check, 32, pub1, 32);
  g_assert_true (nym_x25519 (shared1, priv1, pub2));
  g_assert_true (nym_x25519 (shared2, priv2, pub1));
  g_assert_cmpmem (shared1, 32, shared2, 32);
}

static void
test_ed25519_rfc8032 (KeysFixture   *fixture,
                      gconstpointer  user_data)
{
  for (int t = 1; t <= 3; t++)
    {
      g_autofree char *group = g_strdup_printf ("ed25519-rfc8032-%d", t);
      g_autoptr(GBytes) seed = VEC (group, "seed");
      g_autoptr(GBytes) public = VEC (group, "public");
      g_autoptr(GBytes) message = VEC (group, "message");
      g_autoptr(GBytes) signature = VEC (group, "signature");
      size_t len = g_bytes_get_size (message);
      g_autofree uint8_t *msg = g_malloc0 (len + 1);
      uint8_t pub[32], sk[64], sig[64];

      memcpy (msg, DATA (message), len);
      nym_ed25519_keypair_from_seed (pub, sk, DATA (seed));
      crypto_test_assert_bytes (pub, 32, public);
      /* The 64-byte secret key is seed ‖ public key, as libsodium and ed25519-dalek store it. */
      g_assert_cmpmem (sk, 32, DATA (seed), 32);
      g_assert_cmpmem (sk + 32, 32, pub, 32);

      nym_ed25519_sign (sig, msg, len, sk);
      crypto_test_assert_bytes (sig, 64, signature);
      g_assert_true (nym_ed25519_verify (sig, msg, len, pub));

      /* A flipped bit in the signature, the message or the key is rejected. */
      for (size_t i = 0; i < 64; i += 7)
        {
          sig[i] ^= 0x04;
          g_assert_false (nym_ed25519_verify (sig, msg, len, pub));
          sig[i] ^= 0x04;
        }
      if (len > 0)
        {
          msg[0] ^= 1;
          g_assert_false (nym_ed25519_verify (sig, msg, len, pub));
          msg[0] ^= 1;
        }
      g_assert_false (nym_ed25519_verify (sig, msg, len + 1, pub));
      pub[5] ^= 0x10;
      g_assert_false (nym_ed25519_verify (sig, msg, len, pub));
    }
}

static void
test_ed25519_gateway_spec (KeysFixture   *fixture,
                           gconstpointer  user_data)
{
  const char *groups[] = { "ed25519-gateway-9.2-client", "ed25519-gateway-9.2-gateway" };

  for (size_t g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      g_autoptr(GBytes) seed = VEC (groups[g], "seed");
      g_autoptr(GBytes) public = VEC (groups[g], "public");
      uint8_t pub[32], sk[64];

      nym_ed25519_keypair_from_seed (pub, sk, DATA (seed));
      crypto_test_assert_bytes (pub, 32, public);
    }
}

/* The real client's and the nodes' key pairs in wasm-client-packets.json. */
static void
test_keys_real_client (KeysFixture   *fixture,
                       gconstpointer  user_data)
{
  g_autoptr(JsonParser) parser = crypto_test_load_json ("wasm-client-packets.json");
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  JsonArray *captures = json_object_get_array_member (root, "captures");
  JsonArray *nodes = json_object_get_array_member (root, "nodes");
  unsigned checked = 0;

  for (unsigned c = 0; c < json_array_get_length (captures); c++)
    {
      JsonObject *client = json_object_get_object_member (json_array_get_object_element (captures, c),
                                                          "client");
      g_autoptr(GBytes) ed_seed = crypto_test_json_hex (client, "ed25519_private");
      g_autoptr(GBytes) ed_public = crypto_test_json_hex (client, "ed25519_public");
      g_autoptr(GBytes) x_private = crypto_test_json_hex (client, "x25519_private");
      g_autoptr(GBytes) x_public = crypto_test_json_hex (client, "x25519_public");
      uint8_t pub[32], sk[64];

      nym_ed25519_keypair_from_seed (pub, sk, DATA (ed_seed));
      crypto_test_assert_bytes (pub, 32, ed_public);
      nym_x25519_base (pub, DATA (x_private));
      crypto_test_assert_bytes (pub, 32, x_public);
      checked++;
    }

  for (unsigned n = 0; n < json_array_get_length (nodes); n++)
    {
      JsonObject *node = json_array_get_object_element (nodes, n);
      g_autoptr(GBytes) ed_seed = crypto_test_json_hex (node, "ed25519_seed");
      g_autoptr(GBytes) ed_public = crypto_test_json_hex (node, "ed25519_public");
      g_autoptr(GBytes) x_private = crypto_test_json_hex (node, "x25519_sphinx_private");
      g_autoptr(GBytes) x_public = crypto_test_json_hex (node, "x25519_sphinx_public");
      uint8_t pub[32], sk[64];

      nym_ed25519_keypair_from_seed (pub, sk, DATA (ed_seed));
      crypto_test_assert_bytes (pub, 32, ed_public);
      nym_x25519_base (pub, DATA (x_private));
      crypto_test_assert_bytes (pub, 32, x_public);
      checked++;
    }
  g_assert_cmpuint (checked, >=, 8);
}

static void
test_random_bytes (KeysFixture   *fixture,
                   gconstpointer  user_data)
{
  uint8_t a[64] = { 0 }, b[64] = { 0 }, guard[4] = { 0x11, 0x11, 0x11, 0x11 };

  nym_random_bytes (a, sizeof a);
  nym_random_bytes (b, sizeof b);
  g_assert_true (memcmp (a, b, sizeof a) != 0);
  nym_random_bytes (guard, 0);
  g_assert_cmpuint (guard[0], ==, 0x11);
  nym_random_bytes (guard, 2);
  g_assert_cmpuint (guard[2], ==, 0x11);
  g_assert_cmpuint (guard[3], ==, 0x11);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, KeysFixture, NULL, keys_setup, func, keys_teardown)
  ADD ("/keys/x25519/rfc7748", test_x25519_rfc7748);
  ADD ("/keys/x25519/rfc7748-iterated", test_x25519_rfc7748_iterated);
  ADD ("/keys/x25519/dh", test_x25519_dh);
  ADD ("/keys/x25519/low-order", test_x25519_low_order);
  ADD ("/keys/x25519/keypair", test_x25519_keypair);
  ADD ("/keys/ed25519/rfc8032", test_ed25519_rfc8032);
  ADD ("/keys/ed25519/gateway-spec", test_ed25519_gateway_spec);
  ADD ("/keys/real-client", test_keys_real_client);
  ADD ("/keys/random", test_random_bytes);
#undef ADD

  return g_test_run ();
}
