/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Creation, atomic saving and loading of a localnet node's identity and sphinx keys. */
#include "localnet-keys.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <sodium.h>

#include "crypto/nym-base58.h"
#include "crypto/nym-keys.h"

G_DEFINE_QUARK (localnet-keys-error-quark, localnet_keys_error)

#define IDENTITY_SECRET_FILE "identity.key"
#define IDENTITY_PUBLIC_FILE "identity.pub"
#define SPHINX_SECRET_FILE   "sphinx.key"
#define SPHINX_PUBLIC_FILE   "sphinx.pub"

bool
localnet_write_file_atomic (const char  *path,
                            const void  *data,
                            size_t       len,
                            int          mode,
                            GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *tmp = g_strconcat (path, ".XXXXXX", NULL);
  const uint8_t *p = data;
  size_t done = 0;
  int fd;

  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, mode);
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, LOCALNET_KEYS_ERROR, LOCALNET_KEYS_ERROR_IO,
                   "Cannot create a temporary file next to %s: %s", path, g_strerror (saved));
      return false;
    }
  while (done < len)
    {
      ssize_t n = write (fd, p + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        goto fail;
      done += (size_t) n;
    }
  /* mkstemp applies the umask; the mode must be exactly what was asked for. */
  if (fchmod (fd, (mode_t) mode) != 0 || fsync (fd) != 0)
    goto fail;
  if (close (fd) != 0)
    {
      fd = -1;
      goto fail;
    }
  fd = -1;
  if (rename (tmp, path) != 0)
    goto fail;

  /* The rename is durable only once the directory entry is on disk as well. */
  {
    int dfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0)
      {
        (void) fsync (dfd);
        close (dfd);
      }
  }
  return true;

fail:
  {
    int saved = errno;
    if (fd >= 0)
      close (fd);
    g_unlink (tmp);
    g_set_error (error, LOCALNET_KEYS_ERROR, LOCALNET_KEYS_ERROR_IO,
                 "Cannot write %s: %s", path, g_strerror (saved));
    return false;
  }
}

/* Reads exactly len bytes of a file into out (which may be sodium_malloc memory, so
 * secrets never pass through an ordinary heap buffer). Returns 0 if the file does not
 * exist, 1 if it was read, -1 on error. */
static int
read_exact (const char  *path,
            uint8_t     *out,
            size_t       len,
            bool         secret,
            GError     **error)
{
  struct stat st;
  size_t done = 0;
  int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

  if (fd < 0 && errno == ENOENT)
    return 0;
  if (fd < 0)
    {
      int saved = errno;
      g_set_error (error, LOCALNET_KEYS_ERROR, LOCALNET_KEYS_ERROR_IO,
                   "Cannot open %s: %s", path, g_strerror (saved));
      return -1;
    }
  if (fstat (fd, &st) != 0)
    {
      int saved = errno;
      close (fd);
      g_set_error (error, LOCALNET_KEYS_ERROR, LOCALNET_KEYS_ERROR_IO,
                   "Cannot stat %s: %s", path, g_strerror (saved));
      return -1;
    }
  if (secret && (st.st_mode & 077) != 0)
    {
      close (fd);
      g_set_error (error, LOCALNET_KEYS_ERROR, LOCALNET_KEYS_ERROR_PERMISSIONS,
                   "The secret key file %s has mode %04o; it must not be readable by others (0600)",
                   path, (unsigned) (st.st_mode & 07777));
      return -1;
    }
  if (st.st_size != (off_t) len)
    {
      close (fd);
      g_set_error (error, LOCALNET_KEYS_ERROR, LOCALNET_KEYS_ERROR_CORRUPT,
                   "The key file %s has %lld bytes, expected %zu",
                   path, (long long) st.st_size, len);
      return -1;
    }
  while (done < len)
    {
      ssize_t n = read (fd, out + done, len - done);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int saved = n < 0 ? errno : EIO;
          close (fd);
          g_set_error (error, LOCALNET_KEYS_ERROR, LOCALNET_KEYS_ERROR_IO,
                       "Cannot read %s: %s", path, g_strerror (saved));
          return -1;
        }
      done += (size_t) n;
    }
  close (fd);
  return 1;
}

static LocalnetKeys *
keys_alloc (void)
{
  LocalnetKeys *keys = g_new0 (LocalnetKeys, 1);

  keys->identity_secret = sodium_malloc (64);
  keys->sphinx_secret = sodium_malloc (32);
  g_assert (keys->identity_secret != NULL && keys->sphinx_secret != NULL);
  sodium_memzero (keys->identity_secret, 64);
  sodium_memzero (keys->sphinx_secret, 32);
  return keys;
}

void
localnet_keys_free (LocalnetKeys *keys)
{
  if (keys == NULL)
    return;
  /* sodium_free wipes the memory before releasing it. */
  sodium_free (keys->identity_secret);
  sodium_free (keys->sphinx_secret);
  g_free (keys);
}

static LocalnetKeys *
keys_create (const char  *node_dir,
             GError     **error)
{
  g_autoptr(LocalnetKeys) keys = keys_alloc ();
  g_autofree char *id_sec = g_build_filename (node_dir, IDENTITY_SECRET_FILE, NULL);
  g_autofree char *id_pub = g_build_filename (node_dir, IDENTITY_PUBLIC_FILE, NULL);
  g_autofree char *sx_sec = g_build_filename (node_dir, SPHINX_SECRET_FILE, NULL);
  g_autofree char *sx_pub = g_build_filename (node_dir, SPHINX_PUBLIC_FILE, NULL);
  uint8_t *seed = sodium_malloc (32);
  bool ok;

  g_assert (seed != NULL);
  nym_random_bytes (seed, 32);
  nym_ed25519_keypair_from_seed (keys->identity_public, keys->identity_secret, seed);
  nym_x25519_keypair (keys->sphinx_public, keys->sphinx_secret);

  /* The public files are written last: a directory with a public key always has the
   * matching secret key, so a crash in between leaves something load can recognise. */
  ok = localnet_write_file_atomic (id_sec, seed, 32, 0600, error)
       && localnet_write_file_atomic (sx_sec, keys->sphinx_secret, 32, 0600, error)
       && localnet_write_file_atomic (id_pub, keys->identity_public, 32, 0600, error)
       && localnet_write_file_atomic (sx_pub, keys->sphinx_public, 32, 0600, error);
  sodium_free (seed);
  if (!ok)
    return NULL;
  return g_steal_pointer (&keys);
}

static LocalnetKeys *
keys_load (const char  *node_dir,
           GError     **error)
{
  g_autoptr(LocalnetKeys) keys = keys_alloc ();
  g_autofree char *id_sec = g_build_filename (node_dir, IDENTITY_SECRET_FILE, NULL);
  g_autofree char *id_pub = g_build_filename (node_dir, IDENTITY_PUBLIC_FILE, NULL);
  g_autofree char *sx_sec = g_build_filename (node_dir, SPHINX_SECRET_FILE, NULL);
  g_autofree char *sx_pub = g_build_filename (node_dir, SPHINX_PUBLIC_FILE, NULL);
  uint8_t stored_identity[32], stored_sphinx[32];
  uint8_t *seed = sodium_malloc (32);
  int found[4];

  g_assert (seed != NULL);
  found[0] = read_exact (id_sec, seed, 32, true, error);
  if (found[0] < 0)
    goto fail;
  found[1] = read_exact (sx_sec, keys->sphinx_secret, 32, true, error);
  if (found[1] < 0)
    goto fail;
  found[2] = read_exact (id_pub, stored_identity, 32, false, error);
  if (found[2] < 0)
    goto fail;
  found[3] = read_exact (sx_pub, stored_sphinx, 32, false, error);
  if (found[3] < 0)
    goto fail;

  if (found[0] + found[1] + found[2] + found[3] == 0)
    {
      sodium_free (seed);
      return keys_create (node_dir, error);
    }
  if (found[0] == 0 || found[1] == 0)
    {
      g_set_error (error, LOCALNET_KEYS_ERROR, LOCALNET_KEYS_ERROR_CORRUPT,
                   "The node directory %s has only part of its keys (%s is missing)",
                   node_dir, found[0] == 0 ? IDENTITY_SECRET_FILE : SPHINX_SECRET_FILE);
      goto fail;
    }

  nym_ed25519_keypair_from_seed (keys->identity_public, keys->identity_secret, seed);
  nym_x25519_base (keys->sphinx_public, keys->sphinx_secret);
  /* The public files are a copy for people and scripts; if present they must agree, and
   * if a crash lost them they are written again. */
  if ((found[2] && memcmp (stored_identity, keys->identity_public, 32) != 0)
      || (found[3] && memcmp (stored_sphinx, keys->sphinx_public, 32) != 0))
    {
      g_set_error (error, LOCALNET_KEYS_ERROR, LOCALNET_KEYS_ERROR_CORRUPT,
                   "The public key files of %s do not match its secret keys", node_dir);
      goto fail;
    }
  if ((!found[2] && !localnet_write_file_atomic (id_pub, keys->identity_public, 32, 0600, error))
      || (!found[3] && !localnet_write_file_atomic (sx_pub, keys->sphinx_public, 32, 0600, error)))
    goto fail;

  sodium_free (seed);
  return g_steal_pointer (&keys);

fail:
  sodium_free (seed);
  return NULL;
}

LocalnetKeys *
localnet_keys_load_or_create (const char  *node_dir,
                              GError     **error)
{
  g_return_val_if_fail (node_dir != NULL, NULL);

  if (sodium_init () < 0)
    {
      g_set_error (error, LOCALNET_KEYS_ERROR, LOCALNET_KEYS_ERROR_IO,
                   "libsodium could not be initialised");
      return NULL;
    }
  if (g_mkdir_with_parents (node_dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, LOCALNET_KEYS_ERROR, LOCALNET_KEYS_ERROR_IO,
                   "Cannot create the node directory %s: %s", node_dir, g_strerror (saved));
      return NULL;
    }
  return keys_load (node_dir, error);
}

char *
localnet_keys_identity_base58 (const LocalnetKeys *keys)
{
  return nym_base58_encode (keys->identity_public, 32);
}

char *
localnet_keys_sphinx_base58 (const LocalnetKeys *keys)
{
  return nym_base58_encode (keys->sphinx_public, 32);
}
