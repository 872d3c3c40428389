/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of Sphinx SURBs: creation, both key layouts, parsing bad input, use, and reply recovery. */
#include "nym-core.h"
#include "crypto/nym-keys.h"
#include "sphinx/nym-sphinx-keys.h"
#include "sphinx/nym-sphinx-packet.h"
#include "sphinx/nym-sphinx-payload.h"
#include "sphinx/nym-sphinx-surb.h"
#include "sphinx-test-util.h"

typedef struct
{
  SphinxTestRoute      route;
  NymSphinxDestination destination;
  uint8_t              initial_secret[32];
} Fixture;

static void
fixture_setup (Fixture      *fixture,
               gconstpointer user_data)
{
  sphinx_test_route_init (&fixture->route);
  randombytes_buf (fixture->destination.address, sizeof fixture->destination.address);
  /* Nym's SURBs carry an all-zero identifier (§6). */
  memset (fixture->destination.identifier, 0, sizeof fixture->destination.identifier);
  randombytes_buf (fixture->initial_secret, sizeof fixture->initial_secret);
}

static void
fixture_teardown (Fixture      *fixture,
                  gconstpointer user_data)
{
  sodium_memzero (fixture, sizeof *fixture);
}

/* The key each hop derives for itself when the packet reaches it. */
static void
hop_payload_key (const uint8_t  secret[32],
                 const uint8_t *packet,
                 uint16_t       version,
                 uint8_t        key[NYM_SPHINX_PAYLOAD_KEY_SIZE])
{
  uint8_t shared[32];
  uint8_t expanded[NYM_SPHINX_EXPANDED_SECRET_SIZE];

  g_assert_true (nym_x25519 (shared, secret, packet));
  g_assert_true (nym_sphinx_expand_shared_secret (shared, expanded));
  g_assert_true (nym_sphinx_payload_key_for_version (version, expanded, key));
}

static void
surb_round_trip (Fixture  *fixture,
                 uint16_t  version,
                 size_t    n_hops,
                 size_t    payload_size)
{
  size_t surb_len = nym_sphinx_surb_size (version, n_hops);
  size_t packet_len = NYM_SPHINX_HEADER_SIZE + payload_size;
  size_t message_len = payload_size - NYM_SPHINX_PAYLOAD_OVERHEAD;
  g_autofree uint8_t *bytes = g_malloc (surb_len);
  g_autofree uint8_t *again = g_malloc (surb_len);
  g_autofree uint8_t *message = g_malloc (message_len);
  g_autofree uint8_t *packet = g_malloc (packet_len);
  g_autofree uint8_t *out = g_malloc (packet_len);
  g_autofree uint8_t *direct = NULL;
  uint8_t keys[NYM_SPHINX_MAX_PATH_LENGTH][NYM_SPHINX_PAYLOAD_KEY_SIZE];
  uint8_t first_hop[NYM_SPHINX_NODE_ADDRESS_LENGTH];
  NymSphinxSurb surb;
  size_t again_len = 0;
  size_t offset;
  size_t len;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (surb_len, ==, 348 + 32 + n_hops * (version == 259 ? 16 : 192));
  g_assert_true (nym_sphinx_surb_create (version, fixture->route.nodes, n_hops, &fixture->destination,
                                         fixture->route.delays, fixture->initial_secret,
                                         bytes, surb_len, keys, &error));
  g_assert_no_error (error);

  /* Serialisation: header ‖ first hop ‖ key material, parsed back to the same bytes. */
  g_assert_true (nym_sphinx_surb_parse (bytes, surb_len, &surb, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (surb.n_hops, ==, n_hops);
  g_assert_cmpint (surb.uses_seeds, ==, version == 259);
  g_assert_cmpmem (surb.first_hop_address, 32, fixture->route.nodes[0].address, 32);
  g_assert_true (nym_sphinx_surb_serialize (&surb, again, surb_len, &again_len, &error));
  g_assert_cmpmem (again, again_len, bytes, surb_len);

  /* The replier's packet goes to the first hop and through every hop to the creator. */
  randombytes_buf (message, message_len);
  g_assert_true (nym_sphinx_surb_use (&surb, message, message_len, payload_size, packet,
                                      first_hop, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (first_hop, 32, fixture->route.nodes[0].address, 32);
  g_assert_cmpmem (packet, NYM_SPHINX_HEADER_SIZE, bytes, NYM_SPHINX_HEADER_SIZE);
  direct = g_memdup2 (packet, packet_len);

  for (size_t i = 0; i < n_hops; i++)
    {
      NymSphinxUnwrapped result;
      uint8_t key[NYM_SPHINX_PAYLOAD_KEY_SIZE];

      /* The keys the creator kept are the keys the hops use. */
      hop_payload_key (fixture->route.secrets[i], packet, version, key);
      g_assert_cmpmem (key, sizeof key, keys[i], sizeof key);

      g_assert_true (nym_sphinx_packet_unwrap (fixture->route.secrets[i], packet, packet_len,
                                               out, &result, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (result.version, ==, version);
      if (i + 1 < n_hops)
        {
          g_assert_cmpint (result.kind, ==, NYM_SPHINX_HOP_FORWARD);
          g_assert_cmpmem (result.next_hop_address, 32, fixture->route.nodes[i + 1].address, 32);
          g_assert_cmpuint (result.delay_ns, ==, fixture->route.delays[i]);
          memcpy (packet, out, packet_len);
        }
      else
        {
          g_assert_cmpint (result.kind, ==, NYM_SPHINX_HOP_FINAL);
          g_assert_cmpmem (result.destination, 32, fixture->destination.address, 32);
          g_assert_cmpmem (result.surb_identifier, 16, fixture->destination.identifier, 16);
          g_assert_cmpmem (result.message, result.message_len, message, message_len);
        }
    }

  /* The creator can also open the reply's payload itself with the keys it kept. */
  g_assert_true (nym_sphinx_payload_unwrap_layers ((const uint8_t (*)[NYM_SPHINX_PAYLOAD_KEY_SIZE]) keys,
                                                   n_hops, direct + NYM_SPHINX_HEADER_SIZE,
                                                   payload_size, &error));
  g_assert_true (nym_sphinx_payload_recover (direct + NYM_SPHINX_HEADER_SIZE, payload_size,
                                             &offset, &len, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (direct + NYM_SPHINX_HEADER_SIZE + offset, len, message, message_len);

  nym_sphinx_surb_clear (&surb);
  sodium_memzero (keys, sizeof keys);
}

static void
test_surb_round_trip (Fixture      *fixture,
                      gconstpointer user_data)
{
  static const uint16_t versions[] = { 258, 259 };
  static const size_t payload_sizes[] = { 38, 2065, 8209 };

  for (size_t v = 0; v < G_N_ELEMENTS (versions); v++)
    for (size_t n = 1; n <= NYM_SPHINX_MAX_PATH_LENGTH; n++)
      for (size_t s = 0; s < G_N_ELEMENTS (payload_sizes); s++)
        {
          randombytes_buf (fixture->initial_secret, 32);
          surb_round_trip (fixture, versions[v], n, payload_sizes[s]);
        }
}

static void
assert_parse_fails (const uint8_t *bytes,
                    size_t         len)
{
  NymSphinxSurb surb;
  NymSphinxSurb untouched;
  g_autoptr(GError) error = NULL;

  memset (&surb, 0x5a, sizeof surb);
  memcpy (&untouched, &surb, sizeof surb);
  g_assert_false (nym_sphinx_surb_parse (bytes, len, &surb, &error));
  g_assert_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_SURB);
  g_assert_cmpmem (&surb, sizeof surb, &untouched, sizeof untouched);
}

/* §11 parser rule: fewer than 192 bytes of key material are seeds (multiples of 16), more
 * are full keys (multiples of 192), 1 to 5 of either. */
static void
test_surb_parse_bad_input (void)
{
  g_autofree uint8_t *bytes = g_malloc0 (380 + 6 * 192 + 1);
  NymSphinxSurb surb;

  randombytes_buf (bytes, 380 + 6 * 192 + 1);
  assert_parse_fails (bytes, 0);
  assert_parse_fails (bytes, 347);
  assert_parse_fails (bytes, 380);
  assert_parse_fails (bytes, 380 + 15);
  assert_parse_fails (bytes, 380 + 17);
  assert_parse_fails (bytes, 380 + 6 * 16);
  assert_parse_fails (bytes, 380 + 191 + 0 * 16);
  assert_parse_fails (bytes, 380 + 192 + 16);
  assert_parse_fails (bytes, 380 + 193);
  assert_parse_fails (bytes, 380 + 6 * 192);

  /* The edges that are valid. */
  g_assert_true (nym_sphinx_surb_parse (bytes, 380 + 16, &surb, NULL));
  g_assert_true (surb.uses_seeds);
  g_assert_cmpuint (surb.n_hops, ==, 1);
  g_assert_true (nym_sphinx_surb_parse (bytes, 380 + 5 * 16, &surb, NULL));
  g_assert_cmpuint (surb.n_hops, ==, 5);
  g_assert_true (nym_sphinx_surb_parse (bytes, 380 + 192, &surb, NULL));
  g_assert_false (surb.uses_seeds);
  g_assert_cmpuint (surb.n_hops, ==, 1);
  g_assert_cmpmem (surb.key_material[0], 192, bytes + 380, 192);
  g_assert_true (nym_sphinx_surb_parse (bytes, 380 + 5 * 192, &surb, NULL));
  g_assert_cmpuint (surb.n_hops, ==, 5);
  g_assert_cmpmem (surb.header, 348, bytes, 348);
  g_assert_cmpmem (surb.first_hop_address, 32, bytes + 348, 32);
  nym_sphinx_surb_clear (&surb);
}

static void
test_surb_bad_create_and_use (Fixture      *fixture,
                              gconstpointer user_data)
{
  uint8_t bytes[380 + 5 * 192];
  uint8_t keys[NYM_SPHINX_MAX_PATH_LENGTH][NYM_SPHINX_PAYLOAD_KEY_SIZE];
  uint8_t packet[348 + 2065];
  uint8_t message[2049] = { 0 };
  uint8_t first_hop[32];
  uint8_t serialized[100];
  size_t serialized_len = 0;
  NymSphinxSurb surb;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (nym_sphinx_surb_size (257, 4), ==, 0);
  g_assert_cmpuint (nym_sphinx_surb_size (259, 0), ==, 0);
  g_assert_cmpuint (nym_sphinx_surb_size (259, 6), ==, 0);
  g_assert_cmpuint (nym_sphinx_surb_size (259, 4), ==, 444);
  g_assert_cmpuint (nym_sphinx_surb_size (258, 4), ==, 1148);

  g_assert_false (nym_sphinx_surb_create (257, fixture->route.nodes, 4, &fixture->destination,
                                          fixture->route.delays, fixture->initial_secret,
                                          bytes, 444, keys, &error));
  g_assert_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_VERSION);
  g_clear_error (&error);
  g_assert_false (nym_sphinx_surb_create (259, fixture->route.nodes, 0, &fixture->destination,
                                          fixture->route.delays, fixture->initial_secret,
                                          bytes, 380, keys, &error));
  g_assert_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_ROUTE);
  g_clear_error (&error);
  g_assert_false (nym_sphinx_surb_create (259, fixture->route.nodes, 4, &fixture->destination,
                                          fixture->route.delays, fixture->initial_secret,
                                          bytes, 443, keys, &error));
  g_assert_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_LENGTH);
  g_clear_error (&error);

  g_assert_true (nym_sphinx_surb_create (259, fixture->route.nodes, 4, &fixture->destination,
                                         fixture->route.delays, fixture->initial_secret,
                                         bytes, 444, keys, &error));
  g_assert_true (nym_sphinx_surb_parse (bytes, 444, &surb, &error));
  g_assert_false (nym_sphinx_surb_use (&surb, message, sizeof message, 2065, packet, first_hop, &error));
  g_assert_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_MESSAGE_TOO_LONG);
  g_clear_error (&error);
  g_assert_false (nym_sphinx_surb_use (&surb, message, 10, 32, packet, first_hop, &error));
  g_assert_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_LENGTH);
  g_clear_error (&error);

  g_assert_false (nym_sphinx_surb_serialize (&surb, serialized, sizeof serialized, &serialized_len, &error));
  g_assert_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_LENGTH);
  g_clear_error (&error);
  surb.n_hops = 0;
  g_assert_false (nym_sphinx_surb_serialize (&surb, bytes, sizeof bytes, &serialized_len, &error));
  g_assert_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_SURB);
  g_clear_error (&error);
  g_assert_false (nym_sphinx_surb_use (&surb, message, 10, 2065, packet, first_hop, &error));
  g_assert_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_SURB);
  g_assert_cmpuint (serialized_len, ==, 0);
  nym_sphinx_surb_clear (&surb);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (nym_core_init ());
  g_test_add ("/sphinx/surb/round-trip", Fixture, NULL,
              fixture_setup, test_surb_round_trip, fixture_teardown);
  g_test_add ("/sphinx/surb/bad-create-and-use", Fixture, NULL,
              fixture_setup, test_surb_bad_create_and_use, fixture_teardown);
  g_test_add_func ("/sphinx/surb/parse-bad-input", test_surb_parse_bad_input);
  return g_test_run ();
}
