/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs "nymph-cli mixnet inspect" as a child process on an address, framed real-client packets and a real reply SURB. */
#include <glib.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/wait.h>

static const char *cli_path;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Result;

static void
result_clear (Result *result)
{
  g_clear_pointer (&result->out, g_free);
  g_clear_pointer (&result->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Result, result_clear)

static void
run (Result     *result,
     const char *kind,
     const char *value)
{
  const char *argv[] = { cli_path, "mixnet", "inspect", kind, value, NULL };
  g_autoptr(GError) error = NULL;
  int wait_status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &result->out, &result->err,
                &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  result->status = WEXITSTATUS (wait_status);
  g_test_message ("exit %d, stdout: %s, stderr: %s", result->status, result->out, result->err);
}

/* Asserts that "name: value" is one line of the output. */
static void
assert_field (const char *out,
              const char *name,
              const char *value)
{
  g_autofree char *line = g_strdup_printf ("%s: %s\n", name, value);

  if (strstr (out, line) == NULL)
    g_error ("missing line “%s: %s” in:\n%s", name, value, out);
}

static JsonObject *
capture (void)
{
  static JsonParser *parser;
  JsonArray *captures;

  if (parser == NULL)
    {
      g_autofree char *path = g_build_filename (g_getenv ("G_TEST_SRCDIR"), "data", "wasm-client-packets.json", NULL);
      g_autoptr(GError) error = NULL;

      parser = json_parser_new ();
      json_parser_load_from_file (parser, path, &error);
      g_assert_no_error (error);
    }
  captures = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "captures");
  return json_array_get_object_element (captures, 0);
}

static void
test_recipient (void)
{
  g_auto (Result) result = { 0 };
  JsonObject *client = json_object_get_object_member (capture (), "client");

  run (&result, "recipient", json_object_get_string_member (client, "address"));
  g_assert_cmpint (result.status, ==, 0);
  assert_field (result.out, "kind", "recipient");
  assert_field (result.out, "identity_hex", json_object_get_string_member (client, "ed25519_public"));
  assert_field (result.out, "encryption_key_hex", json_object_get_string_member (client, "x25519_public"));
  assert_field (result.out, "gateway_hex", json_object_get_string_member (client, "gateway_ed25519_public"));
}

/* Two real packets framed as a v8 frame (rotation odd) and a v7 frame, back to back. */
static void
test_frames (void)
{
  g_auto (Result) result = { 0 };
  JsonArray *packets = json_object_get_array_member (capture (), "packets");
  JsonObject *first = json_array_get_object_element (packets, 0);
  JsonObject *second = json_array_get_object_element (packets, 1);
  JsonObject *hop0 = json_array_get_object_element (json_object_get_array_member (first, "hops"), 0);
  g_autofree char *hex = g_strconcat ("08010001", json_object_get_string_member (first, "sphinx_packet"),
                                      "070100", json_object_get_string_member (second, "sphinx_packet"), NULL);

  run (&result, "frame", hex);
  g_assert_cmpint (result.status, ==, 0);
  assert_field (result.out, "kind", "node-frame");
  assert_field (result.out, "frame", "0");
  assert_field (result.out, "frame", "1");
  assert_field (result.out, "frame_version", "8");
  assert_field (result.out, "frame_version", "7");
  assert_field (result.out, "packet_size", "regular");
  assert_field (result.out, "packet_len", "2413");
  assert_field (result.out, "key_rotation", "odd");
  assert_field (result.out, "key_rotation", "unknown");
  assert_field (result.out, "alpha", json_object_get_string_member (hop0, "alpha"));
  assert_field (result.out, "header_mac", json_object_get_string_member (hop0, "header_mac"));
  assert_field (result.out, "payload_len", "2065");
}

static void
test_frame_invalid (void)
{
  static const struct
  {
    const char *hex;
    const char *message;
  } cases[] = {
    { "0801", "truncated" },
    { "08010001abcd", "truncated" },
    { "09010000", "version 9" },
    { "08ff0000", "255" },
    { "0801ff00", "packet type" },
    { "0801000", "odd number" },
    { "08zz", "hexadecimal" },
    { "", "No frame" },
  };

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto (Result) result = { 0 };

      run (&result, "frame", cases[i].hex);
      g_assert_cmpint (result.status, ==, 1);
      g_assert_nonnull (strstr (result.err, cases[i].message));
      g_assert_cmpstr (result.out, ==, "");
    }
}

/* The first reply SURB the real client sent, given as key ‖ header ‖ first hop ‖ seeds. */
static void
test_surb (void)
{
  g_auto (Result) result = { 0 };
  JsonObject *message = json_array_get_object_element (json_object_get_array_member (capture (), "messages"), 2);
  JsonObject *surb = json_array_get_object_element (
    json_object_get_array_member (json_object_get_object_member (message, "parsed"), "reply_surbs"), 0);
  JsonArray *material = json_object_get_array_member (surb, "payload_key_material");
  g_autoptr(GString) hex = g_string_new (NULL);
  g_autofree char *alpha = NULL;

  g_string_append (hex, json_object_get_string_member (surb, "surb_key"));
  g_string_append (hex, json_object_get_string_member (surb, "header"));
  g_string_append (hex, json_object_get_string_member (surb, "first_hop_address"));
  for (guint i = 0; i < json_array_get_length (material); i++)
    g_string_append (hex, json_array_get_string_element (material, i));
  run (&result, "surb", hex->str);
  g_assert_cmpint (result.status, ==, 0);
  assert_field (result.out, "kind", "reply-surb");
  assert_field (result.out, "length", "460");
  assert_field (result.out, "hops", "4");
  assert_field (result.out, "first_hop", "127.0.0.1:11791");
  assert_field (result.out, "surb_key", json_object_get_string_member (surb, "surb_key"));
  assert_field (result.out, "surb_key_digest", json_object_get_string_member (surb, "surb_key_digest_blake3"));
  assert_field (result.out, "hop_3_material", json_array_get_string_element (material, 3));
  alpha = g_strndup (json_object_get_string_member (surb, "header"), 64);
  assert_field (result.out, "alpha", alpha);

  /* One byte short of whole seeds is refused. */
  g_string_truncate (hex, hex->len - 2);
  {
    g_auto (Result) bad = { 0 };

    run (&bad, "surb", hex->str);
    g_assert_cmpint (bad.status, ==, 1);
    g_assert_nonnull (strstr (bad.err, "key material"));
  }
}

static void
test_usage (void)
{
  g_auto (Result) bad_kind = { 0 };
  g_auto (Result) bad_recipient = { 0 };

  run (&bad_kind, "packet", "00");
  g_assert_cmpint (bad_kind.status, ==, 2);
  run (&bad_recipient, "recipient", "not-an-address");
  g_assert_cmpint (bad_recipient.status, ==, 1);
  g_assert_nonnull (strstr (bad_recipient.err, "not-an-address"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_assert_cmpint (argc, >=, 2);
  cli_path = argv[1];
  g_test_add_func ("/cli-mixnet/recipient", test_recipient);
  g_test_add_func ("/cli-mixnet/frames", test_frames);
  g_test_add_func ("/cli-mixnet/frame-invalid", test_frame_invalid);
  g_test_add_func ("/cli-mixnet/surb", test_surb);
  g_test_add_func ("/cli-mixnet/usage", test_usage);
  return g_test_run ();
}
