/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One-time initialisation of the crypto libraries that libnymcore is built on. */
#include "nym-core.h"

#include <gcrypt.h>
#include <sodium.h>

/*
 * libsodium must be initialised before its first use (it picks the fastest implementations
 * and opens the random source), and libgcrypt must be told that initialisation is finished
 * before any cipher is used. Secrets live in sodium_malloc() memory, so libgcrypt's own
 * secure memory pool is not needed and is switched off. Both calls are idempotent and safe
 * to repeat from any library that needs them.
 */
bool
nym_core_init (void)
{
  if (sodium_init () < 0)
    return false;

  if (!gcry_control (GCRYCTL_INITIALIZATION_FINISHED_P))
    {
      if (gcry_check_version (GCRYPT_VERSION) == NULL)
        return false;
      gcry_control (GCRYCTL_DISABLE_SECMEM, 0);
      gcry_control (GCRYCTL_INITIALIZATION_FINISHED, 0);
    }

  return true;
}
