/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An LD_PRELOAD shim that writes every host name lookup of the process it is loaded into to a log file, for the no-local-DNS test. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*
 * The log is the file named by NYMPH_DNS_LOG. Each lookup appends one line "FUNCTION NAME\n"
 * with a single write() on an O_APPEND descriptor, so lines from the resolver threads of the
 * process never interleave. The shim uses no GLib and no locks: it must not change how the
 * program it watches behaves, only report what it asks the resolver.
 */
static void
record (const char *function,
        const char *name)
{
  const char *path = getenv ("NYMPH_DNS_LOG");
  char line[512];
  int len;
  int fd;

  if (path == NULL || *path == '\0')
    return;
  len = snprintf (line, sizeof line, "%s %s\n", function, name != NULL ? name : "(null)");
  if (len < 0)
    return;
  if ((size_t) len >= sizeof line)
    len = (int) sizeof line - 1;
  fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return;
  if (write (fd, line, (size_t) len) != len)
    {
      /* Nothing sensible can be done from inside a resolver call; the test sees a short log. */
    }
  close (fd);
}

/* Records that the shim is loaded, so a test can tell "no lookups" from "no shim". */
__attribute__((constructor)) static void
announce (void)
{
  record ("loaded", "getaddrinfo-count");
}

int
getaddrinfo (const char                *node,
             const char                *service,
             const struct addrinfo     *hints,
             struct addrinfo          **res)
{
  int (*next) (const char *, const char *, const struct addrinfo *, struct addrinfo **)
    = (int (*) (const char *, const char *, const struct addrinfo *, struct addrinfo **)) dlsym (RTLD_NEXT, "getaddrinfo");

  record ("getaddrinfo", node);
  if (next == NULL)
    return EAI_SYSTEM;
  return next (node, service, hints, res);
}

struct hostent *
gethostbyname (const char *name)
{
  struct hostent *(*next) (const char *) = (struct hostent *(*) (const char *)) dlsym (RTLD_NEXT, "gethostbyname");

  record ("gethostbyname", name);
  return next != NULL ? next (name) : NULL;
}

struct hostent *
gethostbyname2 (const char *name,
                int         af)
{
  struct hostent *(*next) (const char *, int) = (struct hostent *(*) (const char *, int)) dlsym (RTLD_NEXT, "gethostbyname2");

  record ("gethostbyname2", name);
  return next != NULL ? next (name, af) : NULL;
}

int
gethostbyname_r (const char       *name,
                 struct hostent   *ret,
                 char             *buf,
                 size_t            buflen,
                 struct hostent  **result,
                 int              *h_errnop)
{
  int (*next) (const char *, struct hostent *, char *, size_t, struct hostent **, int *)
    = (int (*) (const char *, struct hostent *, char *, size_t, struct hostent **, int *)) dlsym (RTLD_NEXT, "gethostbyname_r");

  record ("gethostbyname_r", name);
  if (next == NULL)
    return ENOSYS;
  return next (name, ret, buf, buflen, result, h_errnop);
}

int
gethostbyname2_r (const char       *name,
                  int               af,
                  struct hostent   *ret,
                  char             *buf,
                  size_t            buflen,
                  struct hostent  **result,
                  int              *h_errnop)
{
  int (*next) (const char *, int, struct hostent *, char *, size_t, struct hostent **, int *)
    = (int (*) (const char *, int, struct hostent *, char *, size_t, struct hostent **, int *)) dlsym (RTLD_NEXT, "gethostbyname2_r");

  record ("gethostbyname2_r", name);
  if (next == NULL)
    return ENOSYS;
  return next (name, af, ret, buf, buflen, result, h_errnop);
}
