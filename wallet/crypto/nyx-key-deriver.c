/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A reusable key deriver: one blinded secp256k1 context and one secure scratch block for many mnemonic → key derivations. */
#include "crypto/nyx-key-deriver.h"

#include <string.h>
#include <secp256k1.h>
#include <sodium.h>

#include "crypto/nyx-bech32.h"
#include "crypto/nyx-bip32-private.h"
#include "crypto/nyx-bip39.h"
#include "crypto/nyx-bip39-private.h"
#include "crypto/nyx-key-deriver-private.h"
#include "nyx-wallet.h"

/*
 * Every secret of one mnemonic derivation, in a single sodium_malloc() block: each
 * sodium_malloc()/sodium_free() pair costs an mmap, an mlock, guard pages and their undoing,
 * about 25 µs, and a derivation would otherwise need several.
 */
typedef struct
{
  NyxBip32Key parent;       /* m/44'/118'/0'/0, for nyx_key_deriver_derive_accounts() */
  NyxBip32Key key;
  uint8_t     seed[NYX_BIP39_SEED_SIZE];
  char        scratch[NYX_BIP39_SCRATCH_SIZE (0)];
} Secrets;

struct _NyxKeyDeriver
{
  /* owned */
  secp256k1_context *context;
  Secrets           *secrets;        /* sodium_malloc(), allocated at the first mnemonic, wiped after each use */
  guint              uses_left;      /* before the next re-randomisation */
  guint64            blindings;
};

static void
blind (NyxKeyDeriver *self)
{
  uint8_t seed[32];

  /* Randomising the context blinds its scalar multiplications against side channels;
   * a fresh seed each time makes the blinding of one batch of uses tell nothing of the next. */
  randombytes_buf (seed, sizeof seed);
  if (!secp256k1_context_randomize (self->context, seed))
    g_warn_if_reached ();
  sodium_memzero (seed, sizeof seed);
  self->uses_left = NYX_KEY_DERIVER_USES_PER_BLINDING;
  self->blindings++;
}

NyxKeyDeriver *
nyx_key_deriver_new (GError **error)
{
  NyxKeyDeriver *self;

  if (!nyx_wallet_init ())
    {
      g_set_error (error, NYX_BIP32_ERROR, NYX_BIP32_ERROR_NO_MEMORY, "Could not initialise libsodium");
      return NULL;
    }
  self = g_new0 (NyxKeyDeriver, 1);
  self->context = secp256k1_context_create (SECP256K1_CONTEXT_NONE);
  if (self->context == NULL)
    {
      g_free (self);
      g_set_error (error, NYX_BIP32_ERROR, NYX_BIP32_ERROR_NO_MEMORY, "Could not create a secp256k1 context");
      return NULL;
    }
  blind (self);
  return self;
}

void
nyx_key_deriver_free (NyxKeyDeriver *self)
{
  if (self == NULL)
    return;
  /* sodium_free() wipes the block; it was wiped after each derivation already. */
  if (self->secrets != NULL)
    sodium_free (self->secrets);
  secp256k1_context_destroy (self->context);
  g_free (self);
}

guint64
nyx_key_deriver_get_blindings (const NyxKeyDeriver *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->blindings;
}

const secp256k1_context *
nyx_key_deriver_use_context (NyxKeyDeriver *self)
{
  if (self->uses_left == 0)
    blind (self);
  self->uses_left--;
  return self->context;
}

const uint8_t *
nyx_key_deriver_peek_scratch (const NyxKeyDeriver *self,
                              size_t              *size)
{
  *size = self->secrets != NULL ? sizeof *self->secrets : 0;
  return (const uint8_t *) self->secrets;
}

bool
nyx_key_deriver_derive_from_seed (NyxKeyDeriver *self,
                                  const uint8_t *seed,
                                  size_t         seed_len,
                                  const char    *path,
                                  bool           signing_only,
                                  NyxBip32Key   *out,
                                  GError       **error)
{
  g_return_val_if_fail (self != NULL, false);

  return nyx_bip32_derive_from_seed_with_context (nyx_key_deriver_use_context (self), seed, seed_len,
                                                  path, signing_only, out, error);
}

bool
nyx_key_deriver_derive_account (NyxKeyDeriver *self,
                                const char    *mnemonic,
                                uint32_t       account,
                                uint8_t        public_key[static NYX_PUBLIC_KEY_SIZE],
                                uint8_t       *private_key,
                                char         **address_out,
                                GError       **error)
{
  /* "m/44'/118'/0'/0/" and ten digits fit; a path on the stack saves a heap round trip. */
  char path[32];
  g_autofree char *address = NULL;
  Secrets *secrets;
  bool ok;

  g_return_val_if_fail (self != NULL, false);
  g_return_val_if_fail (mnemonic != NULL, false);

  if (account >= NYX_BIP32_HARDENED)
    {
      g_set_error (error, NYX_BIP32_ERROR, NYX_BIP32_ERROR_INVALID_PATH,
                   "Account index %" G_GUINT32_FORMAT " is too large; it must be below 2^31", account);
      return false;
    }
  g_snprintf (path, sizeof path, "m/44'/118'/0'/0/%" G_GUINT32_FORMAT, account);

  if (self->secrets == NULL)
    {
      self->secrets = sodium_malloc (sizeof *self->secrets);
      if (self->secrets == NULL)
        {
          g_set_error (error, NYX_BIP32_ERROR, NYX_BIP32_ERROR_NO_MEMORY, "Out of secure memory for the seed");
          return false;
        }
    }
  secrets = self->secrets;

  /* Spec nyx-wallet.md §2.1: empty BIP39 passphrase, then the Cosmos Hub path. */
  ok = nyx_bip39_to_seed_with_scratch (mnemonic, "", secrets->seed, secrets->scratch, sizeof secrets->scratch, error) &&
       nyx_key_deriver_derive_from_seed (self, secrets->seed, sizeof secrets->seed, path, true, &secrets->key, error);
  if (ok && address_out != NULL)
    {
      uint8_t hash[NYX_ADDRESS_HASH_SIZE];

      /* libsecp256k1 has just computed this key, so it needs no parsing (a square root) to be
       * checked again as nyx_address_from_public_key() does for keys from outside. */
      nyx_address_hash (secrets->key.public_key, hash);
      address = nyx_bech32_encode (NYX_ADDRESS_PREFIX, hash, sizeof hash, error);
      ok = address != NULL;
    }
  if (ok)
    {
      memcpy (public_key, secrets->key.public_key, NYX_PUBLIC_KEY_SIZE);
      if (private_key != NULL)
        memcpy (private_key, secrets->key.private_key, NYX_PRIVATE_KEY_SIZE);
      if (address_out != NULL)
        *address_out = g_steal_pointer (&address);
    }
  /* Nothing of this mnemonic may outlive the call, even though the block does. */
  sodium_memzero (secrets, sizeof *secrets);
  return ok;
}

bool
nyx_key_deriver_derive_accounts (NyxKeyDeriver *self,
                                 const char    *mnemonic,
                                 uint32_t       first_account,
                                 size_t         n_accounts,
                                 uint8_t      (*public_keys)[NYX_PUBLIC_KEY_SIZE],
                                 char         **addresses,
                                 GError       **error)
{
  /* The Cosmos Hub path without its last, non-hardened level: the parent of every account. */
  static const char accounts_parent_path[] = "m/44'/118'/0'/0";
  g_autoptr(GPtrArray) derived_addresses = NULL;
  g_autofree uint8_t *derived_keys = NULL;
  Secrets *secrets;
  bool ok;

  g_return_val_if_fail (self != NULL, false);
  g_return_val_if_fail (mnemonic != NULL, false);

  if (n_accounts == 0 || first_account >= NYX_BIP32_HARDENED || n_accounts > NYX_BIP32_HARDENED - first_account)
    {
      g_set_error (error, NYX_BIP32_ERROR, NYX_BIP32_ERROR_INVALID_PATH,
                   "Cannot derive %zu accounts from account %" G_GUINT32_FORMAT "; account indexes run from 0 to 2^31 - 1",
                   n_accounts, first_account);
      return false;
    }
  if (self->secrets == NULL)
    {
      self->secrets = sodium_malloc (sizeof *self->secrets);
      if (self->secrets == NULL)
        {
          g_set_error (error, NYX_BIP32_ERROR, NYX_BIP32_ERROR_NO_MEMORY, "Out of secure memory for the seed");
          return false;
        }
    }
  secrets = self->secrets;
  /* Results are collected first so that a failure at any account leaves the outputs alone. */
  derived_keys = g_try_malloc_n (n_accounts, NYX_PUBLIC_KEY_SIZE);
  if (derived_keys == NULL)
    {
      g_set_error (error, NYX_BIP32_ERROR, NYX_BIP32_ERROR_NO_MEMORY, "Out of memory for %zu public keys", n_accounts);
      return false;
    }
  derived_addresses = g_ptr_array_new_with_free_func (g_free);

  /* Spec nyx-wallet.md §2.1: empty BIP39 passphrase, then the Cosmos Hub path. */
  ok = nyx_bip39_to_seed_with_scratch (mnemonic, "", secrets->seed, secrets->scratch, sizeof secrets->scratch, error) &&
       nyx_key_deriver_derive_from_seed (self, secrets->seed, sizeof secrets->seed, accounts_parent_path, true,
                                         &secrets->parent, error);
  for (size_t i = 0; ok && i < n_accounts; i++)
    {
      /* Each account is one use of the context, so long listings are re-blinded as they go. */
      ok = nyx_bip32_derive_child_with_context (nyx_key_deriver_use_context (self), &secrets->parent,
                                                first_account + (uint32_t) i, true, &secrets->key, error);
      if (ok)
        memcpy (derived_keys + i * NYX_PUBLIC_KEY_SIZE, secrets->key.public_key, NYX_PUBLIC_KEY_SIZE);
      if (ok && addresses != NULL)
        {
          uint8_t hash[NYX_ADDRESS_HASH_SIZE];
          char *address;

          nyx_address_hash (secrets->key.public_key, hash);
          address = nyx_bech32_encode (NYX_ADDRESS_PREFIX, hash, sizeof hash, error);
          ok = address != NULL;
          if (ok)
            g_ptr_array_add (derived_addresses, address);
        }
    }
  sodium_memzero (secrets, sizeof *secrets);
  if (!ok)
    return false;

  if (public_keys != NULL)
    memcpy (public_keys, derived_keys, n_accounts * NYX_PUBLIC_KEY_SIZE);
  if (addresses != NULL)
    for (size_t i = 0; i < n_accounts; i++)
      addresses[i] = g_steal_pointer (&derived_addresses->pdata[i]);
  return true;
}
