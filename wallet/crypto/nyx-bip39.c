/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BIP39 English mnemonics: generation, validation with precise errors, and the PBKDF2 seed. */
#include "crypto/nyx-bip39.h"

#include <string.h>
#include <gcrypt.h>
#include <sodium.h>

#include "crypto/nyx-bip39-private.h"
#include "crypto/nyx-bip39-wordlist.h"
#include "nyx-wallet.h"

G_DEFINE_QUARK (nyx-bip39-error-quark, nyx_bip39_error)

/* Longest English word, in bytes. */
#define MAX_WORD_LEN 8
/* Words beyond this many are not even looked at; the count error says how many there were. */
#define MAX_INPUT_LEN 4096

const char *
nyx_bip39_word (unsigned int index)
{
  if (index >= NYX_BIP39_WORDLIST_SIZE)
    return NULL;
  return nyx_bip39_english[index];
}

int
nyx_bip39_word_index (const char *word,
                      size_t      len)
{
  int lo = 0;
  int hi = NYX_BIP39_WORDLIST_SIZE - 1;

  if (len == 0 || len > MAX_WORD_LEN)
    return -1;

  /* The list is sorted (the build checks it), so binary search finds any word in 11 steps. */
  while (lo <= hi)
    {
      int mid = lo + (hi - lo) / 2;
      const char *candidate = nyx_bip39_english[mid];
      int cmp = strncmp (word, candidate, len);

      if (cmp == 0 && candidate[len] != '\0')
        cmp = -1;
      if (cmp == 0)
        return mid;
      if (cmp < 0)
        hi = mid - 1;
      else
        lo = mid + 1;
    }
  return -1;
}

static bool
is_valid_word_count (unsigned int n)
{
  return n >= 12 && n <= 24 && n % 3 == 0;
}

static bool
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * Splits @mnemonic into word indexes. The first unknown word wins over a bad word count,
 * because a typo is the most likely mistake and the user needs to know which word it is.
 * @indexes has room for NYX_BIP39_MAX_WORDS; more words than that are counted only.
 */
static bool
parse_words (const char   *mnemonic,
             uint16_t      indexes[static NYX_BIP39_MAX_WORDS],
             unsigned int *n_words,
             GError      **error)
{
  size_t total = strlen (mnemonic);
  unsigned int count = 0;
  const char *p = mnemonic;

  if (total > MAX_INPUT_LEN)
    {
      g_set_error (error, NYX_BIP39_ERROR, NYX_BIP39_ERROR_INVALID_TEXT,
                   "The mnemonic is %zu bytes long; no valid mnemonic is longer than %d",
                   total, NYX_BIP39_MAX_MNEMONIC_SIZE - 1);
      return false;
    }
  if (!g_utf8_validate (mnemonic, (gssize) total, NULL))
    {
      g_set_error (error, NYX_BIP39_ERROR, NYX_BIP39_ERROR_INVALID_TEXT,
                   "The mnemonic is not valid UTF-8 text");
      return false;
    }

  while (*p != '\0')
    {
      char folded[MAX_WORD_LEN];
      const char *start;
      size_t len;
      int index = -1;

      while (is_space (*p))
        p++;
      if (*p == '\0')
        break;
      start = p;
      while (*p != '\0' && !is_space (*p))
        p++;
      len = (size_t) (p - start);
      count++;

      if (len <= MAX_WORD_LEN)
        {
          bool letters_only = true;

          /* Case is folded so that "Abandon" typed on a phone still counts as "abandon". */
          for (size_t i = 0; i < len; i++)
            {
              char c = g_ascii_tolower (start[i]);

              letters_only = letters_only && c >= 'a' && c <= 'z';
              folded[i] = c;
            }
          if (letters_only)
            index = nyx_bip39_word_index (folded, len);
          sodium_memzero (folded, sizeof folded);
        }

      if (index < 0)
        {
          /* The unknown word is not a secret worth hiding from its owner; it is what they must fix. */
          g_autofree char *shown = g_strndup (start, MIN (len, 40));

          g_set_error (error, NYX_BIP39_ERROR, NYX_BIP39_ERROR_UNKNOWN_WORD,
                       "Word %u, “%s%s”, is not in the BIP39 English word list",
                       count, shown, len > 40 ? "…" : "");
          sodium_memzero (indexes, NYX_BIP39_MAX_WORDS * sizeof (uint16_t));
          return false;
        }
      if (count <= NYX_BIP39_MAX_WORDS)
        indexes[count - 1] = (uint16_t) index;
    }

  if (!is_valid_word_count (count))
    {
      g_set_error (error, NYX_BIP39_ERROR, NYX_BIP39_ERROR_WORD_COUNT,
                   "The mnemonic has %u word%s; it must have 12, 15, 18, 21 or 24",
                   count, count == 1 ? "" : "s");
      sodium_memzero (indexes, NYX_BIP39_MAX_WORDS * sizeof (uint16_t));
      return false;
    }

  *n_words = count;
  return true;
}

/*
 * BIP39 "From mnemonic to entropy": the words carry 11 bits each, entropy first, then
 * ENT/32 checksum bits, the first bits of SHA-256(entropy).
 */
static bool
indexes_to_entropy (const uint16_t *indexes,
                    unsigned int    n_words,
                    uint8_t         entropy[static NYX_BIP39_MAX_ENTROPY_SIZE],
                    size_t         *entropy_len,
                    GError        **error)
{
  uint8_t bits[33] = { 0 };
  uint8_t hash[crypto_hash_sha256_BYTES];
  size_t total_bits = (size_t) n_words * 11;
  size_t checksum_bits = total_bits / 33;
  size_t ent_bytes = (total_bits - checksum_bits) / 8;
  unsigned int expected, actual;
  bool ok;

  for (size_t w = 0; w < n_words; w++)
    for (size_t b = 0; b < 11; b++)
      if (indexes[w] & (1u << (10 - b)))
        {
          size_t pos = w * 11 + b;

          bits[pos / 8] |= (uint8_t) (0x80u >> (pos % 8));
        }

  crypto_hash_sha256 (hash, bits, ent_bytes);
  expected = hash[0] >> (8 - checksum_bits);
  actual = bits[ent_bytes] >> (8 - checksum_bits);
  ok = expected == actual;

  if (ok)
    {
      memcpy (entropy, bits, ent_bytes);
      *entropy_len = ent_bytes;
    }
  else
    g_set_error (error, NYX_BIP39_ERROR, NYX_BIP39_ERROR_CHECKSUM,
                 "The mnemonic's checksum does not match: all %u words are known, but at least one is wrong or the order is wrong",
                 n_words);

  sodium_memzero (bits, sizeof bits);
  sodium_memzero (hash, sizeof hash);
  return ok;
}

static bool
check_entropy_size (size_t   entropy_len,
                    GError **error)
{
  if (entropy_len >= 16 && entropy_len <= 32 && entropy_len % 4 == 0)
    return true;
  g_set_error (error, NYX_BIP39_ERROR, NYX_BIP39_ERROR_ENTROPY_SIZE,
               "Entropy of %zu bytes cannot make a mnemonic; it must be 16, 20, 24, 28 or 32 bytes",
               entropy_len);
  return false;
}

/* BIP39 "Generating the mnemonic", into @out; the entropy size must have been checked. */
static void
encode_mnemonic (const uint8_t *entropy,
                 size_t         entropy_len,
                 char           out[static NYX_BIP39_MAX_MNEMONIC_SIZE])
{
  uint8_t bits[33] = { 0 };
  uint8_t hash[crypto_hash_sha256_BYTES];
  size_t checksum_bits = entropy_len / 4;
  size_t n_words = (entropy_len * 8 + checksum_bits) / 11;
  size_t pos = 0;

  memcpy (bits, entropy, entropy_len);
  crypto_hash_sha256 (hash, entropy, entropy_len);
  bits[entropy_len] = hash[0];

  for (size_t w = 0; w < n_words; w++)
    {
      unsigned int index = 0;
      const char *word;
      size_t word_len;

      for (size_t b = 0; b < 11; b++)
        {
          size_t bit = w * 11 + b;

          index = (index << 1) | ((bits[bit / 8] >> (7 - bit % 8)) & 1u);
        }
      word = nyx_bip39_english[index];
      word_len = strlen (word);
      if (w > 0)
        out[pos++] = ' ';
      memcpy (out + pos, word, word_len);
      pos += word_len;
    }
  out[pos] = '\0';

  sodium_memzero (bits, sizeof bits);
  sodium_memzero (hash, sizeof hash);
}

char *
nyx_bip39_mnemonic_from_entropy (const uint8_t *entropy,
                                 size_t         entropy_len,
                                 GError       **error)
{
  char *out;

  if (!check_entropy_size (entropy_len, error))
    return NULL;
  if (!nyx_wallet_init () || (out = sodium_malloc (NYX_BIP39_MAX_MNEMONIC_SIZE)) == NULL)
    {
      g_set_error (error, NYX_BIP39_ERROR, NYX_BIP39_ERROR_INVALID_TEXT,
                   "Out of secure memory for a mnemonic");
      return NULL;
    }
  encode_mnemonic (entropy, entropy_len, out);
  return out;
}

char *
nyx_bip39_generate (unsigned int word_count,
                    GError     **error)
{
  uint8_t entropy[NYX_BIP39_MAX_ENTROPY_SIZE];
  size_t entropy_len;
  char *mnemonic;

  if (!is_valid_word_count (word_count))
    {
      g_set_error (error, NYX_BIP39_ERROR, NYX_BIP39_ERROR_WORD_COUNT,
                   "Cannot generate a mnemonic of %u words; use 12, 15, 18, 21 or 24", word_count);
      return NULL;
    }
  if (!nyx_wallet_init ())
    {
      g_set_error (error, NYX_BIP39_ERROR, NYX_BIP39_ERROR_KDF, "Could not initialise libsodium");
      return NULL;
    }
  entropy_len = (size_t) word_count * 4 / 3;
  randombytes_buf (entropy, entropy_len);
  mnemonic = nyx_bip39_mnemonic_from_entropy (entropy, entropy_len, error);
  sodium_memzero (entropy, sizeof entropy);
  return mnemonic;
}

void
nyx_bip39_mnemonic_free (char *mnemonic)
{
  if (mnemonic != NULL)
    sodium_free (mnemonic);
}

/* Validates @mnemonic and writes its canonical spelling into @out. */
static bool
canonicalize (const char   *mnemonic,
              char          out[static NYX_BIP39_MAX_MNEMONIC_SIZE],
              unsigned int *word_count_out,
              GError      **error)
{
  uint16_t indexes[NYX_BIP39_MAX_WORDS];
  uint8_t entropy[NYX_BIP39_MAX_ENTROPY_SIZE];
  size_t entropy_len = 0;
  unsigned int n_words = 0;
  bool ok;

  ok = parse_words (mnemonic, indexes, &n_words, error) &&
       indexes_to_entropy (indexes, n_words, entropy, &entropy_len, error);
  if (ok)
    {
      /* Re-encoding the entropy gives exactly the canonical spelling. */
      encode_mnemonic (entropy, entropy_len, out);
      if (word_count_out != NULL)
        *word_count_out = n_words;
    }
  sodium_memzero (indexes, sizeof indexes);
  sodium_memzero (entropy, sizeof entropy);
  return ok;
}

char *
nyx_bip39_normalize (const char   *mnemonic,
                     unsigned int *word_count_out,
                     GError      **error)
{
  char *canonical;

  g_return_val_if_fail (mnemonic != NULL, NULL);

  if (!nyx_wallet_init () || (canonical = sodium_malloc (NYX_BIP39_MAX_MNEMONIC_SIZE)) == NULL)
    {
      g_set_error (error, NYX_BIP39_ERROR, NYX_BIP39_ERROR_INVALID_TEXT,
                   "Out of secure memory for a mnemonic");
      return NULL;
    }
  if (!canonicalize (mnemonic, canonical, word_count_out, error))
    {
      sodium_free (canonical);
      return NULL;
    }
  return canonical;
}

bool
nyx_bip39_validate (const char *mnemonic,
                    GError    **error)
{
  char *canonical = nyx_bip39_normalize (mnemonic, NULL, error);

  if (canonical == NULL)
    return false;
  nyx_bip39_mnemonic_free (canonical);
  return true;
}

bool
nyx_bip39_to_entropy (const char *mnemonic,
                      uint8_t     entropy[static NYX_BIP39_MAX_ENTROPY_SIZE],
                      size_t     *entropy_len,
                      GError    **error)
{
  uint16_t indexes[NYX_BIP39_MAX_WORDS];
  unsigned int n_words = 0;
  bool ok;

  g_return_val_if_fail (mnemonic != NULL, false);

  ok = parse_words (mnemonic, indexes, &n_words, error) &&
       indexes_to_entropy (indexes, n_words, entropy, entropy_len, error);
  sodium_memzero (indexes, sizeof indexes);
  return ok;
}

bool
nyx_bip39_to_seed_with_scratch (const char *mnemonic,
                                const char *passphrase,
                                uint8_t     seed[static NYX_BIP39_SEED_SIZE],
                                char       *scratch,
                                size_t      scratch_len,
                                GError    **error)
{
  static const char salt_prefix[] = "mnemonic";
  g_autofree char *normalized_passphrase = NULL;
  size_t passphrase_len, salt_len;
  char *block = NULL, *canonical, *salt;
  gcry_error_t err = 0;
  bool valid;

  g_return_val_if_fail (mnemonic != NULL, false);

  if (passphrase == NULL)
    passphrase = "";
  if (!g_utf8_validate (passphrase, -1, NULL))
    {
      g_set_error (error, NYX_BIP39_ERROR, NYX_BIP39_ERROR_INVALID_TEXT,
                   "The BIP39 passphrase is not valid UTF-8 text");
      return false;
    }

  /* BIP39 normalises both strings to NFKD; the canonical mnemonic is ASCII and already is. */
  normalized_passphrase = g_utf8_normalize (passphrase, -1, G_NORMALIZE_NFKD);
  passphrase_len = strlen (normalized_passphrase);
  salt_len = sizeof salt_prefix - 1 + passphrase_len;

  /*
   * The canonical mnemonic and the salt share one secure block: each sodium_malloc() costs
   * an mmap, an mlock and guard pages, a noticeable part of a derivation next to PBKDF2.
   */
  if (scratch == NULL || scratch_len < NYX_BIP39_SCRATCH_SIZE (passphrase_len))
    {
      block = nyx_wallet_init () ? sodium_malloc (NYX_BIP39_SCRATCH_SIZE (passphrase_len)) : NULL;
      scratch = block;
    }
  if (scratch == NULL)
    {
      sodium_memzero (normalized_passphrase, passphrase_len);
      g_set_error (error, NYX_BIP39_ERROR, NYX_BIP39_ERROR_KDF, "Out of secure memory for the seed");
      return false;
    }
  canonical = scratch;
  salt = scratch + NYX_BIP39_MAX_MNEMONIC_SIZE;
  memcpy (salt, salt_prefix, sizeof salt_prefix - 1);
  memcpy (salt + sizeof salt_prefix - 1, normalized_passphrase, passphrase_len);
  sodium_memzero (normalized_passphrase, passphrase_len);

  valid = canonicalize (mnemonic, canonical, NULL, error);
  if (valid)
    err = gcry_kdf_derive (canonical, strlen (canonical), GCRY_KDF_PBKDF2, GCRY_MD_SHA512,
                           salt, salt_len, 2048, NYX_BIP39_SEED_SIZE, seed);
  sodium_memzero (scratch, NYX_BIP39_SCRATCH_SIZE (passphrase_len));
  if (block != NULL)
    sodium_free (block);

  if (!valid)
    return false;
  if (err != 0)
    {
      sodium_memzero (seed, NYX_BIP39_SEED_SIZE);
      g_set_error (error, NYX_BIP39_ERROR, NYX_BIP39_ERROR_KDF,
                   "PBKDF2-HMAC-SHA512 failed: %s", gcry_strerror (err));
      return false;
    }
  return true;
}

bool
nyx_bip39_to_seed (const char *mnemonic,
                   const char *passphrase,
                   uint8_t     seed[static NYX_BIP39_SEED_SIZE],
                   GError    **error)
{
  return nyx_bip39_to_seed_with_scratch (mnemonic, passphrase, seed, NULL, 0, error);
}
