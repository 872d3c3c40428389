/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The counter file of the x25519-count LD_PRELOAD shim, and a reader that sums the files of every process that loaded it. */
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/*
 * Each process the shim is loaded into (with NYMPH_X25519_COUNT_DIR set) keeps one file
 * DIR/x25519-PID.count, mapped shared and updated with atomic adds as the process runs, so
 * a reader sees the totals so far at any time, and the final ones after the process ended
 * (even if it was killed). A fixed-base multiplication (a public key from a private one) is
 * counted apart from a variable-base one (a shared secret, a blinded key) because libsodium
 * may compute it by a faster method (its portable ref10 code does; its x86-64 AVX ladder barely does).
 */
#define NYMPH_X25519_COUNT_ENV    "NYMPH_X25519_COUNT_DIR"
#define NYMPH_X25519_COUNT_MAGIC  "NYX25519"
#define NYMPH_X25519_COUNT_PREFIX "x25519-"
#define NYMPH_X25519_COUNT_SUFFIX ".count"

typedef struct
{
  char     magic[8];   /* NYMPH_X25519_COUNT_MAGIC, without its NUL */
  uint64_t pid;
  uint64_t variable;   /* X25519 with a point given by the caller */
  uint64_t fixed;      /* X25519 of the base point */
} NymphX25519Counts;

/*
 * Adds up the counts of every shim file in @dir into *@total (pid set to the number of
 * files). False if the directory cannot be read or a file is short or not a shim file.
 */
static inline bool
nymph_x25519_counts_read (const char        *dir,
                          NymphX25519Counts *total)
{
  DIR *d = opendir (dir);
  struct dirent *entry;
  bool ok = true;

  memset (total, 0, sizeof *total);
  memcpy (total->magic, NYMPH_X25519_COUNT_MAGIC, sizeof total->magic);
  if (d == NULL)
    return false;
  while (ok && (entry = readdir (d)) != NULL)
    {
      size_t len = strlen (entry->d_name);
      size_t suffix_len = strlen (NYMPH_X25519_COUNT_SUFFIX);
      NymphX25519Counts counts;
      char path[4096];
      int fd;

      if (strncmp (entry->d_name, NYMPH_X25519_COUNT_PREFIX, strlen (NYMPH_X25519_COUNT_PREFIX)) != 0
          || len < suffix_len || strcmp (entry->d_name + len - suffix_len, NYMPH_X25519_COUNT_SUFFIX) != 0)
        continue;
      if ((size_t) snprintf (path, sizeof path, "%s/%s", dir, entry->d_name) >= sizeof path)
        {
          ok = false;
          break;
        }
      fd = open (path, O_RDONLY | O_CLOEXEC);
      ok = fd >= 0 && pread (fd, &counts, sizeof counts, 0) == (ssize_t) sizeof counts
           && memcmp (counts.magic, NYMPH_X25519_COUNT_MAGIC, sizeof counts.magic) == 0;
      if (fd >= 0)
        close (fd);
      if (ok)
        {
          total->pid++;
          total->variable += counts.variable;
          total->fixed += counts.fixed;
        }
    }
  closedir (d);
  return ok;
}
