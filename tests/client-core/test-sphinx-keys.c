/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of Sphinx key derivation: the V1 vector, payload-key selection and the sender's hop secrets. */
#include "nym-core.h"
#include "crypto/nym-hkdf.h"
#include "crypto/nym-hmac.h"
#include "crypto/nym-keys.h"
#include "sphinx/nym-sphinx-keys.h"
#include "sphinx-test-util.h"

static void
assert_prefix_suffix (const uint8_t *data,
                      size_t         len,
                      GBytes        *prefix,
                      GBytes        *suffix)
{
  size_t prefix_len = g_bytes_get_size (prefix);
  size_t suffix_len = g_bytes_get_size (suffix);

  g_assert_cmpmem (data, prefix_len, g_bytes_get_data (prefix, NULL), prefix_len);
  g_assert_cmpmem (data + len - suffix_len, suffix_len, g_bytes_get_data (suffix, NULL), suffix_len);
}

/* nym-packet.md §24 V1: sphinx-packet's own known answer for the expanded shared secret. */
static void
test_keys_v1 (void)
{
  g_autoptr(GKeyFile) vectors = crypto_test_load_vectors ("sphinx.vectors");
  g_autoptr(GBytes) rng_key = crypto_test_vector (vectors, "v1", "rng_key");
  g_autoptr(GBytes) sk1_prefix = crypto_test_vector (vectors, "v1", "sk1_prefix");
  g_autoptr(GBytes) sk1_suffix = crypto_test_vector (vectors, "v1", "sk1_suffix");
  g_autoptr(GBytes) sk2_prefix = crypto_test_vector (vectors, "v1", "sk2_prefix");
  g_autoptr(GBytes) sk2_suffix = crypto_test_vector (vectors, "v1", "sk2_suffix");
  g_autoptr(GBytes) shared_secret = crypto_test_vector (vectors, "v1", "shared_secret");
  g_autoptr(GBytes) stream_key = crypto_test_vector (vectors, "v1", "stream_key");
  g_autoptr(GBytes) mac_key = crypto_test_vector (vectors, "v1", "mac_key");
  g_autoptr(GBytes) legacy_prefix = crypto_test_vector (vectors, "v1", "legacy_payload_key_prefix");
  g_autoptr(GBytes) legacy_suffix = crypto_test_vector (vectors, "v1", "legacy_payload_key_suffix");
  g_autoptr(GBytes) blinding = crypto_test_vector (vectors, "v1", "blinding_factor");
  g_autoptr(GBytes) replay_tag = crypto_test_vector (vectors, "v1", "replay_tag");
  g_autoptr(GBytes) seed = crypto_test_vector (vectors, "v1", "payload_key_seed");
  g_autoptr(GBytes) v259_prefix = crypto_test_vector (vectors, "v1", "payload_key_v259_prefix");
  static const uint8_t nonce[crypto_stream_chacha20_NONCEBYTES] = { 0 };
  static const uint8_t basepoint[32] = { 9 };
  uint8_t rng[64];
  uint8_t public1[32];
  uint8_t shared[32];
  uint8_t expanded[NYM_SPHINX_EXPANDED_SECRET_SIZE];
  uint8_t key[NYM_SPHINX_PAYLOAD_KEY_SIZE];

  g_assert_cmpuint (g_bytes_get_size (rng_key), ==, crypto_stream_chacha20_KEYBYTES);
  crypto_stream_chacha20 (rng, sizeof rng, nonce, g_bytes_get_data (rng_key, NULL));
  assert_prefix_suffix (rng, 32, sk1_prefix, sk1_suffix);
  assert_prefix_suffix (rng + 32, 32, sk2_prefix, sk2_suffix);

  g_assert_true (nym_x25519 (public1, rng, basepoint));
  g_assert_true (nym_x25519 (shared, rng + 32, public1));
  sphinx_assert_bytes (shared, 32, shared_secret);

  g_assert_true (nym_sphinx_expand_shared_secret (shared, expanded));
  sphinx_assert_bytes (expanded + NYM_SPHINX_STREAM_KEY_OFFSET, 16, stream_key);
  sphinx_assert_bytes (expanded + NYM_SPHINX_MAC_KEY_OFFSET, 16, mac_key);
  assert_prefix_suffix (expanded + NYM_SPHINX_PAYLOAD_KEY_OFFSET, NYM_SPHINX_PAYLOAD_KEY_SIZE,
                        legacy_prefix, legacy_suffix);
  sphinx_assert_bytes (expanded + NYM_SPHINX_PAYLOAD_KEY_OFFSET, 16, seed);
  sphinx_assert_bytes (expanded + NYM_SPHINX_BLINDING_FACTOR_OFFSET, 32, blinding);
  sphinx_assert_bytes (expanded + NYM_SPHINX_REPLAY_TAG_OFFSET, 32, replay_tag);

  g_assert_true (nym_sphinx_payload_key_for_version (259, expanded, key));
  g_assert_cmpmem (key, 32, g_bytes_get_data (v259_prefix, NULL), 32);
  g_assert_true (nym_sphinx_payload_key_for_version (258, expanded, key));
  g_assert_cmpmem (key, sizeof key, expanded + NYM_SPHINX_PAYLOAD_KEY_OFFSET, sizeof key);
}

/* §4: which versions take the legacy slice and which derive from the seed. */
static void
test_keys_payload_key_selection (void)
{
  static const uint16_t legacy[] = { 1, 257, 258 };
  static const uint16_t seeded[] = { 0, 256, 259, 260, 0xffff };
  uint8_t expanded[NYM_SPHINX_EXPANDED_SECRET_SIZE];
  uint8_t key[NYM_SPHINX_PAYLOAD_KEY_SIZE];
  uint8_t derived[NYM_SPHINX_PAYLOAD_KEY_SIZE];

  randombytes_buf (expanded, sizeof expanded);
  g_assert_true (nym_sphinx_derive_payload_key (expanded + NYM_SPHINX_PAYLOAD_KEY_OFFSET, derived));
  /* The HKDF output is not the slice it was derived from. */
  g_assert_true (memcmp (derived, expanded + NYM_SPHINX_PAYLOAD_KEY_OFFSET, sizeof derived) != 0);

  for (size_t i = 0; i < G_N_ELEMENTS (legacy); i++)
    {
      g_assert_true (nym_sphinx_version_uses_legacy_payload_keys (legacy[i]));
      g_assert_true (nym_sphinx_payload_key_for_version (legacy[i], expanded, key));
      g_assert_cmpmem (key, sizeof key, expanded + NYM_SPHINX_PAYLOAD_KEY_OFFSET, sizeof key);
    }
  for (size_t i = 0; i < G_N_ELEMENTS (seeded); i++)
    {
      g_assert_false (nym_sphinx_version_uses_legacy_payload_keys (seeded[i]));
      g_assert_true (nym_sphinx_payload_key_for_version (seeded[i], expanded, key));
      g_assert_cmpmem (key, sizeof key, derived, sizeof derived);
    }

  g_assert_true (nym_sphinx_version_is_supported (258));
  g_assert_true (nym_sphinx_version_is_supported (259));
  g_assert_false (nym_sphinx_version_is_supported (1));
  g_assert_false (nym_sphinx_version_is_supported (257));
  g_assert_false (nym_sphinx_version_is_supported (260));
}

/* §5 computed literally: s_i = X25519(b_{i-1}, ... X25519(b_0, X25519(x, P_i))). */
static void
naive_hop_secrets (const NymSphinxNode *route,
                   size_t               route_len,
                   const uint8_t        initial_secret[32],
                   uint8_t              alpha0[32],
                   uint8_t              expanded[][NYM_SPHINX_EXPANDED_SECRET_SIZE])
{
  nym_x25519_base (alpha0, initial_secret);
  for (size_t i = 0; i < route_len; i++)
    {
      uint8_t acc[32];
      uint8_t next[32];

      g_assert_true (nym_x25519 (acc, initial_secret, route[i].pub));
      for (size_t j = 0; j < i; j++)
        {
          g_assert_true (nym_x25519 (next, expanded[j] + NYM_SPHINX_BLINDING_FACTOR_OFFSET, acc));
          memcpy (acc, next, 32);
        }
      g_assert_true (nym_sphinx_expand_shared_secret (acc, expanded[i]));
    }
}

/* The sender's shortcut (products of scalars modulo the group order, with a fallback to the
 * chain) must give exactly the literal chain's secrets. Many random routes exercise the
 * direct path and every depth of fallback. */
static void
test_keys_hop_secrets_match_chain (void)
{
  for (unsigned round = 0; round < 150; round++)
    {
      SphinxTestRoute route;
      size_t route_len = 1 + round % NYM_SPHINX_MAX_PATH_LENGTH;
      uint8_t initial_secret[32];
      uint8_t alpha0[32];
      uint8_t naive_alpha0[32];
      uint8_t expanded[NYM_SPHINX_MAX_PATH_LENGTH][NYM_SPHINX_EXPANDED_SECRET_SIZE];
      uint8_t naive[NYM_SPHINX_MAX_PATH_LENGTH][NYM_SPHINX_EXPANDED_SECRET_SIZE];
      g_autoptr(GError) error = NULL;

      sphinx_test_route_init (&route);
      randombytes_buf (initial_secret, sizeof initial_secret);
      g_assert_true (nym_sphinx_derive_hop_secrets (route.nodes, route_len, initial_secret,
                                                    alpha0, expanded, &error));
      g_assert_no_error (error);
      naive_hop_secrets (route.nodes, route_len, initial_secret, naive_alpha0, naive);
      g_assert_cmpmem (alpha0, 32, naive_alpha0, 32);
      g_assert_cmpmem (expanded, route_len * sizeof expanded[0], naive, route_len * sizeof naive[0]);

      /* Each hop, holding only its secret key and the α it receives, derives the same. */
      for (size_t i = 0; i < route_len; i++)
        {
          uint8_t shared[32];
          uint8_t hop_expanded[NYM_SPHINX_EXPANDED_SECRET_SIZE];
          uint8_t next_alpha[32];

          g_assert_true (nym_x25519 (shared, route.secrets[i], alpha0));
          g_assert_true (nym_sphinx_expand_shared_secret (shared, hop_expanded));
          g_assert_cmpmem (hop_expanded, sizeof hop_expanded, expanded[i], sizeof hop_expanded);
          g_assert_true (nym_x25519 (next_alpha, hop_expanded + NYM_SPHINX_BLINDING_FACTOR_OFFSET,
                                     alpha0));
          memcpy (alpha0, next_alpha, 32);
        }
    }
}

/* Initial secrets at the edges of the clamped range (clamped to 2²⁵⁴, 2²⁵⁴ + 8 and
 * 2²⁵⁵ − 8) still give the literal chain's secrets over five hops. */
static void
test_keys_clamped_edge_secrets (void)
{
  static const uint8_t edges[][32] = {
    { 0 },
    { [0] = 8 },
    { [0] = 0xff, [1] = 0xff, [2] = 0xff, [3] = 0xff, [4] = 0xff, [5] = 0xff, [6] = 0xff,
      [7] = 0xff, [8] = 0xff, [9] = 0xff, [10] = 0xff, [11] = 0xff, [12] = 0xff, [13] = 0xff,
      [14] = 0xff, [15] = 0xff, [16] = 0xff, [17] = 0xff, [18] = 0xff, [19] = 0xff, [20] = 0xff,
      [21] = 0xff, [22] = 0xff, [23] = 0xff, [24] = 0xff, [25] = 0xff, [26] = 0xff, [27] = 0xff,
      [28] = 0xff, [29] = 0xff, [30] = 0xff, [31] = 0xff },
  };
  SphinxTestRoute route;

  sphinx_test_route_init (&route);
  for (size_t e = 0; e < G_N_ELEMENTS (edges); e++)
    {
      uint8_t alpha0[32];
      uint8_t naive_alpha0[32];
      uint8_t expanded[NYM_SPHINX_MAX_PATH_LENGTH][NYM_SPHINX_EXPANDED_SECRET_SIZE];
      uint8_t naive[NYM_SPHINX_MAX_PATH_LENGTH][NYM_SPHINX_EXPANDED_SECRET_SIZE];

      g_assert_true (nym_sphinx_derive_hop_secrets (route.nodes, NYM_SPHINX_MAX_PATH_LENGTH,
                                                    edges[e], alpha0, expanded, NULL));
      naive_hop_secrets (route.nodes, NYM_SPHINX_MAX_PATH_LENGTH, edges[e], naive_alpha0, naive);
      g_assert_cmpmem (alpha0, 32, naive_alpha0, 32);
      g_assert_cmpmem (expanded, sizeof expanded, naive, sizeof naive);
    }
}

/* A node key with a small-order component (P + T, T of order 8; computed with an independent
 * Edwards implementation): every clamped scalar is a multiple of 8 and removes T, in the
 * literal chain and in the shortcut alike, so both still agree. */
static void
test_keys_hop_secrets_torsion_key (void)
{
  g_autoptr(GBytes) torsion = crypto_test_hex ("46f08b6002abc0da5bf4118d30eba2e5a0beb5718e85f81ed6c01f2a02d26d3d");
  SphinxTestRoute route;

  sphinx_test_route_init (&route);
  memcpy (route.nodes[1].pub, g_bytes_get_data (torsion, NULL), 32);
  memcpy (route.nodes[3].pub, g_bytes_get_data (torsion, NULL), 32);
  for (unsigned round = 0; round < 40; round++)
    {
      uint8_t initial_secret[32];
      uint8_t alpha0[32];
      uint8_t naive_alpha0[32];
      uint8_t expanded[NYM_SPHINX_MAX_PATH_LENGTH][NYM_SPHINX_EXPANDED_SECRET_SIZE];
      uint8_t naive[NYM_SPHINX_MAX_PATH_LENGTH][NYM_SPHINX_EXPANDED_SECRET_SIZE];

      randombytes_buf (initial_secret, sizeof initial_secret);
      g_assert_true (nym_sphinx_derive_hop_secrets (route.nodes, NYM_SPHINX_MAX_PATH_LENGTH,
                                                    initial_secret, alpha0, expanded, NULL));
      naive_hop_secrets (route.nodes, NYM_SPHINX_MAX_PATH_LENGTH, initial_secret, naive_alpha0, naive);
      g_assert_cmpmem (expanded, sizeof expanded, naive, sizeof naive);
    }
}

static void
test_keys_bad_route (void)
{
  SphinxTestRoute route;
  uint8_t initial_secret[32] = { 1 };
  uint8_t alpha0[32];
  uint8_t expanded[NYM_SPHINX_MAX_PATH_LENGTH + 1][NYM_SPHINX_EXPANDED_SECRET_SIZE];
  g_autoptr(GError) error = NULL;

  sphinx_test_route_init (&route);
  g_assert_false (nym_sphinx_derive_hop_secrets (route.nodes, 0, initial_secret, alpha0,
                                                 expanded, &error));
  g_assert_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_ROUTE);
  g_clear_error (&error);
  g_assert_false (nym_sphinx_derive_hop_secrets (route.nodes, NYM_SPHINX_MAX_PATH_LENGTH + 1,
                                                 initial_secret, alpha0, expanded, &error));
  g_assert_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_ROUTE);
  g_clear_error (&error);

  /* A node key of small order (here the point 0) makes the shared secret all zero. */
  memset (route.nodes[2].pub, 0, 32);
  g_assert_false (nym_sphinx_derive_hop_secrets (route.nodes, 3, initial_secret, alpha0,
                                                 expanded, &error));
  g_assert_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_KEY);
  g_assert_nonnull (strstr (error->message, "hop 2"));
}

/* Sphinx uses the libgcrypt-backed HKDF-SHA256 and HMAC-SHA256 for speed; they must agree
 * with the portable ones for every shape of input Sphinx and others give them. */
static void
test_keys_accelerated_hkdf (void)
{
  static const size_t sizes[] = { 0, 1, 16, 31, 32, 33, 44, 63, 64, 65, 97, 200 };
  static const size_t out_sizes[] = { 1, 16, 32, 33, 192, 288, 8160 };
  g_autofree uint8_t *data = g_malloc (200 * 3);
  g_autofree uint8_t *expected = g_malloc (8160);
  g_autofree uint8_t *actual = g_malloc (8160);

  randombytes_buf (data, 600);
  for (size_t a = 0; a < G_N_ELEMENTS (sizes); a++)
    for (size_t o = 0; o < G_N_ELEMENTS (out_sizes); o++)
      {
        size_t salt_len = sizes[a];
        size_t ikm_len = sizes[(a + 3) % G_N_ELEMENTS (sizes)];
        size_t info_len = sizes[(a + 7) % G_N_ELEMENTS (sizes)];
        const uint8_t *salt = salt_len ? data : NULL;

        g_assert_true (nym_hkdf (NYM_HKDF_SHA256, salt, salt_len, data + 200, ikm_len,
                                 data + 400, info_len, expected, out_sizes[o]));
        g_assert_true (nym_hkdf_sha256_accelerated (salt, salt_len, data + 200, ikm_len,
                                                    data + 400, info_len, actual, out_sizes[o]));
        g_assert_cmpmem (actual, out_sizes[o], expected, out_sizes[o]);
      }
  g_assert_false (nym_hkdf_sha256_accelerated (NULL, 0, data, 32, NULL, 0, actual, 8161));

  for (size_t k = 0; k < G_N_ELEMENTS (sizes); k++)
    for (size_t d = 0; d < G_N_ELEMENTS (sizes); d++)
      {
        uint8_t mac_expected[32];
        uint8_t mac_actual[32];

        nym_hmac_sha256 (data, sizes[k], data + 200, sizes[d], mac_expected);
        g_assert_true (nym_hmac_sha256_accelerated (data, sizes[k], data + 200, sizes[d], mac_actual));
        g_assert_cmpmem (mac_actual, 32, mac_expected, 32);
      }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (nym_core_init ());
  g_test_add_func ("/sphinx/keys/v1", test_keys_v1);
  g_test_add_func ("/sphinx/keys/accelerated-hkdf", test_keys_accelerated_hkdf);
  g_test_add_func ("/sphinx/keys/payload-key-selection", test_keys_payload_key_selection);
  g_test_add_func ("/sphinx/keys/hop-secrets-match-chain", test_keys_hop_secrets_match_chain);
  g_test_add_func ("/sphinx/keys/clamped-edge-secrets", test_keys_clamped_edge_secrets);
  g_test_add_func ("/sphinx/keys/hop-secrets-torsion-key", test_keys_hop_secrets_torsion_key);
  g_test_add_func ("/sphinx/keys/bad-route", test_keys_bad_route);
  return g_test_run ();
}
