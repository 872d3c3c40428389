/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `nymph-localnet run`, `mixnode`, `nym-api` and `exit`: start nodes on one GMainLoop until SIGINT/SIGTERM. */
#include "localnet-commands.h"

#include <stdio.h>
#include <string.h>
#include <glib-unix.h>

#include "crypto/nym-base58.h"
#include "exit/localnet-exit.h"
#include "gateway/localnet-gateway.h"
#include "localnet-network.h"
#include "mixnode/localnet-mixnode.h"
#include "nym-api/localnet-nym-api.h"

static gboolean
on_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

/* The main loop and the SIGINT/SIGTERM handlers that end it. The handlers are installed
 * before any node starts, so a signal sent right after the readiness line always means
 * a clean stop, never the default action. */
typedef struct
{
  GMainLoop *loop;
  guint      sigint_id;
  guint      sigterm_id;
} SignalLoop;

static SignalLoop *
signal_loop_new (void)
{
  SignalLoop *self = g_new0 (SignalLoop, 1);

  self->loop = g_main_loop_new (NULL, FALSE);
  self->sigint_id = g_unix_signal_add (SIGINT, on_signal, self->loop);
  self->sigterm_id = g_unix_signal_add (SIGTERM, on_signal, self->loop);
  return self;
}

static void
signal_loop_free (SignalLoop *self)
{
  g_source_remove (self->sigint_id);
  g_source_remove (self->sigterm_id);
  g_main_loop_unref (self->loop);
  g_free (self);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SignalLoop, signal_loop_free)

/* The line scripts and tests wait for: every listener is up and localnet.json is final. */
static void
print_ready (LocalnetNetwork *network)
{
  printf ("nymph-localnet: ready %s\n", localnet_network_get_json_path (network));
  fflush (stdout);
}

static bool
parse_options (const char    *command,
               const char    *summary,
               GOptionEntry  *entries,
               int           *argc,
               char        ***argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (summary);
  g_autoptr(GError) error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      fprintf (stderr, "nymph-localnet %s: %s\n", command, error->message);
      return false;
    }
  if (*argc > 1)
    {
      fprintf (stderr, "nymph-localnet %s: unexpected argument “%s”\n", command, (*argv)[1]);
      return false;
    }
  return true;
}

static bool
port_is_valid (const char *command,
               int         port)
{
  if (port < 0 || port > G_MAXUINT16)
    {
      fprintf (stderr, "nymph-localnet %s: %d is not a TCP port\n", command, port);
      return false;
    }
  return true;
}

static LocalnetMixnode *
start_mixnode (LocalnetNetwork  *network,
               guint             layer,
               guint             index,
               guint16           port,
               gboolean          zero_delay,
               GError          **error)
{
  g_autofree char *name = g_strdup_printf ("mix-%u-%u", layer, index);
  g_autofree char *dir = localnet_network_node_dir (network, name, error);
  g_autoptr(LocalnetMixnode) mixnode = NULL;
  g_autoptr(LocalnetNodeInfo) info = NULL;

  if (dir == NULL)
    return NULL;
  mixnode = localnet_mixnode_new (name, dir, layer);
  localnet_mixnode_set_zero_delay (mixnode, zero_delay);
  if (!localnet_mixnode_start (mixnode, port, error))
    return NULL;
  info = localnet_mixnode_dup_info (mixnode);
  if (localnet_network_add_node (network, info, error) == 0)
    return NULL;
  return g_steal_pointer (&mixnode);
}

static LocalnetNymApi *
start_nym_api (LocalnetNetwork  *network,
               guint16           port,
               GError          **error)
{
  g_autoptr(LocalnetNymApi) api = localnet_nym_api_new (network);

  if (!localnet_nym_api_listen (api, port, error)
      || !localnet_network_set_nym_api_url (network, localnet_nym_api_get_url (api), error))
    return NULL;
  return g_steal_pointer (&api);
}

/* The gateway is its own object (localnet/gateway); the network only publishes it. With
 * one gateway it is both the entry and the exit; with two the second is the exit. */
static LocalnetGateway *
start_gateway (LocalnetNetwork  *network,
               guint             index,
               guint             count,
               GError          **error)
{
  g_autofree char *name = g_strdup_printf ("gateway-%u", index);
  g_autofree char *dir = localnet_network_node_dir (network, name, error);
  g_autoptr(LocalnetGateway) gateway = NULL;
  LocalnetNodeInfo info = { 0 };

  if (dir == NULL)
    return NULL;
  gateway = localnet_gateway_new (dir, 0, 0);
  if (!localnet_gateway_start (gateway, error))
    return NULL;
  info.name = name;
  info.kind = LOCALNET_NODE_GATEWAY;
  memcpy (info.identity, localnet_gateway_get_identity_key (gateway), 32);
  memcpy (info.sphinx_key, localnet_gateway_get_sphinx_public_key (gateway), 32);
  info.mix_port = localnet_gateway_get_mix_port (gateway);
  info.ws_port = localnet_gateway_get_ws_port (gateway);
  info.entry = index == 1;
  info.exit = index == count;
  if (localnet_network_add_node (network, &info, error) == 0)
    return NULL;
  return g_steal_pointer (&gateway);
}

static void
on_exit_settled (LocalnetExit *exit,
                 GParamSpec   *pspec,
                 GMainLoop    *loop)
{
  if (localnet_exit_is_ready (exit) || localnet_exit_get_error_message (exit) != NULL)
    g_main_loop_quit (loop);
}

static gboolean
on_exit_start_timeout (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* How long the exit may take to register at its gateway before `run` gives up. */
#define EXIT_START_TIMEOUT_S 60

/*
 * The network requester runs as a mixnet client of the exit gateway (the last one), with
 * its keys in DIR/exit-<gateway>/ so its address stays the same from run to run. The
 * readiness line waits for it: its address must be in localnet.json and in the nym-api's
 * described nodes before a client looks. The loop runs meanwhile, since the exit reaches
 * the gateway and the nym-api of this very process.
 */
static LocalnetExit *
start_exit (LocalnetNetwork  *network,
            SignalLoop       *signals,
            const char       *gateway_name,
            const char       *policy_file,
            gboolean          allow_local,
            gboolean          zero_delay,
            GError          **error)
{
  g_autofree char *name = g_strconcat (LOCALNET_EXIT_DIR_PREFIX, gateway_name, NULL);
  g_autofree char *dir = localnet_network_node_dir (network, name, error);
  g_autoptr(LocalnetExit) exit = NULL;
  const LocalnetNodeInfo *gateway = localnet_network_find_node (network, gateway_name);
  g_autofree char *identity = NULL;
  gboolean timed_out = FALSE;
  gulong ready_id, error_id;
  guint timeout_id;

  if (dir == NULL)
    return NULL;
  exit = localnet_exit_new (dir);
  if (policy_file != NULL && !localnet_exit_load_policy_file (exit, policy_file, error))
    return NULL;
  localnet_exit_set_allow_local (exit, allow_local);
  localnet_exit_set_zero_delay (exit, zero_delay);
  identity = nym_base58_encode (gateway->identity, 32);
  if (!localnet_exit_start (exit, localnet_network_get_nym_api_url (network), identity, error))
    return NULL;

  ready_id = g_signal_connect (exit, "notify::ready", G_CALLBACK (on_exit_settled), signals->loop);
  error_id = g_signal_connect (exit, "notify::error-message", G_CALLBACK (on_exit_settled), signals->loop);
  timeout_id = g_timeout_add_seconds (EXIT_START_TIMEOUT_S, on_exit_start_timeout, &timed_out);
  while (!localnet_exit_is_ready (exit) && localnet_exit_get_error_message (exit) == NULL && !timed_out)
    {
      /* The loop also ends on SIGINT/SIGTERM, which here means: give up starting. */
      g_main_loop_run (signals->loop);
      if (!localnet_exit_is_ready (exit) && localnet_exit_get_error_message (exit) == NULL && !timed_out)
        {
          g_set_error_literal (error, LOCALNET_EXIT_ERROR, LOCALNET_EXIT_ERROR_STATE,
                               "Interrupted while the exit was starting");
          break;
        }
    }
  g_signal_handler_disconnect (exit, ready_id);
  g_signal_handler_disconnect (exit, error_id);
  if (!timed_out)
    g_source_remove (timeout_id);
  if (error != NULL && *error != NULL)
    return NULL;
  if (!localnet_exit_is_ready (exit))
    {
      if (localnet_exit_get_error_message (exit) != NULL)
        g_set_error (error, LOCALNET_EXIT_ERROR, LOCALNET_EXIT_ERROR_STATE,
                     "The exit could not join the mixnet: %s", localnet_exit_get_error_message (exit));
      else
        g_set_error (error, LOCALNET_EXIT_ERROR, LOCALNET_EXIT_ERROR_STATE,
                     "The exit was not ready at its gateway %s within %d s", gateway_name, EXIT_START_TIMEOUT_S);
      return NULL;
    }
  if (!localnet_exit_publish (exit, network, gateway_name, error))
    return NULL;
  return g_steal_pointer (&exit);
}

/* Stops the exit and lets the loop run until its gateway has seen the session end (at
 * most a second), so that the gateway's counters printed next do not still count it. */
static void
stop_exit (LocalnetExit    *exit,
           LocalnetGateway *gateway)
{
  guint before = localnet_gateway_get_clients (gateway);
  gint64 deadline = g_get_monotonic_time () + G_USEC_PER_SEC;

  localnet_exit_stop (exit);
  while (before > 0 && localnet_gateway_get_clients (gateway) >= before
         && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

int
localnet_run_command (int    argc,
                      char **argv)
{
  g_autofree char *dir = NULL;
  int per_layer = 1, gateways = 1, api_port = 0;
  gboolean zero_delay = FALSE;
  gboolean no_exit = FALSE, exit_allow_local = TRUE;
  g_autofree char *exit_policy = NULL;
  GOptionEntry entries[] = {
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "The localnet directory (default $XDG_DATA_HOME/nymph/localnet)", "DIR" },
    { "mixnodes-per-layer", 0, 0, G_OPTION_ARG_INT, &per_layer, "Mix nodes in each of the three layers (default 1)", "N" },
    { "gateways", 0, 0, G_OPTION_ARG_INT, &gateways, "Gateways: 1 (entry and exit) or 2 (entry, exit)", "N" },
    { "zero-delay", 0, 0, G_OPTION_ARG_NONE, &zero_delay, "Forward packets at once instead of after their sphinx delay", NULL },
    { "nym-api-port", 0, 0, G_OPTION_ARG_INT, &api_port, "Port of the nym-api (default: any free port)", "PORT" },
    { "no-exit", 0, 0, G_OPTION_ARG_NONE, &no_exit, "Do not run the network requester (exit) at the exit gateway", NULL },
    { "exit-policy", 0, 0, G_OPTION_ARG_FILENAME, &exit_policy, "The exit's torrc-style allow-list (default: an open proxy)", "FILE" },
    { "exit-allow-local", 0, 0, G_OPTION_ARG_NONE, &exit_allow_local, "Let the exit reach loopback and private addresses (the default here)", NULL },
    { "no-exit-allow-local", 0, G_OPTION_FLAG_REVERSE, G_OPTION_ARG_NONE, &exit_allow_local, "Let the exit reach global addresses only, as on the real network", NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(SignalLoop) signals = NULL;
  g_autoptr(LocalnetNetwork) network = NULL;
  g_autoptr(LocalnetNymApi) api = NULL;
  g_autoptr(LocalnetExit) exit = NULL;
  g_autoptr(GPtrArray) mixnodes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) gateway_nodes = g_ptr_array_new_with_free_func (g_object_unref);

  if (!parse_options ("run", "- run a whole Nym network on 127.0.0.1", entries, &argc, &argv)
      || !port_is_valid ("run", api_port))
    return 2;
  if (per_layer < 1 || per_layer > 50)
    {
      fprintf (stderr, "nymph-localnet run: --mixnodes-per-layer must be between 1 and 50, not %d\n", per_layer);
      return 2;
    }
  if (gateways != 1 && gateways != 2)
    {
      fprintf (stderr, "nymph-localnet run: --gateways must be 1 or 2, not %d\n", gateways);
      return 2;
    }

  signals = signal_loop_new ();
  network = localnet_network_new (dir, &error);
  if (network == NULL)
    goto fail;
  /* Whatever an earlier run left in localnet.json is replaced by this run's nodes. */
  localnet_network_clear (network);
  localnet_network_set_zero_delay (network, zero_delay);

  api = start_nym_api (network, (guint16) api_port, &error);
  if (api == NULL)
    goto fail;
  for (guint layer = 1; layer <= 3; layer++)
    for (guint i = 1; i <= (guint) per_layer; i++)
      {
        LocalnetMixnode *mixnode = start_mixnode (network, layer, i, 0, zero_delay, &error);
        if (mixnode == NULL)
          goto fail;
        g_ptr_array_add (mixnodes, mixnode);
      }
  for (guint i = 1; i <= (guint) gateways; i++)
    {
      LocalnetGateway *gateway = start_gateway (network, i, (guint) gateways, &error);
      if (gateway == NULL)
        goto fail;
      g_ptr_array_add (gateway_nodes, gateway);
    }
  if (!no_exit)
    {
      g_autofree char *exit_gateway = g_strdup_printf ("gateway-%d", gateways);

      exit = start_exit (network, signals, exit_gateway, exit_policy, exit_allow_local, zero_delay, &error);
      if (exit == NULL)
        goto fail;
    }

  print_ready (network);
  g_main_loop_run (signals->loop);

  if (exit != NULL)
    {
      g_autofree char *summary = localnet_exit_dup_summary (exit);

      fprintf (stderr, "nymph-localnet: exit %s\n", summary);
      stop_exit (exit, g_ptr_array_index (gateway_nodes, gateway_nodes->len - 1));
    }

  for (guint i = 0; i < mixnodes->len; i++)
    {
      g_autofree char *summary = localnet_mixnode_dup_summary (g_ptr_array_index (mixnodes, i));
      fprintf (stderr, "nymph-localnet: %s\n", summary);
      localnet_mixnode_stop (g_ptr_array_index (mixnodes, i));
    }
  for (guint i = 0; i < gateway_nodes->len; i++)
    {
      LocalnetGateway *gateway = g_ptr_array_index (gateway_nodes, i);
      g_autofree char *summary = localnet_gateway_dup_summary (gateway);

      fprintf (stderr, "nymph-localnet: gateway-%u %s\n", i + 1, summary);
      localnet_gateway_stop (gateway);
    }
  fprintf (stderr, "nymph-localnet: nym-api requests=%" G_GUINT64_FORMAT "\n",
           localnet_nym_api_get_requests (api));
  localnet_nym_api_stop (api);
  return 0;

fail:
  fprintf (stderr, "nymph-localnet run: %s\n", error->message);
  return 1;
}

int
localnet_mixnode_command (int    argc,
                          char **argv)
{
  g_autofree char *dir = NULL;
  int layer = 0, index = 1, port = 0;
  gboolean zero_delay = FALSE;
  GOptionEntry entries[] = {
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "The localnet directory (required)", "DIR" },
    { "layer", 0, 0, G_OPTION_ARG_INT, &layer, "Mix layer 1, 2 or 3 (required)", "L" },
    { "index", 0, 0, G_OPTION_ARG_INT, &index, "Which node of the layer (default 1; the node is called mix-L-INDEX)", "I" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Mix port on 127.0.0.1 (default: any free port)", "PORT" },
    { "zero-delay", 0, 0, G_OPTION_ARG_NONE, &zero_delay, "Forward packets at once", NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(SignalLoop) signals = NULL;
  g_autoptr(LocalnetNetwork) network = NULL;
  g_autoptr(LocalnetMixnode) mixnode = NULL;
  g_autofree char *summary = NULL;

  if (!parse_options ("mixnode", "- run one mix node of a localnet", entries, &argc, &argv)
      || !port_is_valid ("mixnode", port))
    return 2;
  if (dir == NULL || layer < 1 || layer > 3 || index < 1 || index > 1000)
    {
      fprintf (stderr, "Usage: nymph-localnet mixnode --dir DIR --layer 1|2|3 [--index I] [--port PORT] [--zero-delay]\n");
      return 2;
    }

  signals = signal_loop_new ();
  network = localnet_network_new (dir, &error);
  if (network == NULL)
    goto fail;
  mixnode = start_mixnode (network, (guint) layer, (guint) index, (guint16) port, zero_delay, &error);
  if (mixnode == NULL)
    goto fail;

  print_ready (network);
  g_main_loop_run (signals->loop);
  summary = localnet_mixnode_dup_summary (mixnode);
  fprintf (stderr, "nymph-localnet: %s\n", summary);
  localnet_mixnode_stop (mixnode);
  return 0;

fail:
  fprintf (stderr, "nymph-localnet mixnode: %s\n", error->message);
  return 1;
}

int
localnet_nym_api_command (int    argc,
                          char **argv)
{
  g_autofree char *dir = NULL;
  int port = 0;
  GOptionEntry entries[] = {
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "The localnet directory (required)", "DIR" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "HTTP port on 127.0.0.1 (default: any free port)", "PORT" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(SignalLoop) signals = NULL;
  g_autoptr(LocalnetNetwork) network = NULL;
  g_autoptr(LocalnetNymApi) api = NULL;

  if (!parse_options ("nym-api", "- serve the nym-api of a localnet", entries, &argc, &argv)
      || !port_is_valid ("nym-api", port))
    return 2;
  if (dir == NULL)
    {
      fprintf (stderr, "Usage: nymph-localnet nym-api --dir DIR [--port PORT]\n");
      return 2;
    }

  signals = signal_loop_new ();
  network = localnet_network_new (dir, &error);
  if (network == NULL)
    goto fail;
  api = start_nym_api (network, (guint16) port, &error);
  if (api == NULL)
    goto fail;

  print_ready (network);
  g_main_loop_run (signals->loop);
  fprintf (stderr, "nymph-localnet: nym-api requests=%" G_GUINT64_FORMAT "\n",
           localnet_nym_api_get_requests (api));
  localnet_nym_api_stop (api);
  return 0;

fail:
  fprintf (stderr, "nymph-localnet nym-api: %s\n", error->message);
  return 1;
}

int
localnet_exit_command (int    argc,
                       char **argv)
{
  g_autofree char *dir = NULL;
  g_autofree char *gateway = NULL;
  g_autofree char *exit_policy = NULL;
  gboolean zero_delay = FALSE, allow_local = TRUE;
  GOptionEntry entries[] = {
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "The localnet directory (required)", "DIR" },
    { "gateway", 0, 0, G_OPTION_ARG_STRING, &gateway, "The gateway to serve (default: the last exit gateway in localnet.json)", "NAME" },
    { "exit-policy", 0, 0, G_OPTION_ARG_FILENAME, &exit_policy, "The exit's torrc-style allow-list (default: an open proxy)", "FILE" },
    { "zero-delay", 0, 0, G_OPTION_ARG_NONE, &zero_delay, "Send at once, without mix delays or cover traffic", NULL },
    { "exit-allow-local", 0, 0, G_OPTION_ARG_NONE, &allow_local, "Let the exit reach loopback and private addresses (the default)", NULL },
    { "no-exit-allow-local", 0, G_OPTION_FLAG_REVERSE, G_OPTION_ARG_NONE, &allow_local, "Let the exit reach global addresses only", NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(SignalLoop) signals = NULL;
  g_autoptr(LocalnetNetwork) network = NULL;
  g_autoptr(LocalnetExit) exit = NULL;
  g_autofree char *summary = NULL;
  const LocalnetNodeInfo *node;

  if (!parse_options ("exit", "- run the network requester of a localnet", entries, &argc, &argv))
    return 2;
  if (dir == NULL)
    {
      fprintf (stderr, "Usage: nymph-localnet exit --dir DIR [--gateway NAME] [--exit-policy FILE] [--zero-delay] [--no-exit-allow-local]\n");
      return 2;
    }

  signals = signal_loop_new ();
  network = localnet_network_new (dir, &error);
  if (network == NULL)
    goto fail;
  if (gateway == NULL)
    {
      GPtrArray *nodes = localnet_network_get_nodes (network);

      for (guint i = 0; i < nodes->len; i++)
        {
          const LocalnetNodeInfo *candidate = g_ptr_array_index (nodes, i);
          if (candidate->kind == LOCALNET_NODE_GATEWAY && candidate->exit)
            {
              g_free (gateway);
              gateway = g_strdup (candidate->name);
            }
        }
    }
  node = gateway != NULL ? localnet_network_find_node (network, gateway) : NULL;
  if (node == NULL || node->kind != LOCALNET_NODE_GATEWAY || localnet_network_get_nym_api_url (network) == NULL)
    {
      g_set_error (&error, LOCALNET_EXIT_ERROR, LOCALNET_EXIT_ERROR_INVALID,
                   "%s has no nym-api and %s %s%s%s to serve", localnet_network_get_json_path (network),
                   gateway != NULL ? "no gateway called" : "no exit gateway",
                   gateway != NULL ? "“" : "", gateway != NULL ? gateway : "", gateway != NULL ? "”" : "");
      goto fail;
    }
  exit = start_exit (network, signals, gateway, exit_policy, allow_local, zero_delay, &error);
  if (exit == NULL)
    goto fail;

  printf ("address: %s\n", localnet_exit_get_address (exit));
  print_ready (network);
  g_main_loop_run (signals->loop);
  summary = localnet_exit_dup_summary (exit);
  fprintf (stderr, "nymph-localnet: exit %s\n", summary);
  localnet_exit_stop (exit);
  return 0;

fail:
  fprintf (stderr, "nymph-localnet exit: %s\n", error->message);
  return 1;
}
