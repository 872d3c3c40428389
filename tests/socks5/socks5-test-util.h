/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Fixtures of the SOCKS5 integration tests and bench: a local HTTP server of random files, a "nymph-localnet run" child, a "nymph-cli mixnet run" child with its SOCKS5 proxy, curl and hand-made SOCKS requests. */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <sys/prctl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

/* Nothing in these tests may hang the suite: every wait ends with a failure after this. */
#define SOCKS_TEST_GUARD_S 120

/*
 * Runs in every child between fork and exec: the child is killed when the test process dies.
 * A test that fails with an assertion aborts at once, and a localnet or client left running
 * would keep the test's output pipes open, so meson would wait for its timeout.
 */
static void
socks_test_child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* --- Scratch directories --------------------------------------------------------- */

static inline void
socks_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (path == NULL)
    return;
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        socks_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* --- A local HTTP server of random files ----------------------------------------- */

/* The value of header @name (case-insensitive) in the request head, or NULL. */
static char *
socks_test_http_header (const char *head,
                        const char *name)
{
  g_auto (GStrv) lines = g_strsplit (head, "\r\n", -1);
  size_t name_len = strlen (name);

  for (guint i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    if (g_ascii_strncasecmp (lines[i], name, name_len) == 0 && lines[i][name_len] == ':')
      return g_strstrip (g_strdup (lines[i] + name_len + 1));
  return NULL;
}

/*
 * The server runs on its own thread with its own main context, because the tests block in
 * g_subprocess_wait on curl while it must keep accepting. Each connection is served on a
 * worker of GThreadedSocketService with blocking I/O: one request (GET of a file, or POST
 * /sha256), one answer, close. The files are random bytes made when they are added, so a
 * body that arrives intact proves every byte went through the mixnet unchanged and in order.
 * Every request head is logged, so a test can tell how often a request reached the server.
 */
typedef struct
{
  GMutex          mutex;
  GCond           cond;
  GHashTable     *files;      /* path → GBytes, under mutex */
  GThread        *thread;
  GMainContext   *context;
  GMainLoop      *loop;
  GSocketService *service;    /* owned by the thread */
  bool            started;
  bool            want_ipv6;
  guint16         port;       /* on 127.0.0.1 */
  guint16         port6;      /* on ::1, 0 when the machine has no IPv6 loopback */
  char           *ipv6_problem;
  GPtrArray      *log;        /* "METHOD PATH HOST" of every request head, under mutex */
} SocksTestHttp;

/* Notes a request head that arrived, whatever its answer. */
static void
socks_test_http_log (SocksTestHttp *self,
                     const char    *head)
{
  g_autofree char *first = g_strndup (head, strcspn (head, "\r\n"));
  g_auto (GStrv) parts = g_strsplit (first, " ", 3);
  g_autofree char *host = socks_test_http_header (head, "Host");

  g_mutex_lock (&self->mutex);
  g_ptr_array_add (self->log, g_strdup_printf ("%s %s %s", parts[0] != NULL ? parts[0] : "",
                                               parts[0] != NULL && parts[1] != NULL ? parts[1] : "",
                                               host != NULL ? host : ""));
  g_mutex_unlock (&self->mutex);
}

/* How many requests arrived for @path (any method, any host). */
static inline guint
socks_test_http_hits (SocksTestHttp *self,
                      const char    *path)
{
  guint hits = 0;

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->log->len; i++)
    {
      g_auto (GStrv) parts = g_strsplit (g_ptr_array_index (self->log, i), " ", 3);

      if (parts[0] != NULL && parts[1] != NULL && strcmp (parts[1], path) == 0)
        hits++;
    }
  g_mutex_unlock (&self->mutex);
  return hits;
}

/* How many requests arrived whose Host header names @host (with or without a port). */
static inline guint
socks_test_http_hits_for_host (SocksTestHttp *self,
                               const char    *host)
{
  guint hits = 0;
  size_t len = strlen (host);

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->log->len; i++)
    {
      g_auto (GStrv) parts = g_strsplit (g_ptr_array_index (self->log, i), " ", 3);

      if (parts[0] != NULL && parts[1] != NULL && parts[2] != NULL
          && g_ascii_strncasecmp (parts[2], host, len) == 0 && (parts[2][len] == '\0' || parts[2][len] == ':'))
        hits++;
    }
  g_mutex_unlock (&self->mutex);
  return hits;
}

/*
 * A request must reach the server exactly once. Fewer is a failure. More means a message
 * reached the exit twice and it opened the connection and sent the request again, which the
 * client core must prevent (a message whose fragments arrive again after it was reassembled,
 * e.g. a retransmission after a late ack, must not be handed out a second time, as the real
 * client's recently_reconstructed set ensures; see nym_reassembler_insert).
 */
static inline void
socks_test_http_check_once (SocksTestHttp *self,
                            const char    *path)
{
  guint hits = socks_test_http_hits (self, path);

  if (hits != 1)
    g_test_message ("%s reached the server %u times", path, hits);
  g_assert_cmpuint (hits, ==, 1);
}

static void
socks_test_http_respond (GOutputStream *out,
                         const char    *status,
                         const guint8  *body,
                         gsize          len)
{
  g_autofree char *head = g_strdup_printf ("HTTP/1.1 %s\r\nContent-Type: application/octet-stream\r\n"
                                           "Content-Length: %" G_GSIZE_FORMAT "\r\nConnection: close\r\n\r\n",
                                           status, len);

  /* A client that goes away mid-body (the gateway-stop test) ends the write with an error,
   * which is expected; GSocket sends with MSG_NOSIGNAL, so there is no SIGPIPE. */
  if (g_output_stream_write_all (out, head, strlen (head), NULL, NULL, NULL) && len > 0)
    g_output_stream_write_all (out, body, len, NULL, NULL, NULL);
}

/*
 * POST /sha256 with a Content-Length body: answers with the body's 32-byte SHA-256, so an
 * upload through the proxy is checked byte for byte as well. @already holds the body bytes
 * that came with the head.
 */
static bool
socks_test_http_sha256 (GInputStream  *in,
                        GOutputStream *out,
                        const char    *head,
                        const char    *already,
                        gsize          already_len)
{
  g_autofree char *length_text = socks_test_http_header (head, "Content-Length");
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint64 length = 0;
  guint64 done;
  guint8 digest[32];
  gsize digest_len = sizeof digest;
  g_autofree char *buffer = g_malloc (65536);

  if (length_text == NULL || !g_ascii_string_to_unsigned (length_text, 10, 0, 64 * 1024 * 1024, &length, NULL)
      || already_len > length)
    return false;
  g_checksum_update (checksum, (const guchar *) already, (gssize) already_len);
  for (done = already_len; done < length;)
    {
      gssize n = g_input_stream_read (in, buffer, (gsize) MIN (length - done, 65536), NULL, NULL);

      if (n <= 0)
        return false;
      g_checksum_update (checksum, (const guchar *) buffer, n);
      done += (guint64) n;
    }
  g_checksum_get_digest (checksum, digest, &digest_len);
  socks_test_http_respond (out, "200 OK", digest, digest_len);
  return true;
}

static gboolean
socks_test_http_run (GThreadedSocketService *service,
                     GSocketConnection      *connection,
                     GObject                *source_object,
                     gpointer                user_data)
{
  SocksTestHttp *self = user_data;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  char request[8192];
  size_t have = 0;
  char *head_end = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GBytes) body = NULL;

  g_socket_set_timeout (g_socket_connection_get_socket (connection), SOCKS_TEST_GUARD_S);
  /* Read up to the blank line that ends the request head. */
  while (head_end == NULL && have < sizeof request - 1)
    {
      gssize n = g_input_stream_read (in, request + have, sizeof request - 1 - have, NULL, NULL);

      if (n <= 0)
        return TRUE;
      have += (size_t) n;
      request[have] = '\0';
      head_end = strstr (request, "\r\n\r\n");
    }
  if (head_end == NULL)
    return TRUE;
  if (g_str_has_prefix (request, "POST /sha256 "))
    {
      g_autofree char *head = g_strndup (request, (gsize) (head_end - request));
      const char *rest = head_end + 4;

      socks_test_http_log (self, head);
      if (!socks_test_http_sha256 (in, out, head, rest, have - (gsize) (rest - request)))
        socks_test_http_respond (out, "400 Bad Request", NULL, 0);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return TRUE;
    }
  *head_end = '\0';
  socks_test_http_log (self, request);
  if (g_str_has_prefix (request, "GET "))
    {
      const char *start = request + 4;
      const char *end = strchr (start, ' ');

      if (end != NULL)
        path = g_strndup (start, (gsize) (end - start));
    }
  if (path != NULL)
    {
      g_mutex_lock (&self->mutex);
      body = g_hash_table_lookup (self->files, path);
      if (body != NULL)
        g_bytes_ref (body);
      g_mutex_unlock (&self->mutex);
    }
  if (body == NULL)
    socks_test_http_respond (out, "404 Not Found", NULL, 0);
  else
    socks_test_http_respond (out, "200 OK", g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

static guint16
socks_test_http_listen (SocksTestHttp  *self,
                        GInetAddress   *address,
                        GError        **error)
{
  g_autoptr(GSocketAddress) wanted = g_inet_socket_address_new (address, 0);
  g_autoptr(GSocketAddress) effective = NULL;

  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), wanted, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &effective, error))
    return 0;
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
}

static gpointer
socks_test_http_thread (gpointer user_data)
{
  SocksTestHttp *self = user_data;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (self->context);
  /* 50 parallel downloads plus a few hand-made connections each hold a worker. */
  self->service = g_threaded_socket_service_new (80);
  g_signal_connect (self->service, "run", G_CALLBACK (socks_test_http_run), self);
  self->port = socks_test_http_listen (self, loopback, &error);
  g_assert_no_error (error);
  if (self->want_ipv6)
    {
      g_autoptr(GInetAddress) loopback6 = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV6);
      g_autoptr(GError) error6 = NULL;

      self->port6 = socks_test_http_listen (self, loopback6, &error6);
      if (self->port6 == 0)
        self->ipv6_problem = g_strdup_printf ("no IPv6 loopback here: binding [::1]:0 failed: %s", error6->message);
    }
  g_socket_service_start (self->service);

  g_mutex_lock (&self->mutex);
  self->started = true;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);

  g_main_loop_run (self->loop);
  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  g_clear_object (&self->service);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

/* Starts the server on 127.0.0.1 (and on ::1 when @ipv6 and the machine has it). */
static inline SocksTestHttp *
socks_test_http_new (bool ipv6)
{
  SocksTestHttp *self = g_new0 (SocksTestHttp, 1);

  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->files = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  self->log = g_ptr_array_new_with_free_func (g_free);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->want_ipv6 = ipv6;
  self->thread = g_thread_new ("socks-test-http", socks_test_http_thread, self);
  g_mutex_lock (&self->mutex);
  while (!self->started)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);
  return self;
}

static gboolean
socks_test_http_quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static inline void
socks_test_http_free (SocksTestHttp *self)
{
  if (self == NULL)
    return;
  g_main_context_invoke (self->context, socks_test_http_quit_cb, self->loop);
  g_thread_join (self->thread);
  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_hash_table_unref (self->files);
  g_ptr_array_unref (self->log);
  g_free (self->ipv6_problem);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SocksTestHttp, socks_test_http_free)

/* Random bytes, not from the test's seeded GRand: files must differ between runs too. */
static inline GBytes *
socks_test_random_bytes (gsize size)
{
  guint8 *data = g_malloc (size > 0 ? size : 1);
  g_autoptr(GRand) rand = g_rand_new ();
  gsize i = 0;

  for (; i + 4 <= size; i += 4)
    {
      guint32 word = g_rand_int (rand);

      memcpy (data + i, &word, 4);
    }
  for (; i < size; i++)
    data[i] = (guint8) g_rand_int (rand);
  return g_bytes_new_take (data, size);
}

/* Serves @size random bytes at @path; returns them (a new reference). */
static inline GBytes *
socks_test_http_add_random (SocksTestHttp *self,
                            const char    *path,
                            gsize          size)
{
  GBytes *body = socks_test_random_bytes (size);

  g_mutex_lock (&self->mutex);
  g_hash_table_replace (self->files, g_strdup (path), g_bytes_ref (body));
  g_mutex_unlock (&self->mutex);
  return body;
}

/* --- SHA-256 of what arrived ------------------------------------------------------- */

static inline void
socks_test_sha256 (const guint8 *data,
                   gsize         len,
                   guint8        digest[static 32])
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize digest_len = 32;

  g_checksum_update (checksum, data, (gssize) len);
  g_checksum_get_digest (checksum, digest, &digest_len);
  g_assert_cmpuint (digest_len, ==, 32);
}

/* The file at @path must hold exactly @expected: same length and same SHA-256 (compared as bytes). */
static inline void
socks_test_assert_file_matches (const char *path,
                                GBytes     *expected)
{
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;
  guint8 got_digest[32];
  guint8 want_digest[32];

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, ==, g_bytes_get_size (expected));
  socks_test_sha256 ((const guint8 *) contents, len, got_digest);
  socks_test_sha256 (g_bytes_get_data (expected, NULL), g_bytes_get_size (expected), want_digest);
  g_assert_cmpmem (got_digest, 32, want_digest, 32);
}

/* --- Children whose stdout is read line by line on a thread ------------------------ */

/*
 * nymph-localnet and nymph-cli report readiness and state changes as lines on stdout. A
 * thread collects them, so a test can wait for a line with a deadline while it blocks
 * elsewhere, and nothing fills a pipe because nobody reads it.
 */
typedef struct
{
  GSubprocess      *process;
  GDataInputStream *stdout_lines;
  GThread          *reader;
  GMutex            mutex;
  GCond             cond;
  GPtrArray        *lines;     /* char*, every line so far, under mutex */
  bool              eof;
  char             *name;
} SocksTestChild;

static gpointer
socks_test_child_reader (gpointer user_data)
{
  SocksTestChild *self = user_data;

  for (;;)
    {
      char *line = g_data_input_stream_read_line_utf8 (self->stdout_lines, NULL, NULL, NULL);

      g_mutex_lock (&self->mutex);
      if (line == NULL)
        self->eof = true;
      else
        g_ptr_array_add (self->lines, line);
      g_cond_broadcast (&self->cond);
      g_mutex_unlock (&self->mutex);
      if (line == NULL)
        return NULL;
      /* In a test the lines go to the TAP log; the bench prints only its result line. */
      if (g_test_initialized ())
        g_test_message ("%s: %s", self->name, line);
    }
}

/* Spawns @argv with @env (NULL: inherit) and stderr to @stderr_path (NULL: the test's stderr). */
static inline SocksTestChild *
socks_test_child_spawn_full (const char         *name,
                             const char * const *argv,
                             const char * const *env,
                             const char         *stderr_path)
{
  SocksTestChild *self = g_new0 (SocksTestChild, 1);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_set_child_setup (launcher, socks_test_child_setup, NULL, NULL);
  if (stderr_path != NULL)
    g_subprocess_launcher_set_stderr_file_path (launcher, stderr_path);
  if (env != NULL)
    g_subprocess_launcher_set_environ (launcher, (char **) env);
  self->name = g_strdup (name);
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->lines = g_ptr_array_new_with_free_func (g_free);
  self->process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  self->stdout_lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  self->reader = g_thread_new (name, socks_test_child_reader, self);
  return self;
}

static inline SocksTestChild *
socks_test_child_spawn (const char         *name,
                        const char * const *argv,
                        const char * const *env)
{
  return socks_test_child_spawn_full (name, argv, env, NULL);
}

/*
 * Waits until a line at index >= *@from contains @needle; returns a copy and sets *@from
 * past it. NULL when the child ended or @timeout_s passed first.
 */
static inline char *
socks_test_child_wait_line (SocksTestChild *self,
                            const char     *needle,
                            guint          *from,
                            guint           timeout_s)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_s * G_TIME_SPAN_SECOND;
  char *found = NULL;
  guint start = from != NULL ? *from : 0;

  g_mutex_lock (&self->mutex);
  for (;;)
    {
      for (; start < self->lines->len; start++)
        if (strstr (g_ptr_array_index (self->lines, start), needle) != NULL)
          {
            found = g_strdup (g_ptr_array_index (self->lines, start));
            start++;
            break;
          }
      if (found != NULL || self->eof)
        break;
      if (!g_cond_wait_until (&self->cond, &self->mutex, deadline))
        break;
    }
  g_mutex_unlock (&self->mutex);
  if (from != NULL)
    *from = start;
  return found;
}

/* How many lines arrived so far: a starting point for the next wait. */
static inline guint
socks_test_child_n_lines (SocksTestChild *self)
{
  guint n;

  g_mutex_lock (&self->mutex);
  n = self->lines->len;
  g_mutex_unlock (&self->mutex);
  return n;
}

/* Sends @signal (if it still runs) and waits for the end; returns the wait status facts. */
static inline void
socks_test_child_stop (SocksTestChild *self,
                       int             signal_number)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (self->process, signal_number);
  g_subprocess_wait (self->process, NULL, &error);
  g_assert_no_error (error);
  g_thread_join (self->reader);
  self->reader = NULL;
}

static inline void
socks_test_child_free (SocksTestChild *self)
{
  if (self == NULL)
    return;
  if (self->reader != NULL)
    socks_test_child_stop (self, SIGKILL);
  g_clear_object (&self->stdout_lines);
  g_clear_object (&self->process);
  g_ptr_array_unref (self->lines);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self->name);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SocksTestChild, socks_test_child_free)

/* --- The localnet -------------------------------------------------------------------- */

typedef struct
{
  char           *dir;
  SocksTestChild *child;
  char           *stderr_path;    /* where its counters go when it stops */
  char           *json_path;
  char           *nym_api;
  char           *exit_address;   /* network_requester_address of the exit gateway, or NULL */
  char           *gateway_id;     /* the entry gateway's identity */
} SocksTestLocalnet;

/* Reads localnet.json again (single roles may have joined since). */
static inline JsonParser *
socks_test_localnet_load (SocksTestLocalnet *self)
{
  g_autoptr(GError) error = NULL;
  JsonParser *parser = json_parser_new ();

  json_parser_load_from_file (parser, self->json_path, &error);
  g_assert_no_error (error);
  return parser;
}

/* The node called @name in localnet.json, as a new reference; NULL if absent. */
static inline JsonObject *
socks_test_localnet_node (SocksTestLocalnet *self,
                          const char        *name)
{
  g_autoptr(JsonParser) parser = socks_test_localnet_load (self);
  JsonObject *root = json_node_get_object (json_parser_get_root (parser));
  JsonArray *nodes = json_object_get_array_member (root, "nodes");

  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);

      if (g_strcmp0 (json_object_get_string_member (node, "name"), name) == 0)
        return json_object_ref (node);
    }
  return NULL;
}

/*
 * Runs "nymph-localnet run --dir DIR/localnet [--zero-delay]" and waits for its readiness
 * line. Every listener is on a port the kernel picks; localnet.json says which.
 */
static inline SocksTestLocalnet *
socks_test_localnet_start (const char *localnet_path,
                           const char *dir,
                           bool        zero_delay)
{
  SocksTestLocalnet *self = g_new0 (SocksTestLocalnet, 1);
  const char *argv[] = { localnet_path, "run", "--dir", NULL, zero_delay ? "--zero-delay" : NULL, NULL };
  g_autofree char *line = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *root;
  JsonArray *nodes;

  self->dir = g_build_filename (dir, "localnet", NULL);
  self->stderr_path = g_build_filename (dir, "localnet.stderr", NULL);
  argv[3] = self->dir;
  self->child = socks_test_child_spawn_full ("nymph-localnet", argv, NULL, self->stderr_path);
  line = socks_test_child_wait_line (self->child, "nymph-localnet: ready ", NULL, SOCKS_TEST_GUARD_S);
  g_assert_nonnull (line);
  self->json_path = g_strdup (line + strlen ("nymph-localnet: ready "));
  parser = socks_test_localnet_load (self);
  root = json_node_get_object (json_parser_get_root (parser));
  self->nym_api = g_strdup (json_object_get_string_member (root, "nym_api_url"));
  if (json_object_has_member (root, "gateway") && !json_object_get_null_member (root, "gateway"))
    self->gateway_id = g_strdup (json_object_get_string_member (json_object_get_object_member (root, "gateway"),
                                                                "identity"));
  nodes = json_object_get_array_member (root, "nodes");
  for (guint i = 0; i < json_array_get_length (nodes); i++)
    {
      JsonObject *node = json_array_get_object_element (nodes, i);

      if (json_object_has_member (node, "network_requester_address")
          && !json_object_get_null_member (node, "network_requester_address"))
        self->exit_address = g_strdup (json_object_get_string_member (node, "network_requester_address"));
    }
  g_assert_nonnull (self->nym_api);
  return self;
}

/*
 * Stops the localnet with SIGTERM, which must end it cleanly (status 0), and returns what it
 * wrote on stderr: its messages and every node's counters, the exit's among them.
 */
static inline char *
socks_test_localnet_stop (SocksTestLocalnet *self)
{
  g_autofree char *err = NULL;

  g_assert_nonnull (self->child);
  socks_test_child_stop (self->child, SIGTERM);
  g_assert_true (g_subprocess_get_if_exited (self->child->process));
  g_assert_cmpint (g_subprocess_get_exit_status (self->child->process), ==, 0);
  g_clear_pointer (&self->child, socks_test_child_free);
  if (!g_file_get_contents (self->stderr_path, &err, NULL, NULL))
    err = g_strdup ("");
  if (g_test_initialized ())
    g_test_message ("nymph-localnet stderr:\n%s", err);
  return g_steal_pointer (&err);
}

/* The counters the localnet printed for @node ("exit", "gateway-1", ...) in @stderr_text. */
static inline char *
socks_test_localnet_counters (const char *stderr_text,
                              const char *node)
{
  g_autofree char *prefix = g_strdup_printf ("nymph-localnet: %s ", node);
  g_auto (GStrv) lines = g_strsplit (stderr_text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return g_strdup (lines[i] + strlen (prefix));
  return NULL;
}

/* The value of counter @name in a counters line ("a=1 b=2"), or -1. */
static inline gint64
socks_test_counter (const char *counters,
                    const char *name)
{
  g_auto (GStrv) fields = g_strsplit (counters != NULL ? counters : "", " ", -1);
  size_t len = strlen (name);

  for (guint i = 0; fields[i] != NULL; i++)
    if (strncmp (fields[i], name, len) == 0 && fields[i][len] == '=')
      return g_ascii_strtoll (fields[i] + len + 1, NULL, 10);
  return -1;
}

static inline void
socks_test_localnet_free (SocksTestLocalnet *self)
{
  if (self == NULL)
    return;
  if (self->child != NULL)
    g_free (socks_test_localnet_stop (self));
  g_free (self->stderr_path);
  g_free (self->dir);
  g_free (self->json_path);
  g_free (self->nym_api);
  g_free (self->exit_address);
  g_free (self->gateway_id);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SocksTestLocalnet, socks_test_localnet_free)

/* --- The client with its SOCKS5 proxy ----------------------------------------------- */

typedef struct
{
  SocksTestChild *child;
  char           *data_dir;
  char           *proxy;       /* "127.0.0.1:PORT" it printed when ready */
  guint16         port;
  gint64          ready_us;    /* from spawn to the ready line */
} SocksTestClient;

/*
 * Finds "127.0.0.1:PORT" in a line the client printed (its proxy address when ready);
 * returns the port or 0.
 */
static inline guint16
socks_test_parse_proxy_port (const char *line,
                             char      **address_out)
{
  const char *at = strstr (line, "127.0.0.1:");
  guint64 port = 0;
  const char *digits;
  char *end = NULL;

  if (at == NULL)
    return 0;
  digits = at + strlen ("127.0.0.1:");
  port = g_ascii_strtoull (digits, &end, 10);
  if (end == digits || port == 0 || port > 65535)
    return 0;
  if (address_out != NULL)
    *address_out = g_strndup (at, (gsize) (end - at));
  return (guint16) port;
}

/* The line "nymph-cli mixnet run" prints with the proxy address each time it becomes ready. */
#define SOCKS_TEST_READY_NEEDLE "socks5: "

/*
 * Runs "nymph-cli mixnet run --nym-api URL --data-dir DIR --socks5 127.0.0.1:0 [--exit A]
 * [--gateway G] [EXTRA…]" with @env (NULL: inherit) and waits until it prints the proxy's
 * address.
 */
static inline SocksTestClient *
socks_test_client_start (const char        *cli_path,
                         SocksTestLocalnet *localnet,
                         const char        *data_dir,
                         const char        *gateway_id,
                         const char * const *extra,
                         const char * const *env)
{
  SocksTestClient *self = g_new0 (SocksTestClient, 1);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *line = NULL;
  gint64 start;

  self->data_dir = g_strdup (data_dir);
  g_ptr_array_add (argv, (char *) cli_path);
  g_ptr_array_add (argv, (char *) "mixnet");
  g_ptr_array_add (argv, (char *) "run");
  g_ptr_array_add (argv, (char *) "--nym-api");
  g_ptr_array_add (argv, localnet->nym_api);
  g_ptr_array_add (argv, (char *) "--data-dir");
  g_ptr_array_add (argv, self->data_dir);
  g_ptr_array_add (argv, (char *) "--socks5");
  g_ptr_array_add (argv, (char *) "127.0.0.1:0");
  if (localnet->exit_address != NULL)
    {
      g_ptr_array_add (argv, (char *) "--exit");
      g_ptr_array_add (argv, localnet->exit_address);
    }
  if (gateway_id != NULL)
    {
      g_ptr_array_add (argv, (char *) "--gateway");
      g_ptr_array_add (argv, (char *) gateway_id);
    }
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) extra[i]);
  g_ptr_array_add (argv, NULL);

  start = g_get_monotonic_time ();
  self->child = socks_test_child_spawn ("nymph-cli", (const char * const *) argv->pdata, env);
  line = socks_test_child_wait_line (self->child, SOCKS_TEST_READY_NEEDLE, NULL, SOCKS_TEST_GUARD_S);
  self->ready_us = g_get_monotonic_time () - start;
  g_assert_nonnull (line);
  self->port = socks_test_parse_proxy_port (line, &self->proxy);
  g_assert_cmpuint (self->port, !=, 0);
  return self;
}

/* SIGTERM must end the client cleanly, with status 0, like Ctrl-C does for a user. */
static inline void
socks_test_client_stop (SocksTestClient *self)
{
  g_assert_nonnull (self->child);
  socks_test_child_stop (self->child, SIGTERM);
  g_assert_true (g_subprocess_get_if_exited (self->child->process));
  g_assert_cmpint (g_subprocess_get_exit_status (self->child->process), ==, 0);
  g_clear_pointer (&self->child, socks_test_child_free);
}

static inline void
socks_test_client_free (SocksTestClient *self)
{
  if (self == NULL)
    return;
  if (self->child != NULL)
    socks_test_client_stop (self);
  g_free (self->data_dir);
  g_free (self->proxy);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SocksTestClient, socks_test_client_free)

/* --- curl as the SOCKS client --------------------------------------------------------- */

/*
 * curl must use the proxy it is told to and nothing else: proxy variables from the
 * environment (NO_PROXY=localhost in particular would send it around the proxy) are dropped.
 */
static inline GSubprocess *
socks_test_curl_spawn (const char *curl_path,
                       const char *proxy_option,
                       const char *proxy,
                       const char *url,
                       const char *out_path,
                       const char * const *extra)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE
                                                                       | G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *max_time = g_strdup_printf ("%d", SOCKS_TEST_GUARD_S);
  GSubprocess *process;

  for (const char *const *name = (const char *const[]) { "http_proxy", "https_proxy", "all_proxy", "no_proxy",
                                                         "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY",
                                                         "CURL_HOME", NULL };
       *name != NULL; name++)
    g_subprocess_launcher_unsetenv (launcher, *name);
  g_subprocess_launcher_set_child_setup (launcher, socks_test_child_setup, NULL, NULL);
  g_ptr_array_add (argv, (char *) curl_path);
  g_ptr_array_add (argv, (char *) "--silent");
  g_ptr_array_add (argv, (char *) "--show-error");
  g_ptr_array_add (argv, (char *) "--fail");
  g_ptr_array_add (argv, (char *) "--disable");  /* no ~/.curlrc */
  g_ptr_array_add (argv, (char *) "--max-time");
  g_ptr_array_add (argv, max_time);
  g_ptr_array_add (argv, (char *) proxy_option);
  g_ptr_array_add (argv, (char *) proxy);
  g_ptr_array_add (argv, (char *) "--output");
  g_ptr_array_add (argv, (char *) out_path);
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) extra[i]);
  g_ptr_array_add (argv, (char *) url);
  g_ptr_array_add (argv, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  return process;
}

/* Waits for curl; returns its exit status and sets *@err_out (and *@out_out) to its output. */
static inline int
socks_test_curl_finish (GSubprocess *process,
                        char       **out_out,
                        char       **err_out)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_true (g_subprocess_communicate_utf8 (process, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));
  if (g_subprocess_get_exit_status (process) != 0 && g_test_initialized ())
    g_test_message ("curl exit %d: %s", g_subprocess_get_exit_status (process), err);
  if (out_out != NULL)
    *out_out = g_steal_pointer (&out);
  if (err_out != NULL)
    *err_out = g_steal_pointer (&err);
  return g_subprocess_get_exit_status (process);
}

/* --- SOCKS by hand ----------------------------------------------------------------------- */

/* A TCP connection to the proxy with a read/write timeout, so a silent proxy fails the test. */
static inline GSocketConnection *
socks_test_connect (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;

  g_socket_client_set_timeout (client, 30);
  /* Straight to the proxy, whatever proxy settings the environment has. */
  g_socket_client_set_enable_proxy (client, FALSE);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

static inline void
socks_test_write (GSocketConnection *connection,
                  const guint8      *data,
                  gsize              len)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                                            data, len, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* Reads exactly @len bytes; returns how many arrived before the peer closed. */
static inline gsize
socks_test_read (GSocketConnection *connection,
                 guint8            *data,
                 gsize              len)
{
  g_autoptr(GError) error = NULL;
  gsize got = 0;

  g_input_stream_read_all (g_io_stream_get_input_stream (G_IO_STREAM (connection)), data, len, &got, NULL, &error);
  g_assert_no_error (error);
  return got;
}

/* After a refusal the proxy must close: the next read sees end of stream, not more bytes. */
static inline void
socks_test_assert_closed (GSocketConnection *connection)
{
  guint8 byte;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (connection)), &byte, 1, NULL, &error);

  /* A reset is a close too. */
  if (n < 0)
    g_assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED)
                   || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE));
  else
    g_assert_cmpint (n, ==, 0);
}

/* The file's size now, 0 while it does not exist. */
static inline goffset
socks_test_file_size (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (goffset) st.st_size : 0;
}
