/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Secret strings in sodium_malloc() memory: copying, reading from a file descriptor, freeing with a wipe. */
#include "crypto/nyx-secret.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>

#include "nyx-wallet.h"

G_DEFINE_QUARK (nyx-secret-error-quark, nyx_secret_error)

char *
nyx_secret_strndup (const char *text,
                    size_t      len)
{
  char *copy;

  if (!nyx_wallet_init ())
    return NULL;
  copy = sodium_malloc (len + 1);
  if (copy == NULL)
    return NULL;
  memcpy (copy, text, len);
  copy[len] = '\0';
  return copy;
}

void
nyx_secret_free (void *secret)
{
  if (secret != NULL)
    sodium_free (secret);
}

char *
nyx_secret_read_fd (int      fd,
                    size_t   max_len,
                    GError **error)
{
  char *buffer;
  size_t len = 0;

  if (!nyx_wallet_init ())
    {
      g_set_error (error, NYX_SECRET_ERROR, NYX_SECRET_ERROR_NO_MEMORY,
                   "Could not initialise libsodium");
      return NULL;
    }
  /*
   * The limit is on the secret without its line end, so room is kept for "\r\n", for one
   * more byte that shows the input is too long, and for the NUL.
   */
  buffer = sodium_malloc (max_len + 4);
  if (buffer == NULL)
    {
      g_set_error (error, NYX_SECRET_ERROR, NYX_SECRET_ERROR_NO_MEMORY,
                   "Out of secure memory for a secret of up to %zu bytes", max_len);
      return NULL;
    }

  while (len < max_len + 3)
    {
      ssize_t n = read (fd, buffer + len, max_len + 3 - len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          sodium_free (buffer);
          g_set_error (error, NYX_SECRET_ERROR, NYX_SECRET_ERROR_READ,
                       "Could not read the secret: %s", g_strerror (saved));
          return NULL;
        }
      if (n == 0)
        break;
      len += (size_t) n;
    }

  if (len > 0 && buffer[len - 1] == '\n')
    {
      len--;
      if (len > 0 && buffer[len - 1] == '\r')
        len--;
    }
  if (len > max_len)
    {
      sodium_free (buffer);
      g_set_error (error, NYX_SECRET_ERROR, NYX_SECRET_ERROR_TOO_LONG,
                   "The secret is longer than %zu bytes", max_len);
      return NULL;
    }
  buffer[len] = '\0';

  if (memchr (buffer, '\0', len) != NULL || !g_utf8_validate (buffer, (gssize) len, NULL))
    {
      sodium_free (buffer);
      g_set_error (error, NYX_SECRET_ERROR, NYX_SECRET_ERROR_NOT_TEXT,
                   "The secret is not UTF-8 text");
      return NULL;
    }
  return buffer;
}

char *
nyx_secret_read_file (const char *path,
                      size_t      max_len,
                      GError    **error)
{
  char *secret;
  int fd;

  do
    fd = open (path, O_RDONLY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, NYX_SECRET_ERROR, NYX_SECRET_ERROR_READ,
                   "Could not open “%s”: %s", path, g_strerror (saved));
      return NULL;
    }
  secret = nyx_secret_read_fd (fd, max_len, error);
  close (fd);
  return secret;
}
