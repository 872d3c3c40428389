/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A portable BLAKE3 hasher: plain hash, keyed hash and extendable output (XOF). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

#define NYM_BLAKE3_OUT_LEN   32
#define NYM_BLAKE3_KEY_LEN   32
#define NYM_BLAKE3_BLOCK_LEN 64
#define NYM_BLAKE3_CHUNK_LEN 1024
/* 2^54 chunks of 1 KiB is the most BLAKE3 ever needs to stack (the 2^64-byte input limit). */
#define NYM_BLAKE3_MAX_DEPTH 54

/* The state of one chunk (up to 16 blocks of 64 bytes) being compressed. */
typedef struct
{
  uint32_t cv[8];
  uint64_t chunk_counter;
  uint8_t  block[NYM_BLAKE3_BLOCK_LEN];
  uint8_t  block_len;
  uint8_t  blocks_compressed;
  uint8_t  flags;
} NymBlake3Chunk;

/* An incremental BLAKE3 hasher; it owns no heap memory, so it can live on the stack. */
typedef struct
{
  uint32_t       key[8];
  NymBlake3Chunk chunk;
  uint8_t        cv_stack_len;
  uint32_t       cv_stack[NYM_BLAKE3_MAX_DEPTH + 1][8];
} NymBlake3;

/* finalize() does not change the hasher: more input may follow, and out_len may be anything
 * (extended output). init_derive_key() is BLAKE3's derive-key mode (paper §2.8), whose
 * context must be a hard-coded, globally unique string. */
void nym_blake3_init            (NymBlake3       *self);
void nym_blake3_init_keyed      (NymBlake3       *self,
                                 const uint8_t    key[static 32]);
void nym_blake3_init_derive_key (NymBlake3       *self,
                                 const char      *context);
void nym_blake3_update          (NymBlake3       *self,
                                 const void      *data,
                                 size_t           len);
void nym_blake3_finalize        (const NymBlake3 *self,
                                 uint8_t         *out,
                                 size_t           out_len);
void nym_blake3                 (const void      *data,
                                 size_t           len,
                                 uint8_t          out[static 32]);

G_END_DECLS
