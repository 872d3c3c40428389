/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Tests of Sphinx packet creation and unwrapping: round trips, every kind of bad input, replay tags. */
#include "nym-core.h"
#include "crypto/nym-keys.h"
#include "sphinx/nym-sphinx-header.h"
#include "sphinx/nym-sphinx-keys.h"
#include "sphinx/nym-sphinx-packet.h"
#include "sphinx/nym-sphinx-payload.h"
#include "sphinx-test-util.h"

/* The payload sizes of every PacketSize of nym-packet.md §13 (Ack, Regular, Extended8,
 * Extended16, Extended32). */
static const size_t payload_sizes[] = { 38, 2065, 8209, 16401, 32785 };

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
  randombytes_buf (fixture->destination.identifier, sizeof fixture->destination.identifier);
  randombytes_buf (fixture->initial_secret, sizeof fixture->initial_secret);
}

static void
fixture_teardown (Fixture      *fixture,
                  gconstpointer user_data)
{
  sodium_memzero (fixture, sizeof *fixture);
}

static uint8_t *
create_packet (Fixture       *fixture,
               uint16_t       version,
               size_t         n_hops,
               const uint8_t *message,
               size_t         message_len,
               size_t         payload_size)
{
  uint8_t *packet = g_malloc (NYM_SPHINX_HEADER_SIZE + payload_size);
  g_autoptr(GError) error = NULL;

  g_assert_true (nym_sphinx_packet_create (version, fixture->route.nodes, n_hops,
                                           &fixture->destination, fixture->route.delays,
                                           fixture->initial_secret, message, message_len,
                                           payload_size, packet, &error));
  g_assert_no_error (error);
  return packet;
}

/* Sends a packet through every hop and checks what each hop learns; returns the message
 * the final hop recovered. */
static GBytes *
unwrap_all (Fixture       *fixture,
            uint16_t       version,
            size_t         n_hops,
            const uint8_t *packet,
            size_t         packet_len)
{
  g_autofree uint8_t *current = g_memdup2 (packet, packet_len);
  g_autofree uint8_t *out = g_malloc (packet_len);

  for (size_t i = 0; i < n_hops; i++)
    {
      g_autofree uint8_t *before = g_memdup2 (current, packet_len);
      NymSphinxUnwrapped result;
      g_autoptr(GError) error = NULL;

      g_assert_true (nym_sphinx_packet_unwrap (fixture->route.secrets[i], current, packet_len,
                                               out, &result, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (current, packet_len, before, packet_len);
      g_assert_cmpuint (result.version, ==, version);
      if (i + 1 < n_hops)
        {
          g_assert_cmpint (result.kind, ==, NYM_SPHINX_HOP_FORWARD);
          g_assert_cmpmem (result.next_hop_address, 32, fixture->route.nodes[i + 1].address, 32);
          g_assert_cmpuint (result.delay_ns, ==, fixture->route.delays[i]);
          memcpy (current, out, packet_len);
        }
      else
        {
          g_assert_cmpint (result.kind, ==, NYM_SPHINX_HOP_FINAL);
          g_assert_cmpmem (result.destination, 32, fixture->destination.address, 32);
          g_assert_cmpmem (result.surb_identifier, 16, fixture->destination.identifier, 16);
          return g_bytes_new (result.message, result.message_len);
        }
    }
  g_assert_not_reached ();
  return NULL;
}

/* 1..5 hops, both versions, every packet size, the largest message each size holds. */
static void
test_packet_round_trip (Fixture      *fixture,
                        gconstpointer user_data)
{
  static const uint16_t versions[] = { 258, 259 };

  for (size_t v = 0; v < G_N_ELEMENTS (versions); v++)
    for (size_t n = 1; n <= NYM_SPHINX_MAX_PATH_LENGTH; n++)
      for (size_t s = 0; s < G_N_ELEMENTS (payload_sizes); s++)
        {
          size_t payload_size = payload_sizes[s];
          size_t message_len = payload_size - NYM_SPHINX_PAYLOAD_OVERHEAD;
          g_autofree uint8_t *message = g_malloc (message_len);
          g_autofree uint8_t *packet = NULL;
          g_autoptr(GBytes) received = NULL;

          randombytes_buf (message, message_len);
          randombytes_buf (fixture->initial_secret, 32);
          packet = create_packet (fixture, versions[v], n, message, message_len, payload_size);
          received = unwrap_all (fixture, versions[v], n, packet, NYM_SPHINX_HEADER_SIZE + payload_size);
          g_assert_cmpmem (g_bytes_get_data (received, NULL), g_bytes_get_size (received),
                           message, message_len);
        }
}

/* Shorter messages are padded 0x01 ‖ 0x00…; messages may themselves end in 0x01 or 0x00. */
static void
test_packet_message_lengths (Fixture      *fixture,
                             gconstpointer user_data)
{
  static const size_t lengths[] = { 0, 1, 15, 16, 17, 100, 2047 };
  const size_t payload_size = 2065;

  for (size_t l = 0; l < G_N_ELEMENTS (lengths); l++)
    for (int fill = 0; fill < 3; fill++)
      {
        g_autofree uint8_t *message = g_malloc (lengths[l] + 1);
        g_autofree uint8_t *packet = NULL;
        g_autoptr(GBytes) received = NULL;

        if (fill == 0)
          randombytes_buf (message, lengths[l]);
        else
          memset (message, fill == 1 ? 0x01 : 0x00, lengths[l]);
        packet = create_packet (fixture, 259, 3, message, lengths[l], payload_size);
        received = unwrap_all (fixture, 259, 3, packet, NYM_SPHINX_HEADER_SIZE + payload_size);
        g_assert_cmpmem (g_bytes_get_data (received, NULL), g_bytes_get_size (received),
                         message, lengths[l]);
      }
}

/* The payload keys returned to the sender are the hops' keys: removing them in route order
 * recovers the message without any hop. */
static void
test_packet_keys_open_payload (Fixture      *fixture,
                               gconstpointer user_data)
{
  static const uint16_t versions[] = { 258, 259 };

  for (size_t v = 0; v < G_N_ELEMENTS (versions); v++)
    {
      uint8_t message[100];
      uint8_t packet[NYM_SPHINX_HEADER_SIZE + 2065];
      uint8_t keys[NYM_SPHINX_MAX_PATH_LENGTH][NYM_SPHINX_PAYLOAD_KEY_SIZE];
      size_t offset;
      size_t len;
      g_autoptr(GError) error = NULL;

      randombytes_buf (message, sizeof message);
      g_assert_true (nym_sphinx_packet_create_with_keys (versions[v], fixture->route.nodes, 4,
                                                         &fixture->destination, fixture->route.delays,
                                                         fixture->initial_secret, message,
                                                         sizeof message, 2065, packet, keys, &error));
      g_assert_no_error (error);
      g_assert_true (nym_sphinx_payload_unwrap_layers ((const uint8_t (*)[NYM_SPHINX_PAYLOAD_KEY_SIZE]) keys,
                                                       4, packet + NYM_SPHINX_HEADER_SIZE, 2065, &error));
      g_assert_true (nym_sphinx_payload_recover (packet + NYM_SPHINX_HEADER_SIZE, 2065,
                                                 &offset, &len, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (packet + NYM_SPHINX_HEADER_SIZE + offset, len, message, sizeof message);
    }
}

/* The initial secret is the only randomness: equal inputs give equal packets. */
static void
test_packet_deterministic (Fixture      *fixture,
                           gconstpointer user_data)
{
  const uint8_t message[] = "deterministic";
  g_autofree uint8_t *first = create_packet (fixture, 259, 4, message, sizeof message, 2065);
  g_autofree uint8_t *second = create_packet (fixture, 259, 4, message, sizeof message, 2065);
  g_autofree uint8_t *third = NULL;

  g_assert_cmpmem (first, NYM_SPHINX_HEADER_SIZE + 2065, second, NYM_SPHINX_HEADER_SIZE + 2065);
  fixture->initial_secret[0] ^= 0x80;
  third = create_packet (fixture, 259, 4, message, sizeof message, 2065);
  g_assert_true (memcmp (first, third, NYM_SPHINX_HEADER_SIZE) != 0);
}

static void
assert_unwrap_fails (const uint8_t secret[32],
                     const uint8_t *packet,
                     size_t         packet_len,
                     int            code)
{
  g_autofree uint8_t *copy = g_memdup2 (packet, packet_len ? packet_len : 1);
  g_autofree uint8_t *out = g_malloc (packet_len ? packet_len : 1);
  NymSphinxUnwrapped result;
  g_autoptr(GError) error = NULL;

  memset (out, 0xaa, packet_len);
  g_assert_false (nym_sphinx_packet_unwrap (secret, packet, packet_len, out, &result, &error));
  g_assert_error (error, NYM_SPHINX_ERROR, code);
  g_assert_nonnull (error->message);
  g_assert_cmpmem (packet, packet_len, copy, packet_len);
  /* Nothing half-processed is left in the output buffer. */
  if (code != NYM_SPHINX_ERROR_BAD_LENGTH)
    for (size_t i = 0; i < packet_len; i++)
      g_assert_cmpuint (out[i], ==, 0);
}

/* Every header byte is covered by the MAC, directly (γ, β) or through the shared secret (α). */
static void
test_packet_mac_every_header_byte (Fixture      *fixture,
                                   gconstpointer user_data)
{
  const uint8_t message[] = "flip me";
  const size_t packet_len = NYM_SPHINX_HEADER_SIZE + 2065;
  g_autofree uint8_t *packet = create_packet (fixture, 259, 4, message, sizeof message, 2065);

  for (size_t i = 0; i < NYM_SPHINX_HEADER_SIZE; i++)
    {
      packet[i] ^= 0xff;
      assert_unwrap_fails (fixture->route.secrets[0], packet, packet_len, NYM_SPHINX_ERROR_BAD_MAC);
      packet[i] ^= 0xff;
    }

  /* A hop with the wrong key sees a bad MAC too. */
  assert_unwrap_fails (fixture->route.secrets[1], packet, packet_len, NYM_SPHINX_ERROR_BAD_MAC);
  /* An α of small order gives no shared secret at all. */
  memset (packet, 0, 32);
  assert_unwrap_fails (fixture->route.secrets[0], packet, packet_len, NYM_SPHINX_ERROR_BAD_KEY);
}

/* X25519 ignores the top bit of a u-coordinate, so α with bit 255 flipped is the same α to
 * every hop: it unwraps, and carries the same replay tag, so a replay filter catches it. */
static void
test_packet_alpha_top_bit (Fixture      *fixture,
                           gconstpointer user_data)
{
  const uint8_t message[] = "top bit";
  const size_t packet_len = NYM_SPHINX_HEADER_SIZE + 2065;
  g_autofree uint8_t *packet = create_packet (fixture, 259, 2, message, sizeof message, 2065);
  g_autofree uint8_t *out1 = g_malloc (packet_len);
  g_autofree uint8_t *out2 = g_malloc (packet_len);
  NymSphinxUnwrapped first;
  NymSphinxUnwrapped second;

  g_assert_true (nym_sphinx_packet_unwrap (fixture->route.secrets[0], packet, packet_len, out1, &first, NULL));
  packet[31] ^= 0x80;
  g_assert_true (nym_sphinx_packet_unwrap (fixture->route.secrets[0], packet, packet_len, out2, &second, NULL));
  g_assert_cmpmem (first.replay_tag, 32, second.replay_tag, 32);
  g_assert_cmpmem (out1, packet_len, out2, packet_len);
}

/* The payload is not under the header MAC; a change shows at the final hop as bad padding. */
static void
test_packet_payload_tampering (Fixture      *fixture,
                               gconstpointer user_data)
{
  const uint8_t message[] = "payload";
  const size_t packet_len = NYM_SPHINX_HEADER_SIZE + 2065;
  g_autofree uint8_t *packet = create_packet (fixture, 259, 1, message, sizeof message, 2065);

  packet[NYM_SPHINX_HEADER_SIZE + 1000] ^= 0x01;
  assert_unwrap_fails (fixture->route.secrets[0], packet, packet_len, NYM_SPHINX_ERROR_BAD_PADDING);
  packet[NYM_SPHINX_HEADER_SIZE + 1000] ^= 0x01;

  /* One byte less is a valid length with a different LIONESS block: the padding breaks. */
  assert_unwrap_fails (fixture->route.secrets[0], packet, packet_len - 1, NYM_SPHINX_ERROR_BAD_PADDING);
}

static void
test_packet_bad_lengths (Fixture      *fixture,
                         gconstpointer user_data)
{
  g_autofree uint8_t *big = g_malloc0 (NYM_SPHINX_MAX_PACKET_SIZE + 1);
  const uint8_t message[] = "length";
  g_autofree uint8_t *packet = create_packet (fixture, 259, 2, message, sizeof message, 2065);

  memcpy (big, packet, NYM_SPHINX_HEADER_SIZE + 2065);
  assert_unwrap_fails (fixture->route.secrets[0], packet, 0, NYM_SPHINX_ERROR_BAD_LENGTH);
  assert_unwrap_fails (fixture->route.secrets[0], packet, NYM_SPHINX_HEADER_SIZE, NYM_SPHINX_ERROR_BAD_LENGTH);
  assert_unwrap_fails (fixture->route.secrets[0], packet, NYM_SPHINX_MIN_PACKET_SIZE - 1,
                       NYM_SPHINX_ERROR_BAD_LENGTH);
  assert_unwrap_fails (fixture->route.secrets[0], big, NYM_SPHINX_MAX_PACKET_SIZE + 1,
                       NYM_SPHINX_ERROR_BAD_LENGTH);
}

static void
assert_create_fails (Fixture       *fixture,
                     uint16_t       version,
                     size_t         n_hops,
                     size_t         message_len,
                     size_t         payload_size,
                     int            code)
{
  g_autofree uint8_t *message = g_malloc0 (message_len + 1);
  g_autofree uint8_t *packet = g_malloc (NYM_SPHINX_HEADER_SIZE + payload_size + 1);
  g_autoptr(GError) error = NULL;

  g_assert_false (nym_sphinx_packet_create (version, fixture->route.nodes, n_hops,
                                            &fixture->destination, fixture->route.delays,
                                            fixture->initial_secret, message, message_len,
                                            payload_size, packet, &error));
  g_assert_error (error, NYM_SPHINX_ERROR, code);
}

static void
test_packet_bad_create (Fixture      *fixture,
                        gconstpointer user_data)
{
  assert_create_fails (fixture, 259, 0, 10, 2065, NYM_SPHINX_ERROR_BAD_ROUTE);
  assert_create_fails (fixture, 259, 6, 10, 2065, NYM_SPHINX_ERROR_BAD_ROUTE);
  assert_create_fails (fixture, 257, 4, 10, 2065, NYM_SPHINX_ERROR_BAD_VERSION);
  assert_create_fails (fixture, 260, 4, 10, 2065, NYM_SPHINX_ERROR_BAD_VERSION);
  assert_create_fails (fixture, 259, 4, 2049, 2065, NYM_SPHINX_ERROR_MESSAGE_TOO_LONG);
  assert_create_fails (fixture, 259, 4, 10, 32, NYM_SPHINX_ERROR_BAD_LENGTH);
  assert_create_fails (fixture, 259, 4, 10, NYM_SPHINX_MAX_PAYLOAD_SIZE + 1, NYM_SPHINX_ERROR_BAD_LENGTH);

  {
    uint8_t packet[NYM_SPHINX_HEADER_SIZE + 38];
    g_autoptr(GError) error = NULL;

    g_assert_false (nym_sphinx_packet_create (259, fixture->route.nodes, 4, NULL, fixture->route.delays,
                                              fixture->initial_secret, (const uint8_t *) "x", 1, 38,
                                              packet, &error));
    g_assert_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_ROUTE);
    g_clear_error (&error);
    g_assert_false (nym_sphinx_packet_create (259, fixture->route.nodes, 4, &fixture->destination, NULL,
                                              fixture->initial_secret, (const uint8_t *) "x", 1, 38,
                                              packet, &error));
    g_assert_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_BAD_ROUTE);
  }
}

/* Re-encrypts a one-hop header after changing bytes of its routing block, with a valid MAC,
 * so that the hop gets past the MAC and must reject the content itself. */
static void
forge_routing_block (Fixture *fixture,
                     uint8_t *packet,
                     size_t   offset,
                     uint8_t  xor_mask)
{
  uint8_t expanded[1][NYM_SPHINX_EXPANDED_SECRET_SIZE];
  uint8_t alpha0[32];
  uint8_t *beta = packet + NYM_SPHINX_ALPHA_SIZE + NYM_SPHINX_MAC_SIZE;

  g_assert_true (nym_sphinx_derive_hop_secrets (fixture->route.nodes, 1, fixture->initial_secret,
                                                alpha0, expanded, NULL));
  g_assert_cmpmem (alpha0, 32, packet, 32);
  beta[offset] ^= xor_mask;
  g_assert_true (nym_sphinx_header_mac (expanded[0] + NYM_SPHINX_MAC_KEY_OFFSET, beta,
                                        packet + NYM_SPHINX_ALPHA_SIZE));
}

static void
test_packet_unknown_flag_and_version (Fixture      *fixture,
                                      gconstpointer user_data)
{
  const uint8_t message[] = "forged";
  const size_t packet_len = NYM_SPHINX_HEADER_SIZE + 2065;
  struct
  {
    size_t  offset;
    uint8_t mask;
    int     code;
  } cases[] = {
    { 0, 0x02 ^ 0x03, NYM_SPHINX_ERROR_UNKNOWN_FLAG },   /* flag 3 */
    { 0, 0x02, NYM_SPHINX_ERROR_UNKNOWN_FLAG },          /* flag 0 */
    { 3, 0x03 ^ 0x04, NYM_SPHINX_ERROR_BAD_VERSION },    /* 260 */
    { 3, 0x03 ^ 0x01, NYM_SPHINX_ERROR_BAD_VERSION },    /* 257 (legacy) */
    { 2, 0x01, NYM_SPHINX_ERROR_BAD_VERSION },           /* 3 */
    { 1, 0x01, NYM_SPHINX_ERROR_BAD_VERSION },           /* first version byte not zero */
  };

  for (size_t c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autofree uint8_t *packet = create_packet (fixture, 259, 1, message, sizeof message, 2065);

      forge_routing_block (fixture, packet, cases[c].offset, cases[c].mask);
      assert_unwrap_fails (fixture->route.secrets[0], packet, packet_len, cases[c].code);
    }

  /* The forging itself is sound: turning 259 into 258 gives a header that verifies and
   * parses (its payload was encrypted with the other key, so the padding check fails). */
  {
    g_autofree uint8_t *packet = create_packet (fixture, 259, 1, message, sizeof message, 2065);

    forge_routing_block (fixture, packet, 3, 0x03 ^ 0x02);
    assert_unwrap_fails (fixture->route.secrets[0], packet, packet_len, NYM_SPHINX_ERROR_BAD_PADDING);
  }
}

/* The replay tag is a function of the packet and the node key: a re-sent packet has the
 * same tag, other packets and other hops have other tags. */
static void
test_packet_replay_tag (Fixture      *fixture,
                        gconstpointer user_data)
{
  const uint8_t message[] = "replay";
  const size_t packet_len = NYM_SPHINX_HEADER_SIZE + 2065;
  g_autofree uint8_t *packet = create_packet (fixture, 259, 3, message, sizeof message, 2065);
  g_autofree uint8_t *resent = g_memdup2 (packet, packet_len);
  g_autofree uint8_t *other = NULL;
  g_autofree uint8_t *out = g_malloc (packet_len);
  g_autofree uint8_t *out2 = g_malloc (packet_len);
  NymSphinxUnwrapped first;
  NymSphinxUnwrapped again;
  NymSphinxUnwrapped different;
  NymSphinxUnwrapped next_hop;

  g_assert_true (nym_sphinx_packet_unwrap (fixture->route.secrets[0], packet, packet_len, out, &first, NULL));
  g_assert_true (nym_sphinx_packet_unwrap (fixture->route.secrets[0], resent, packet_len, out2, &again, NULL));
  g_assert_cmpmem (first.replay_tag, 32, again.replay_tag, 32);
  g_assert_cmpmem (out, packet_len, out2, packet_len);

  g_assert_true (nym_sphinx_packet_unwrap (fixture->route.secrets[1], out, packet_len, out2, &next_hop, NULL));
  g_assert_true (memcmp (first.replay_tag, next_hop.replay_tag, 32) != 0);

  randombytes_buf (fixture->initial_secret, 32);
  other = create_packet (fixture, 259, 3, message, sizeof message, 2065);
  g_assert_true (nym_sphinx_packet_unwrap (fixture->route.secrets[0], other, packet_len, out, &different, NULL));
  g_assert_true (memcmp (first.replay_tag, different.replay_tag, 32) != 0);
}

static void
assert_recover_fails (const uint8_t *payload,
                      size_t         len,
                      int            code)
{
  size_t offset = 7;
  size_t message_len = 7;
  g_autoptr(GError) error = NULL;

  g_assert_false (nym_sphinx_payload_recover (payload, len, &offset, &message_len, &error));
  g_assert_error (error, NYM_SPHINX_ERROR, code);
  g_assert_cmpuint (offset, ==, 7);
  g_assert_cmpuint (message_len, ==, 7);
}

/* §9 recovery: 16 zero bytes, then the message up to the last 0x01. */
static void
test_packet_payload_recover (void)
{
  uint8_t payload[64] = { 0 };
  size_t offset;
  size_t len;

  assert_recover_fails (payload, sizeof payload, NYM_SPHINX_ERROR_BAD_PADDING);
  assert_recover_fails (payload, 16, NYM_SPHINX_ERROR_BAD_LENGTH);
  payload[20] = 0x01;
  payload[30] = 0x01;
  g_assert_true (nym_sphinx_payload_recover (payload, sizeof payload, &offset, &len, NULL));
  g_assert_cmpuint (offset, ==, 16);
  g_assert_cmpuint (len, ==, 14);
  payload[16] = 0x01;
  payload[20] = payload[30] = 0;
  g_assert_true (nym_sphinx_payload_recover (payload, sizeof payload, &offset, &len, NULL));
  g_assert_cmpuint (len, ==, 0);
  payload[15] = 0x01;
  assert_recover_fails (payload, sizeof payload, NYM_SPHINX_ERROR_BAD_PADDING);
}

/* §9 layout, built in place: a message already sitting in the payload buffer (where it
 * belongs, or shifted) is padded correctly. */
static void
test_packet_payload_in_place (void)
{
  uint8_t payload[64];
  uint8_t expected[64] = { 0 };
  uint8_t message[20];
  size_t offset;
  size_t len;
  g_autoptr(GError) error = NULL;

  randombytes_buf (message, sizeof message);
  memcpy (expected + 16, message, sizeof message);
  expected[16 + sizeof message] = 0x01;
  for (size_t start = 0; start <= 40; start += 8)
    {
      memset (payload, 0xee, sizeof payload);
      memcpy (payload + start, message, sizeof message);
      g_assert_true (nym_sphinx_payload_encapsulate (payload + start, sizeof message, NULL, 0,
                                                     payload, sizeof payload, &error));
      g_assert_no_error (error);
      g_assert_cmpmem (payload, sizeof payload, expected, sizeof expected);
      g_assert_true (nym_sphinx_payload_recover (payload, sizeof payload, &offset, &len, &error));
      g_assert_cmpmem (payload + offset, len, message, sizeof message);
    }
  g_assert_false (nym_sphinx_payload_encapsulate (NULL, 5, NULL, 0, payload, sizeof payload, &error));
  g_assert_error (error, NYM_SPHINX_ERROR, NYM_SPHINX_ERROR_MESSAGE_TOO_LONG);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (nym_core_init ());
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/sphinx/packet/round-trip", test_packet_round_trip);
  ADD ("/sphinx/packet/message-lengths", test_packet_message_lengths);
  ADD ("/sphinx/packet/keys-open-payload", test_packet_keys_open_payload);
  ADD ("/sphinx/packet/deterministic", test_packet_deterministic);
  ADD ("/sphinx/packet/mac-every-header-byte", test_packet_mac_every_header_byte);
  ADD ("/sphinx/packet/alpha-top-bit", test_packet_alpha_top_bit);
  ADD ("/sphinx/packet/payload-tampering", test_packet_payload_tampering);
  ADD ("/sphinx/packet/bad-lengths", test_packet_bad_lengths);
  ADD ("/sphinx/packet/bad-create", test_packet_bad_create);
  ADD ("/sphinx/packet/unknown-flag-and-version", test_packet_unknown_flag_and_version);
  ADD ("/sphinx/packet/replay-tag", test_packet_replay_tag);
#undef ADD
  g_test_add_func ("/sphinx/packet/payload-recover", test_packet_payload_recover);
  g_test_add_func ("/sphinx/packet/payload-in-place", test_packet_payload_in_place);
  return g_test_run ();
}
