/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The single-role command `nymph-localnet gateway`: one gateway of a localnet directory in the foreground. */
#include "localnet-gateway-command.h"

#include <stdio.h>
#include <string.h>
#include <glib-unix.h>
#include <glib/gstdio.h>

#include "localnet-gateway.h"
#include "localnet-network.h"

static gboolean
on_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

/*
 * The --stats-file: the gateway's counters as one JSON object, rewritten atomically (a
 * temporary file renamed over it) shortly after every change and once more when the
 * gateway stops, so a test can read them while the gateway runs as well as after it ended.
 */
typedef struct
{
  LocalnetGateway *gateway;
  char            *path;
  guint            write_id;
} StatsFile;

static char *
stats_json (LocalnetGateway *gateway,
            bool             running)
{
  return g_strdup_printf ("{\"running\":%s,\"clients\":%u,\"registrations\":%" G_GUINT64_FORMAT
                          ",\"authentications\":%" G_GUINT64_FORMAT ",\"client_packets\":%" G_GUINT64_FORMAT
                          ",\"packets_in\":%" G_GUINT64_FORMAT ",\"packets_out\":%" G_GUINT64_FORMAT
                          ",\"acks_forwarded\":%" G_GUINT64_FORMAT ",\"retransmissions\":%" G_GUINT64_FORMAT
                          ",\"stored_messages\":%" G_GUINT64_FORMAT ",\"bandwidth_claims\":%" G_GUINT64_FORMAT "}\n",
                          running ? "true" : "false",
                          localnet_gateway_get_clients (gateway),
                          localnet_gateway_get_registrations (gateway),
                          localnet_gateway_get_authentications (gateway),
                          localnet_gateway_get_client_packets (gateway),
                          localnet_gateway_get_packets_in (gateway),
                          localnet_gateway_get_packets_out (gateway),
                          localnet_gateway_get_acks_forwarded (gateway),
                          localnet_gateway_get_retransmissions (gateway),
                          localnet_gateway_get_stored_messages (gateway),
                          localnet_gateway_get_bandwidth_claims (gateway));
}

static void
stats_file_write (StatsFile *stats,
                  bool       running)
{
  g_autofree char *json = stats_json (stats->gateway, running);
  g_autoptr(GError) error = NULL;

  /* g_file_set_contents writes a temporary file and renames it, so readers never see half. */
  if (!g_file_set_contents (stats->path, json, -1, &error))
    fprintf (stderr, "nymph-localnet gateway: cannot write the stats file: %s\n", error->message);
}

static gboolean
stats_file_write_cb (gpointer user_data)
{
  StatsFile *stats = user_data;

  stats->write_id = 0;
  stats_file_write (stats, true);
  return G_SOURCE_REMOVE;
}

static void
on_counter_changed (GObject    *object,
                    GParamSpec *pspec,
                    gpointer    user_data)
{
  StatsFile *stats = user_data;

  /* Many counters change per packet; one write per 50 ms is plenty for a reader. */
  if (stats->write_id == 0)
    stats->write_id = g_timeout_add (50, stats_file_write_cb, stats);
}

static void
print_summary (FILE            *out,
               const char      *name,
               LocalnetGateway *gateway)
{
  g_autofree char *summary = localnet_gateway_dup_summary (gateway);

  fprintf (out, "nymph-localnet: %s %s\n", name, summary);
  fflush (out);
}

int
localnet_gateway_command (int    argc,
                          char **argv)
{
  g_autofree char *directory = NULL;
  g_autofree char *stats_path = NULL;
  int ws_port = 0;
  int mix_port = 0;
  int index = 1;
  GOptionEntry entries[] = {
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &directory, "The localnet directory (required); the gateway keeps its keys and gateway.sqlite in DIR/gateway-INDEX", "DIR" },
    { "index", 0, 0, G_OPTION_ARG_INT, &index, "Which gateway (default 1; it is called gateway-INDEX)", "I" },
    { "ws-port", 0, 0, G_OPTION_ARG_INT, &ws_port, "Client websocket port on 127.0.0.1 (0: any free port)", "PORT" },
    { "mix-port", 0, 0, G_OPTION_ARG_INT, &mix_port, "Mix packet port on 127.0.0.1 (0: any free port)", "PORT" },
    { "stats-file", 0, 0, G_OPTION_ARG_FILENAME, &stats_path, "Keep the gateway's counters in FILE as JSON", "FILE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- run one Nym gateway of a localnet on 127.0.0.1");
  g_autoptr(GError) error = NULL;
  g_autoptr(LocalnetNetwork) network = NULL;
  g_autoptr(LocalnetGateway) gateway = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autofree char *name = NULL;
  g_autofree char *node_dir = NULL;
  g_autofree char *ws_url = NULL;
  g_autofree char *mix_address = NULL;
  LocalnetNodeInfo info = { 0 };
  StatsFile stats = { 0 };
  guint sigint_id, sigterm_id;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      fprintf (stderr, "nymph-localnet gateway: %s\n", error->message);
      return 2;
    }
  if (directory == NULL || argc > 1 || ws_port < 0 || ws_port > G_MAXUINT16 ||
      mix_port < 0 || mix_port > G_MAXUINT16 || index < 1 || index > 1000)
    {
      fprintf (stderr, "Usage: nymph-localnet gateway --dir DIR [--index I] [--ws-port PORT] [--mix-port PORT] "
               "[--stats-file FILE]\n");
      return 2;
    }

  /* The handlers go in before anything starts, so a signal sent right after the readiness
   * line always means a clean stop. */
  loop = g_main_loop_new (NULL, FALSE);
  sigint_id = g_unix_signal_add (SIGINT, on_signal, loop);
  sigterm_id = g_unix_signal_add (SIGTERM, on_signal, loop);

  network = localnet_network_new (directory, &error);
  name = g_strdup_printf ("gateway-%d", index);
  if (network != NULL)
    node_dir = localnet_network_node_dir (network, name, &error);
  if (node_dir == NULL)
    goto fail;
  gateway = localnet_gateway_new (node_dir, (guint16) ws_port, (guint16) mix_port);
  if (!localnet_gateway_start (gateway, &error))
    goto fail;

  /* Publish the gateway, like `run` does, so a nym-api running in its own process lists it.
   * Running alone it is the entry and the exit; a restart replaces its own entry and keeps
   * its node id. */
  info.name = name;
  info.kind = LOCALNET_NODE_GATEWAY;
  memcpy (info.identity, localnet_gateway_get_identity_key (gateway), 32);
  memcpy (info.sphinx_key, localnet_gateway_get_sphinx_public_key (gateway), 32);
  info.mix_port = localnet_gateway_get_mix_port (gateway);
  info.ws_port = localnet_gateway_get_ws_port (gateway);
  info.entry = true;
  info.exit = true;
  if (localnet_network_add_node (network, &info, &error) == 0)
    goto fail;

  if (stats_path != NULL)
    {
      stats.gateway = gateway;
      stats.path = stats_path;
      stats_file_write (&stats, true);
      g_signal_connect (gateway, "notify", G_CALLBACK (on_counter_changed), &stats);
    }

  /* One line per fact, then the readiness line every single role prints. */
  ws_url = localnet_gateway_dup_ws_url (gateway);
  mix_address = localnet_gateway_dup_mix_address (gateway);
  printf ("identity: %s\nsphinx-key: %s\nws-url: %s\nmix-address: %s\nnymph-localnet: ready %s\n",
          localnet_gateway_get_identity (gateway), localnet_gateway_get_sphinx_key (gateway),
          ws_url, mix_address, localnet_network_get_json_path (network));
  fflush (stdout);

  g_main_loop_run (loop);
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  if (stats_path != NULL)
    {
      g_signal_handlers_disconnect_by_func (gateway, on_counter_changed, &stats);
      g_clear_handle_id (&stats.write_id, g_source_remove);
    }
  print_summary (stderr, name, gateway);
  localnet_gateway_stop (gateway);
  if (stats_path != NULL)
    stats_file_write (&stats, false);
  return 0;

fail:
  g_source_remove (sigint_id);
  g_source_remove (sigterm_id);
  fprintf (stderr, "nymph-localnet gateway: %s\n", error->message);
  return 1;
}
