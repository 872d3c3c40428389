/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A portable implementation of BLAKE3 (hash, keyed hash, derive-key and XOF), written from the BLAKE3 paper. */
#include "crypto/nym-blake3.h"

#include <string.h>
#include <sodium.h>

/* Domain-separation flags of the BLAKE3 paper, §2.1 (table 3). */
enum
{
  FLAG_CHUNK_START         = 1 << 0,
  FLAG_CHUNK_END           = 1 << 1,
  FLAG_PARENT              = 1 << 2,
  FLAG_ROOT                = 1 << 3,
  FLAG_KEYED_HASH          = 1 << 4,
  FLAG_DERIVE_KEY_CONTEXT  = 1 << 5,
  FLAG_DERIVE_KEY_MATERIAL = 1 << 6,
};

/* The initial chaining value is SHA-256's IV (the fractional parts of square roots of primes). */
static const uint32_t blake3_iv[8] = {
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
  0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
};

/* The message word order of each of the seven rounds: round r uses the permutation of the
 * BLAKE3 paper (§2.2, table 2: 2 6 3 10 7 0 4 13 1 11 12 5 9 14 15 8) applied r times.
 * Indexing through this table saves permuting the message words between rounds. */
static const uint8_t blake3_schedule[7][16] = {
  { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 },
  { 2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8 },
  { 3, 4, 10, 12, 13, 2, 7, 14, 6, 5, 9, 0, 11, 15, 8, 1 },
  { 10, 7, 12, 9, 14, 3, 13, 15, 4, 0, 11, 2, 5, 8, 1, 6 },
  { 12, 13, 9, 11, 15, 10, 14, 8, 7, 2, 5, 3, 0, 1, 6, 4 },
  { 9, 14, 11, 5, 8, 12, 15, 1, 13, 3, 0, 10, 2, 6, 4, 7 },
  { 11, 15, 5, 0, 1, 9, 8, 6, 14, 10, 2, 12, 3, 4, 7, 13 },
};

static inline uint32_t
rotr32 (uint32_t w, unsigned c)
{
  return (w >> c) | (w << (32 - c));
}

static inline uint32_t
load32_le (const uint8_t *p)
{
  return (uint32_t) p[0] | ((uint32_t) p[1] << 8) | ((uint32_t) p[2] << 16) | ((uint32_t) p[3] << 24);
}

static inline void
store32_le (uint8_t *p, uint32_t w)
{
  p[0] = (uint8_t) w;
  p[1] = (uint8_t) (w >> 8);
  p[2] = (uint8_t) (w >> 16);
  p[3] = (uint8_t) (w >> 24);
}

static inline void
mix (uint32_t s[16], int a, int b, int c, int d, uint32_t mx, uint32_t my)
{
  s[a] = s[a] + s[b] + mx;
  s[d] = rotr32 (s[d] ^ s[a], 16);
  s[c] = s[c] + s[d];
  s[b] = rotr32 (s[b] ^ s[c], 12);
  s[a] = s[a] + s[b] + my;
  s[d] = rotr32 (s[d] ^ s[a], 8);
  s[c] = s[c] + s[d];
  s[b] = rotr32 (s[b] ^ s[c], 7);
}

/* The compression function of the paper §2.2: seven rounds of column and diagonal mixing,
 * returning the full 16-word state so that extended output can use all of it. The locals
 * are not wiped here, once per 64-byte block, as that would cost a third of the speed;
 * the callers that hold key material wipe their own state when they are done. */
static void
compress (const uint32_t cv[8],
          const uint8_t  block[NYM_BLAKE3_BLOCK_LEN],
          uint64_t       counter,
          uint32_t       block_len,
          uint32_t       flags,
          uint32_t       out[16])
{
  uint32_t m[16];
  uint32_t s[16];

  for (int i = 0; i < 16; i++)
    m[i] = load32_le (block + 4 * i);

  memcpy (s, cv, 8 * sizeof (uint32_t));
  s[8] = blake3_iv[0];
  s[9] = blake3_iv[1];
  s[10] = blake3_iv[2];
  s[11] = blake3_iv[3];
  s[12] = (uint32_t) counter;
  s[13] = (uint32_t) (counter >> 32);
  s[14] = block_len;
  s[15] = flags;

  for (int round = 0; round < 7; round++)
    {
      const uint8_t *w = blake3_schedule[round];

      mix (s, 0, 4, 8, 12, m[w[0]], m[w[1]]);
      mix (s, 1, 5, 9, 13, m[w[2]], m[w[3]]);
      mix (s, 2, 6, 10, 14, m[w[4]], m[w[5]]);
      mix (s, 3, 7, 11, 15, m[w[6]], m[w[7]]);
      mix (s, 0, 5, 10, 15, m[w[8]], m[w[9]]);
      mix (s, 1, 6, 11, 12, m[w[10]], m[w[11]]);
      mix (s, 2, 7, 8, 13, m[w[12]], m[w[13]]);
      mix (s, 3, 4, 9, 14, m[w[14]], m[w[15]]);
    }

  for (int i = 0; i < 8; i++)
    {
      out[i] = s[i] ^ s[i + 8];
      out[i + 8] = s[i + 8] ^ cv[i];
    }
}

/* What is needed to compute either a chaining value or root output bytes from one node
 * of the tree (a chunk's last block or a parent), paper §2.6. */
typedef struct
{
  uint32_t input_cv[8];
  uint8_t  block[NYM_BLAKE3_BLOCK_LEN];
  uint64_t counter;
  uint32_t block_len;
  uint32_t flags;
} Blake3Output;

static void
output_chaining_value (const Blake3Output *output,
                       uint32_t            cv[8])
{
  uint32_t words[16];

  compress (output->input_cv, output->block, output->counter, output->block_len,
            output->flags, words);
  memcpy (cv, words, 8 * sizeof (uint32_t));
  sodium_memzero (words, sizeof words);
}

/* The root node is compressed again with an incrementing output counter to produce any
 * number of output bytes (paper §2.6, "extendable output"). */
static void
output_root_bytes (const Blake3Output *output,
                   uint8_t            *out,
                   size_t              out_len)
{
  uint32_t words[16];
  uint8_t bytes[64];
  uint64_t output_counter = 0;

  while (out_len > 0)
    {
      size_t take = out_len < sizeof bytes ? out_len : sizeof bytes;

      compress (output->input_cv, output->block, output_counter, output->block_len,
                output->flags | FLAG_ROOT, words);
      for (int i = 0; i < 16; i++)
        store32_le (bytes + 4 * i, words[i]);
      memcpy (out, bytes, take);
      out += take;
      out_len -= take;
      output_counter++;
    }

  sodium_memzero (words, sizeof words);
  sodium_memzero (bytes, sizeof bytes);
}

static void
chunk_init (NymBlake3Chunk *chunk,
            const uint32_t  key[8],
            uint64_t        chunk_counter,
            uint8_t         flags)
{
  memset (chunk, 0, sizeof *chunk);
  memcpy (chunk->cv, key, sizeof chunk->cv);
  chunk->chunk_counter = chunk_counter;
  chunk->flags = flags;
}

static size_t
chunk_len (const NymBlake3Chunk *chunk)
{
  return (size_t) chunk->blocks_compressed * NYM_BLAKE3_BLOCK_LEN + chunk->block_len;
}

static uint32_t
chunk_start_flag (const NymBlake3Chunk *chunk)
{
  return chunk->blocks_compressed == 0 ? FLAG_CHUNK_START : 0;
}

/* A full block is only compressed once more input arrives, because the last block of a
 * chunk must carry CHUNK_END (and possibly ROOT) and is not known to be last until then. */
static void
chunk_update (NymBlake3Chunk *chunk,
              const uint8_t  *input,
              size_t          len)
{
  while (len > 0)
    {
      size_t take;

      if (chunk->block_len == NYM_BLAKE3_BLOCK_LEN)
        {
          uint32_t words[16];

          compress (chunk->cv, chunk->block, chunk->chunk_counter, NYM_BLAKE3_BLOCK_LEN,
                    chunk->flags | chunk_start_flag (chunk), words);
          memcpy (chunk->cv, words, sizeof chunk->cv);
          sodium_memzero (words, sizeof words);
          chunk->blocks_compressed++;
          memset (chunk->block, 0, sizeof chunk->block);
          chunk->block_len = 0;
        }

      take = NYM_BLAKE3_BLOCK_LEN - chunk->block_len;
      if (take > len)
        take = len;
      memcpy (chunk->block + chunk->block_len, input, take);
      chunk->block_len += (uint8_t) take;
      input += take;
      len -= take;
    }
}

static void
chunk_output (const NymBlake3Chunk *chunk,
              Blake3Output         *output)
{
  memcpy (output->input_cv, chunk->cv, sizeof output->input_cv);
  memcpy (output->block, chunk->block, sizeof output->block);
  output->counter = chunk->chunk_counter;
  output->block_len = chunk->block_len;
  output->flags = chunk->flags | chunk_start_flag (chunk) | FLAG_CHUNK_END;
}

static void
parent_output (const uint32_t left_cv[8],
               const uint32_t right_cv[8],
               const uint32_t key[8],
               uint32_t       flags,
               Blake3Output  *output)
{
  memcpy (output->input_cv, key, sizeof output->input_cv);
  for (int i = 0; i < 8; i++)
    {
      store32_le (output->block + 4 * i, left_cv[i]);
      store32_le (output->block + 32 + 4 * i, right_cv[i]);
    }
  output->counter = 0;
  output->block_len = NYM_BLAKE3_BLOCK_LEN;
  output->flags = FLAG_PARENT | flags;
}

static void
hasher_init_internal (NymBlake3      *self,
                      const uint32_t  key[8],
                      uint8_t         flags)
{
  memset (self, 0, sizeof *self);
  memcpy (self->key, key, sizeof self->key);
  chunk_init (&self->chunk, key, 0, flags);
  self->cv_stack_len = 0;
}

void
nym_blake3_init (NymBlake3 *self)
{
  hasher_init_internal (self, blake3_iv, 0);
}

void
nym_blake3_init_keyed (NymBlake3     *self,
                       const uint8_t  key[static 32])
{
  uint32_t key_words[8];

  for (int i = 0; i < 8; i++)
    key_words[i] = load32_le (key + 4 * i);
  hasher_init_internal (self, key_words, FLAG_KEYED_HASH);
  sodium_memzero (key_words, sizeof key_words);
}

void
nym_blake3_init_derive_key (NymBlake3  *self,
                            const char *context)
{
  NymBlake3 context_hasher;
  uint8_t context_key[NYM_BLAKE3_KEY_LEN];
  uint32_t key_words[8];

  hasher_init_internal (&context_hasher, blake3_iv, FLAG_DERIVE_KEY_CONTEXT);
  nym_blake3_update (&context_hasher, context, strlen (context));
  nym_blake3_finalize (&context_hasher, context_key, sizeof context_key);
  for (int i = 0; i < 8; i++)
    key_words[i] = load32_le (context_key + 4 * i);
  hasher_init_internal (self, key_words, FLAG_DERIVE_KEY_MATERIAL);

  sodium_memzero (&context_hasher, sizeof context_hasher);
  sodium_memzero (context_key, sizeof context_key);
  sodium_memzero (key_words, sizeof key_words);
}

/* The stack of subtree chaining values is merged lazily: after chunk number n (1-based)
 * completes, one merge happens per trailing zero bit of n (paper §5.1.2). The merge is
 * delayed until more input arrives so that the final node can be marked ROOT. */
static void
push_chunk_chaining_value (NymBlake3 *self,
                           uint32_t   new_cv[8],
                           uint64_t   total_chunks)
{
  while ((total_chunks & 1) == 0)
    {
      Blake3Output parent;

      g_assert (self->cv_stack_len > 0);
      self->cv_stack_len--;
      parent_output (self->cv_stack[self->cv_stack_len], new_cv, self->key,
                     self->chunk.flags, &parent);
      output_chaining_value (&parent, new_cv);
      sodium_memzero (&parent, sizeof parent);
      total_chunks >>= 1;
    }

  g_assert (self->cv_stack_len <= NYM_BLAKE3_MAX_DEPTH);
  memcpy (self->cv_stack[self->cv_stack_len], new_cv, 8 * sizeof (uint32_t));
  self->cv_stack_len++;
}

void
nym_blake3_update (NymBlake3  *self,
                   const void *data,
                   size_t      len)
{
  const uint8_t *input = data;

  while (len > 0)
    {
      size_t take;

      if (chunk_len (&self->chunk) == NYM_BLAKE3_CHUNK_LEN)
        {
          Blake3Output output;
          uint32_t chunk_cv[8];
          uint64_t total_chunks = self->chunk.chunk_counter + 1;

          chunk_output (&self->chunk, &output);
          output_chaining_value (&output, chunk_cv);
          push_chunk_chaining_value (self, chunk_cv, total_chunks);
          chunk_init (&self->chunk, self->key, total_chunks, self->chunk.flags);
          sodium_memzero (&output, sizeof output);
          sodium_memzero (chunk_cv, sizeof chunk_cv);
        }

      take = NYM_BLAKE3_CHUNK_LEN - chunk_len (&self->chunk);
      if (take > len)
        take = len;
      chunk_update (&self->chunk, input, take);
      input += take;
      len -= take;
    }
}

void
nym_blake3_finalize (const NymBlake3 *self,
                     uint8_t         *out,
                     size_t           out_len)
{
  Blake3Output output;
  size_t remaining = self->cv_stack_len;

  chunk_output (&self->chunk, &output);
  while (remaining > 0)
    {
      uint32_t right_cv[8];

      remaining--;
      output_chaining_value (&output, right_cv);
      parent_output (self->cv_stack[remaining], right_cv, self->key, self->chunk.flags,
                     &output);
      sodium_memzero (right_cv, sizeof right_cv);
    }

  output_root_bytes (&output, out, out_len);
  sodium_memzero (&output, sizeof output);
}

void
nym_blake3 (const void *data,
            size_t      len,
            uint8_t     out[static 32])
{
  NymBlake3 hasher;

  nym_blake3_init (&hasher);
  nym_blake3_update (&hasher, data, len);
  nym_blake3_finalize (&hasher, out, NYM_BLAKE3_OUT_LEN);
  sodium_memzero (&hasher, sizeof hasher);
}
