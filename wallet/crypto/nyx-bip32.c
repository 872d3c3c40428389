/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BIP32 hierarchical deterministic keys over secp256k1, and the Cosmos HD path nym uses. */
#include "crypto/nyx-bip32.h"

#include <string.h>
#include <secp256k1.h>
#include <sodium.h>

#include "crypto/nyx-address.h"
#include "crypto/nyx-bip32-private.h"
#include "crypto/nyx-key-deriver-private.h"
#include "nyx-wallet.h"

G_DEFINE_QUARK (nyx-bip32-error-quark, nyx_bip32_error)

NyxBip32Key *
nyx_bip32_key_new (void)
{
  NyxBip32Key *key;

  if (!nyx_wallet_init ())
    return NULL;
  key = sodium_malloc (sizeof *key);
  if (key != NULL)
    sodium_memzero (key, sizeof *key);
  return key;
}

void
nyx_bip32_key_free (NyxBip32Key *key)
{
  if (key != NULL)
    sodium_free (key);
}

static bool
compute_public_key (const secp256k1_context *ctx,
                    NyxBip32Key             *key)
{
  secp256k1_pubkey pubkey;
  size_t len = sizeof key->public_key;

  if (!secp256k1_ec_pubkey_create (ctx, &pubkey, key->private_key))
    return false;
  secp256k1_ec_pubkey_serialize (ctx, key->public_key, &len, &pubkey, SECP256K1_EC_COMPRESSED);
  return len == sizeof key->public_key;
}

static void
hmac_sha512 (const uint8_t *key,
             size_t         key_len,
             const uint8_t *data,
             size_t         len,
             uint8_t        out[static 64])
{
  crypto_auth_hmacsha512_state state;

  crypto_auth_hmacsha512_init (&state, key, key_len);
  crypto_auth_hmacsha512_update (&state, data, len);
  crypto_auth_hmacsha512_final (&state, out);
  sodium_memzero (&state, sizeof state);
}

/*
 * What a derivation step fills in besides the private key and chain code. Full keys have
 * both; the signing path computes a public key only where a later step or the caller needs
 * it, because each one costs a scalar multiplication.
 */
typedef enum
{
  WITH_PUBLIC_KEY  = 1 << 0,
  WITH_FINGERPRINT = 1 << 1,  /* needs the parent's public key */
  FULL_KEY         = WITH_PUBLIC_KEY | WITH_FINGERPRINT,
} StepFlags;

static bool
fill_public_key (const secp256k1_context *ctx,
                 NyxBip32Key             *key,
                 StepFlags                flags)
{
  if (flags & WITH_PUBLIC_KEY)
    return compute_public_key (ctx, key);
  memset (key->public_key, 0, sizeof key->public_key);
  return true;
}

static bool
master_from_seed (const secp256k1_context *ctx,
                  const uint8_t           *seed,
                  size_t                   seed_len,
                  NyxBip32Key             *master,
                  StepFlags                flags,
                  GError                 **error)
{
  static const uint8_t bitcoin_seed[] = "Bitcoin seed";
  uint8_t digest[64];
  bool ok;

  /* BIP32 "Master key generation": I = HMAC-SHA512("Bitcoin seed", S). */
  hmac_sha512 (bitcoin_seed, sizeof bitcoin_seed - 1, seed, seed_len, digest);
  ok = secp256k1_ec_seckey_verify (ctx, digest) == 1;
  if (ok)
    {
      memcpy (master->private_key, digest, 32);
      memcpy (master->chain_code, digest + 32, 32);
      master->depth = 0;
      memset (master->parent_fingerprint, 0, sizeof master->parent_fingerprint);
      master->child_number = 0;
      ok = fill_public_key (ctx, master, flags);
    }
  sodium_memzero (digest, sizeof digest);

  if (!ok)
    g_set_error (error, NYX_BIP32_ERROR, NYX_BIP32_ERROR_INVALID_KEY,
                 "This seed gives an invalid BIP32 master key (probability below 2^-127); use another seed");
  return ok;
}

static bool
check_seed (size_t   seed_len,
            GError **error)
{
  if (seed_len < 16 || seed_len > 64)
    {
      g_set_error (error, NYX_BIP32_ERROR, NYX_BIP32_ERROR_INVALID_SEED,
                   "A BIP32 seed must be 16 to 64 bytes long, not %zu", seed_len);
      return false;
    }
  if (!nyx_wallet_init ())
    {
      g_set_error (error, NYX_BIP32_ERROR, NYX_BIP32_ERROR_NO_MEMORY, "Could not initialise libsodium");
      return false;
    }
  return true;
}

bool
nyx_bip32_master_from_seed (const uint8_t *seed,
                            size_t         seed_len,
                            NyxBip32Key   *master,
                            GError       **error)
{
  g_autoptr(NyxKeyDeriver) deriver = NULL;

  if (!check_seed (seed_len, error) || (deriver = nyx_key_deriver_new (error)) == NULL)
    return false;
  return master_from_seed (nyx_key_deriver_use_context (deriver), seed, seed_len, master, FULL_KEY, error);
}

static bool
derive_child (const secp256k1_context *ctx,
              const NyxBip32Key       *parent,
              uint32_t                 index,
              NyxBip32Key             *child,
              StepFlags                flags,
              GError                 **error)
{
  uint8_t data[37];
  uint8_t digest[64];
  uint8_t key[32];
  uint8_t hash[NYX_ADDRESS_HASH_SIZE];
  bool ok;

  if (parent->depth == NYX_BIP32_MAX_DEPTH)
    {
      g_set_error (error, NYX_BIP32_ERROR, NYX_BIP32_ERROR_INVALID_PATH,
                   "A BIP32 key cannot be derived deeper than %d levels", NYX_BIP32_MAX_DEPTH);
      return false;
    }

  /* BIP32 CKDpriv: hardened children hash 0x00 || k_par, normal ones the compressed K_par. */
  if (index & NYX_BIP32_HARDENED)
    {
      data[0] = 0;
      memcpy (data + 1, parent->private_key, 32);
    }
  else
    memcpy (data, parent->public_key, 33);
  data[33] = (uint8_t) (index >> 24);
  data[34] = (uint8_t) (index >> 16);
  data[35] = (uint8_t) (index >> 8);
  data[36] = (uint8_t) index;

  hmac_sha512 (parent->chain_code, 32, data, sizeof data, digest);

  /* k_i = parse256(I_L) + k_par (mod n); the tweak fails if I_L >= n or the sum is zero. */
  memcpy (key, parent->private_key, 32);
  ok = secp256k1_ec_seckey_tweak_add (ctx, key, digest) == 1;
  if (ok)
    {
      if (flags & WITH_FINGERPRINT)
        {
          nyx_address_hash (parent->public_key, hash);
          memcpy (child->parent_fingerprint, hash, 4);
        }
      else
        memset (child->parent_fingerprint, 0, sizeof child->parent_fingerprint);
      /* Every field of the parent is read above, so @child may alias @parent. */
      child->depth = parent->depth + 1;
      child->child_number = index;
      memcpy (child->private_key, key, 32);
      memcpy (child->chain_code, digest + 32, 32);
      ok = fill_public_key (ctx, child, flags);
    }

  sodium_memzero (data, sizeof data);
  sodium_memzero (digest, sizeof digest);
  sodium_memzero (key, sizeof key);

  if (!ok)
    g_set_error (error, NYX_BIP32_ERROR, NYX_BIP32_ERROR_INVALID_KEY,
                 "BIP32 child %u%s is an invalid key (probability below 2^-127); use the next index",
                 index & ~NYX_BIP32_HARDENED, (index & NYX_BIP32_HARDENED) ? "'" : "");
  return ok;
}

bool
nyx_bip32_derive_child_with_context (const secp256k1_context *ctx,
                                     const NyxBip32Key       *parent,
                                     uint32_t                 index,
                                     bool                     signing_only,
                                     NyxBip32Key             *child,
                                     GError                 **error)
{
  return derive_child (ctx, parent, index, child, signing_only ? WITH_PUBLIC_KEY : FULL_KEY, error);
}

bool
nyx_bip32_derive_child (const NyxBip32Key *parent,
                        uint32_t           index,
                        NyxBip32Key       *child,
                        GError           **error)
{
  g_autoptr(NyxKeyDeriver) deriver = nyx_key_deriver_new (error);

  if (deriver == NULL)
    return false;
  return derive_child (nyx_key_deriver_use_context (deriver), parent, index, child, FULL_KEY, error);
}

bool
nyx_bip32_parse_path (const char *path,
                      uint32_t   *indexes,
                      size_t      max,
                      size_t     *n_indexes,
                      GError    **error)
{
  const char *p = path;
  size_t n = 0;

  if (path == NULL || path[0] != 'm')
    {
      g_set_error (error, NYX_BIP32_ERROR, NYX_BIP32_ERROR_INVALID_PATH,
                   "The HD path “%s” does not start with “m”", path != NULL ? path : "");
      return false;
    }
  p++;

  while (*p != '\0')
    {
      uint64_t value = 0;
      size_t digits = 0;

      if (*p != '/')
        goto bad;
      p++;
      while (*p >= '0' && *p <= '9')
        {
          value = value * 10 + (uint64_t) (*p - '0');
          if (value >= NYX_BIP32_HARDENED)
            {
              g_set_error (error, NYX_BIP32_ERROR, NYX_BIP32_ERROR_INVALID_PATH,
                           "The HD path “%s” has an index of 2^31 or more", path);
              return false;
            }
          digits++;
          p++;
        }
      if (digits == 0 || (digits > 1 && p[-(ptrdiff_t) digits] == '0'))
        goto bad;
      if (*p == '\'' || *p == 'h' || *p == 'H')
        {
          value |= NYX_BIP32_HARDENED;
          p++;
        }
      if (n == max)
        {
          g_set_error (error, NYX_BIP32_ERROR, NYX_BIP32_ERROR_INVALID_PATH,
                       "The HD path “%s” has more than %zu levels", path, max);
          return false;
        }
      indexes[n++] = (uint32_t) value;
    }

  *n_indexes = n;
  return true;

bad:
  g_set_error (error, NYX_BIP32_ERROR, NYX_BIP32_ERROR_INVALID_PATH,
               "The HD path “%s” is malformed at “%s”; expected a form like m/44'/118'/0'/0/0", path, p);
  return false;
}

/* With only_needed, a step's public key is computed if the next step is normal (it hashes the
 * parent's public key) or if it is the last; fingerprints are left zero. */
static bool
derive_path (const secp256k1_context *ctx,
             const uint32_t          *indexes,
             size_t                   n,
             NyxBip32Key             *key,
             bool                     only_needed,
             GError                 **error)
{
  for (size_t i = 0; i < n; i++)
    {
      StepFlags flags = FULL_KEY;

      if (only_needed)
        flags = (i + 1 == n || !(indexes[i + 1] & NYX_BIP32_HARDENED)) ? WITH_PUBLIC_KEY : 0;
      if (!derive_child (ctx, key, indexes[i], key, flags, error))
        return false;
    }
  return true;
}

bool
nyx_bip32_derive_path (const NyxBip32Key *master,
                       const char        *path,
                       NyxBip32Key       *out,
                       GError           **error)
{
  uint32_t indexes[NYX_BIP32_MAX_DEPTH];
  size_t n = 0;
  g_autoptr(NyxKeyDeriver) deriver = NULL;
  bool ok;

  if (!nyx_bip32_parse_path (path, indexes, G_N_ELEMENTS (indexes), &n, error) ||
      (deriver = nyx_key_deriver_new (error)) == NULL)
    return false;

  if (out != master)
    memcpy (out, master, sizeof *out);
  ok = derive_path (nyx_key_deriver_use_context (deriver), indexes, n, out, false, error);
  if (!ok)
    sodium_memzero (out, sizeof *out);
  return ok;
}

bool
nyx_bip32_derive_from_seed_with_context (const secp256k1_context *ctx,
                                         const uint8_t           *seed,
                                         size_t                   seed_len,
                                         const char              *path,
                                         bool                     signing_only,
                                         NyxBip32Key             *out,
                                         GError                 **error)
{
  uint32_t indexes[NYX_BIP32_MAX_DEPTH];
  size_t n = 0;
  StepFlags master_flags = FULL_KEY;
  bool ok;

  if (!nyx_bip32_parse_path (path, indexes, G_N_ELEMENTS (indexes), &n, error) ||
      !check_seed (seed_len, error))
    return false;
  if (signing_only)
    master_flags = (n == 0 || !(indexes[0] & NYX_BIP32_HARDENED)) ? WITH_PUBLIC_KEY : 0;

  ok = master_from_seed (ctx, seed, seed_len, out, master_flags, error) &&
       derive_path (ctx, indexes, n, out, signing_only, error);
  if (!ok)
    sodium_memzero (out, sizeof *out);
  return ok;
}

static bool
derive_from_seed (const uint8_t *seed,
                  size_t         seed_len,
                  const char    *path,
                  NyxBip32Key   *out,
                  bool           signing_only,
                  GError       **error)
{
  /* A deriver for this call only; callers that derive many keys keep one NyxKeyDeriver. */
  g_autoptr(NyxKeyDeriver) deriver = nyx_key_deriver_new (error);

  if (deriver == NULL)
    return false;
  return nyx_key_deriver_derive_from_seed (deriver, seed, seed_len, path, signing_only, out, error);
}

bool
nyx_bip32_derive_key_pair_from_seed (const uint8_t *seed,
                                     size_t         seed_len,
                                     const char    *path,
                                     NyxBip32Key   *out,
                                     GError       **error)
{
  return derive_from_seed (seed, seed_len, path, out, true, error);
}

bool
nyx_bip32_derive_from_seed (const uint8_t *seed,
                            size_t         seed_len,
                            const char    *path,
                            NyxBip32Key   *out,
                            GError       **error)
{
  return derive_from_seed (seed, seed_len, path, out, false, error);
}

char *
nyx_bip32_cosmos_path (uint32_t account)
{
  if (account >= NYX_BIP32_HARDENED)
    return NULL;
  return g_strdup_printf ("m/44'/118'/0'/0/%" G_GUINT32_FORMAT, account);
}

void
nyx_bip32_serialize (const NyxBip32Key *key,
                     bool               private_key,
                     uint8_t            out[static NYX_BIP32_SERIALIZED_SIZE])
{
  /* Mainnet version bytes: xprv 0x0488ADE4, xpub 0x0488B21E. */
  static const uint8_t xprv[4] = { 0x04, 0x88, 0xad, 0xe4 };
  static const uint8_t xpub[4] = { 0x04, 0x88, 0xb2, 0x1e };

  memcpy (out, private_key ? xprv : xpub, 4);
  out[4] = key->depth;
  memcpy (out + 5, key->parent_fingerprint, 4);
  out[9] = (uint8_t) (key->child_number >> 24);
  out[10] = (uint8_t) (key->child_number >> 16);
  out[11] = (uint8_t) (key->child_number >> 8);
  out[12] = (uint8_t) key->child_number;
  memcpy (out + 13, key->chain_code, 32);
  if (private_key)
    {
      out[45] = 0;
      memcpy (out + 46, key->private_key, 32);
    }
  else
    memcpy (out + 45, key->public_key, 33);
}
