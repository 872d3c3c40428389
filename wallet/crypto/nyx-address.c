/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Nyx account addresses: bech32("n", RIPEMD160(SHA256(compressed pubkey))) and mnemonic → address. */
#include "crypto/nyx-address.h"

#include <string.h>
#include <gcrypt.h>
#include <secp256k1.h>
#include <sodium.h>

#include "crypto/nyx-bech32.h"
#include "crypto/nyx-bip32.h"
#include "crypto/nyx-key-deriver.h"
#include "nyx-wallet.h"

G_DEFINE_QUARK (nyx-address-error-quark, nyx_address_error)

void
nyx_address_hash (const uint8_t public_key[static NYX_PUBLIC_KEY_SIZE],
                  uint8_t       hash[static NYX_ADDRESS_HASH_SIZE])
{
  uint8_t sha[crypto_hash_sha256_BYTES];

  /* Spec nyx-wallet.md §2.1: the same 20-byte hash Bitcoin calls HASH160. */
  crypto_hash_sha256 (sha, public_key, NYX_PUBLIC_KEY_SIZE);
  gcry_md_hash_buffer (GCRY_MD_RMD160, hash, sha, sizeof sha);
}

static bool
is_valid_public_key (const uint8_t public_key[static NYX_PUBLIC_KEY_SIZE])
{
  secp256k1_pubkey parsed;

  if (public_key[0] != 0x02 && public_key[0] != 0x03)
    return false;
  return secp256k1_ec_pubkey_parse (secp256k1_context_static, &parsed,
                                    public_key, NYX_PUBLIC_KEY_SIZE) == 1;
}

char *
nyx_address_from_public_key (const char    *hrp,
                             const uint8_t  public_key[static NYX_PUBLIC_KEY_SIZE],
                             GError       **error)
{
  uint8_t hash[NYX_ADDRESS_HASH_SIZE];

  if (!nyx_wallet_init ())
    {
      g_set_error (error, NYX_ADDRESS_ERROR, NYX_ADDRESS_ERROR_INVALID_KEY, "Could not initialise the crypto libraries");
      return NULL;
    }
  if (!is_valid_public_key (public_key))
    {
      g_set_error (error, NYX_ADDRESS_ERROR, NYX_ADDRESS_ERROR_INVALID_KEY,
                   "The public key (first byte 0x%02x) is not a compressed secp256k1 point",
                   public_key[0]);
      return NULL;
    }
  nyx_address_hash (public_key, hash);
  return nyx_bech32_encode (hrp != NULL ? hrp : NYX_ADDRESS_PREFIX, hash, sizeof hash, error);
}

static bool
decode_address (const char *address,
                const char *hrp,
                uint8_t     out[static NYX_CONTRACT_HASH_SIZE],
                size_t     *out_len,
                GError    **error)
{
  g_autoptr(GError) local_error = NULL;

  if (hrp == NULL)
    hrp = NYX_ADDRESS_PREFIX;
  if (address == NULL || *address == '\0')
    {
      g_set_error (error, NYX_ADDRESS_ERROR, NYX_ADDRESS_ERROR_INVALID, "The address is empty");
      return false;
    }
  if (!nyx_bech32_decode (address, hrp, out, NYX_CONTRACT_HASH_SIZE, out_len, &local_error))
    {
      g_set_error (error, NYX_ADDRESS_ERROR, NYX_ADDRESS_ERROR_INVALID,
                   "“%s” is not a valid address: %s", address, local_error->message);
      return false;
    }
  /* Upper-case bech32 is valid bech32, but Cosmos chains compare addresses as strings. */
  for (const char *p = address; *p != '\0'; p++)
    if (g_ascii_isupper (*p))
      {
        g_set_error (error, NYX_ADDRESS_ERROR, NYX_ADDRESS_ERROR_INVALID,
                     "“%s” is upper case; Nyx addresses are written in lower case", address);
        return false;
      }
  if (*out_len != NYX_ADDRESS_HASH_SIZE && *out_len != NYX_CONTRACT_HASH_SIZE)
    {
      g_set_error (error, NYX_ADDRESS_ERROR, NYX_ADDRESS_ERROR_INVALID,
                   "“%s” holds %zu bytes; an account address holds 20 and a contract address 32",
                   address, *out_len);
      return false;
    }
  return true;
}

bool
nyx_address_validate (const char *address,
                      const char *hrp,
                      GError    **error)
{
  uint8_t bytes[NYX_CONTRACT_HASH_SIZE];
  size_t len = 0;

  return decode_address (address, hrp, bytes, &len, error);
}

bool
nyx_address_decode (const char *address,
                    const char *hrp,
                    uint8_t     hash[static NYX_ADDRESS_HASH_SIZE],
                    GError    **error)
{
  uint8_t bytes[NYX_CONTRACT_HASH_SIZE];
  size_t len = 0;

  if (!decode_address (address, hrp, bytes, &len, error))
    return false;
  if (len != NYX_ADDRESS_HASH_SIZE)
    {
      g_set_error (error, NYX_ADDRESS_ERROR, NYX_ADDRESS_ERROR_INVALID,
                   "“%s” is a contract address (32 bytes), not an account address (20 bytes)", address);
      return false;
    }
  memcpy (hash, bytes, NYX_ADDRESS_HASH_SIZE);
  return true;
}

bool
nyx_address_derive_from_mnemonic (const char *mnemonic,
                                  uint32_t    account,
                                  uint8_t     public_key[static NYX_PUBLIC_KEY_SIZE],
                                  uint8_t    *private_key,
                                  char      **address_out,
                                  GError    **error)
{
  /* A deriver for this call only; callers that derive many keys keep one NyxKeyDeriver. */
  g_autoptr(NyxKeyDeriver) deriver = nyx_key_deriver_new (error);

  if (deriver == NULL)
    return false;
  return nyx_key_deriver_derive_account (deriver, mnemonic, account, public_key, private_key, address_out, error);
}
