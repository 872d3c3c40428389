/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The single-role command `nymph-localnet gateway`: one gateway in the foreground. */
#include "localnet-gateway-command.h"

#include <stdio.h>
#include <glib-unix.h>

#include "localnet-gateway.h"

static gboolean
on_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

int
localnet_gateway_command (int    argc,
                          char **argv)
{
  g_autofree char *directory = NULL;
  int ws_port = 0;
  int mix_port = 0;
  GOptionEntry entries[] = {
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &directory, "The gateway's directory (keys, gateway.sqlite)", "DIR" },
    { "ws-port", 0, 0, G_OPTION_ARG_INT, &ws_port, "Client websocket port on 127.0.0.1 (0: any free port)", "PORT" },
    { "mix-port", 0, 0, G_OPTION_ARG_INT, &mix_port, "Mix packet port on 127.0.0.1 (0: any free port)", "PORT" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— run one Nym gateway on 127.0.0.1");
  g_autoptr(GError) error = NULL;
  g_autoptr(LocalnetGateway) gateway = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *ws_url = NULL;
  g_autofree char *mix_address = NULL;
  guint sigint_id, sigterm_id;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "nymph-localnet gateway: %s\n", error->message);
      return 2;
    }
  if (directory == NULL || argc > 1 || ws_port < 0 || ws_port > G_MAXUINT16 ||
      mix_port < 0 || mix_port > G_MAXUINT16)
    {
      fprintf (stderr, "Usage: nymph-localnet gateway --dir DIR [--ws-port PORT] [--mix-port PORT]\n");
      return 2;
    }

  gateway = localnet_gateway_new (directory, (guint16) ws_port, (guint16) mix_port);
  if (!localnet_gateway_start (gateway, &error))
    {
      fprintf (stderr, "nymph-localnet gateway: %s\n", error->message);
      return 1;
    }

  /* One line per fact, so scripts and tests can read them. */
  ws_url = localnet_gateway_dup_ws_url (gateway);
  mix_address = localnet_gateway_dup_mix_address (gateway);
  printf ("identity: %s\nsphinx-key: %s\nws-url: %s\nmix-address: %s\n",
          localnet_gateway_get_identity (gateway), localnet_gateway_get_sphinx_key (gateway),
          ws_url, mix_address);
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, on_signal, loop);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal, loop);
  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  printf ("gateway clients=%u packets-in=%" G_GUINT64_FORMAT " packets-out=%" G_GUINT64_FORMAT
          " acks-forwarded=%" G_GUINT64_FORMAT " retransmissions=%" G_GUINT64_FORMAT "\n",
          localnet_gateway_get_clients (gateway), localnet_gateway_get_packets_in (gateway),
          localnet_gateway_get_packets_out (gateway), localnet_gateway_get_acks_forwarded (gateway),
          localnet_gateway_get_retransmissions (gateway));
  localnet_gateway_stop (gateway);
  return 0;
}
