/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Cross-checks the SOCKS handshake parser against curl, an independent SOCKS4/4a/5 client, over 127.0.0.1. */
#include <gio/gio.h>
#include <string.h>

#include "socks5/nym-socks-handshake.h"

/* Where curl is (from meson); empty when it was not found, and then every case is skipped. */
static char *curl_path;

typedef struct
{
  const char         *name;
  const char         *proxy_option;  /* e.g. "--socks5-hostname" */
  const char         *url;
  NymSocksVersion     version;
  NymSocksAddressType address_type;
  const char         *target;        /* what the exit would be asked for */
  bool                refuse;        /* answer "mixnet not ready" instead of success */
} CurlCase;

static const CurlCase cases[] = {
  { "socks5h-domain", "--socks5-hostname", "http://exit-test.invalid:8080/p", NYM_SOCKS_VERSION_5,
    NYM_SOCKS_ADDRESS_DOMAIN, "exit-test.invalid:8080", false },
  { "socks5-ipv4", "--socks5", "http://192.0.2.7:81/p", NYM_SOCKS_VERSION_5, NYM_SOCKS_ADDRESS_IPV4,
    "192.0.2.7:81", false },
  { "socks5h-ipv6", "--socks5-hostname", "http://[2001:db8::1]:8443/p", NYM_SOCKS_VERSION_5,
    NYM_SOCKS_ADDRESS_IPV6, "2001:db8:0:0:0:0:0:1:8443", false },
  { "socks4a-domain", "--socks4a", "http://exit-test.invalid:8080/p", NYM_SOCKS_VERSION_4,
    NYM_SOCKS_ADDRESS_DOMAIN, "exit-test.invalid:8080", false },
  { "socks4-ipv4", "--socks4", "http://192.0.2.7:80/p", NYM_SOCKS_VERSION_4, NYM_SOCKS_ADDRESS_IPV4,
    "192.0.2.7:80", false },
  { "socks5h-not-ready", "--socks5-hostname", "http://exit-test.invalid:8080/p", NYM_SOCKS_VERSION_5,
    NYM_SOCKS_ADDRESS_DOMAIN, "exit-test.invalid:8080", true },
  { "socks4a-not-ready", "--socks4a", "http://exit-test.invalid:8080/p", NYM_SOCKS_VERSION_4,
    NYM_SOCKS_ADDRESS_DOMAIN, "exit-test.invalid:8080", true },
};

static GSocket *
listen_on_loopback (uint16_t *port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, address, TRUE, &error));
  g_assert_true (g_socket_listen (socket, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  /* Nothing here may hang the suite: a client that never comes is an error after 20 s. */
  g_socket_set_timeout (socket, 20);
  return socket;
}

static void
send_all (GSocket       *socket,
          const uint8_t *data,
          size_t         len)
{
  size_t sent = 0;

  while (sent < len)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_send (socket, (const char *) data + sent, len - sent, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n, >, 0);
      sent += (size_t) n;
    }
}

static void
test_curl (gconstpointer data)
{
  const CurlCase *test = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GSocket) client = NULL;
  g_autoptr(GSubprocess) curl = NULL;
  g_autoptr(NymSocksHandshake) handshake = nym_socks_handshake_new ();
  g_autoptr(GByteArray) reply = g_byte_array_new ();
  g_autoptr(GString) http = g_string_new (NULL);
  g_autofree char *proxy = NULL;
  g_autofree char *target = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const NymSocksRequest *request;
  NymSocksStep step = NYM_SOCKS_STEP_NEED_MORE;
  uint8_t answer[NYM_SOCKS_REPLY_MAX];
  size_t answer_len;
  uint16_t port;

  if (curl_path == NULL || *curl_path == '\0')
    {
      g_test_skip ("curl was not found");
      return;
    }

  listener = listen_on_loopback (&port);
  proxy = g_strdup_printf ("127.0.0.1:%u", port);
  curl = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           curl_path, "--silent", "--show-error", "--max-time", "20", "--noproxy", "",
                           test->proxy_option, proxy, test->url, NULL);
  g_assert_no_error (error);

  client = g_socket_accept (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_set_timeout (client, 20);

  /* Whatever pieces the kernel hands us, the parser must cope; the method answer (SOCKS5)
   * goes out before the request arrives, or curl would wait for it. */
  while (step == NYM_SOCKS_STEP_NEED_MORE)
    {
      uint8_t buffer[512];
      gssize n = g_socket_receive (client, (char *) buffer, sizeof buffer, NULL, &error);
      size_t consumed = 0;
      guint before = reply->len;

      g_assert_no_error (error);
      g_assert_cmpint (n, >, 0);
      step = nym_socks_handshake_feed (handshake, buffer, (size_t) n, &consumed, reply, &error);
      g_assert_no_error (error);
      if (reply->len > before)
        send_all (client, reply->data + before, reply->len - before);
      if (step == NYM_SOCKS_STEP_REQUEST)
        g_string_append_len (http, (const char *) buffer + consumed, (gssize) ((size_t) n - consumed));
    }
  g_assert_cmpint (step, ==, NYM_SOCKS_STEP_REQUEST);
  request = nym_socks_handshake_get_request (handshake);
  g_assert_cmpint (request->version, ==, test->version);
  g_assert_cmpint (request->address_type, ==, test->address_type);
  target = nym_socks_request_to_target (request);
  g_assert_cmpstr (target, ==, test->target);

  if (test->refuse)
    {
      answer_len = nym_socks_reply_mixnet_not_ready (request->version, answer);
      send_all (client, answer, answer_len);
      g_socket_close (client, NULL);
      g_assert_true (g_subprocess_communicate_utf8 (curl, NULL, NULL, &out, &err, &error));
      g_assert_no_error (error);
      /* curl reports a proxy failure (exit 97, CURLE_PROXY) and never got any content. */
      g_assert_true (g_subprocess_get_if_exited (curl));
      g_assert_cmpint (g_subprocess_get_exit_status (curl), !=, 0);
      g_assert_cmpstr (out, ==, "");
      g_test_message ("curl: %s", err);
      return;
    }

  answer_len = nym_socks_reply_success (request->version, answer);
  send_all (client, answer, answer_len);
  /* Play the remote end: read the HTTP request curl tunnels, answer it, close. */
  while (strstr (http->str, "\r\n\r\n") == NULL)
    {
      char buffer[512];
      gssize n = g_socket_receive (client, buffer, sizeof buffer, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n, >, 0);
      g_string_append_len (http, buffer, n);
    }
  g_assert_true (g_str_has_prefix (http->str, "GET /p HTTP/1.1\r\n"));
  {
    static const char response[] = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nConnection: close\r\n\r\nthrough nym";

    send_all (client, (const uint8_t *) response, strlen (response));
  }
  g_socket_close (client, NULL);
  g_assert_true (g_subprocess_communicate_utf8 (curl, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpstr (out, ==, "through nym");
  g_assert_true (g_subprocess_get_successful (curl));
}

int
main (int   argc,
      char *argv[])
{
  GOptionEntry entries[] = {
    { "curl", 0, 0, G_OPTION_ARG_STRING, &curl_path, "path of the curl program", "PATH" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;

  g_test_init (&argc, &argv, NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("%s", error->message);

  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/socks/curl/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_curl);
    }
  return g_test_run ();
}
