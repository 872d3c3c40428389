/* SPDX-License-Identifier: GPL-3.0-or-later */
/* BIP39 English mnemonics: generation, validation with precise errors, and the PBKDF2 seed. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

#define NYX_BIP39_ERROR (nyx_bip39_error_quark ())

typedef enum
{
  NYX_BIP39_ERROR_WORD_COUNT,    /* not 12, 15, 18, 21 or 24 words */
  NYX_BIP39_ERROR_UNKNOWN_WORD,  /* a word is not in the English list; the message names it and its position */
  NYX_BIP39_ERROR_CHECKSUM,      /* all words known, but the checksum bits do not match */
  NYX_BIP39_ERROR_ENTROPY_SIZE,  /* entropy is not 16, 20, 24, 28 or 32 bytes */
  NYX_BIP39_ERROR_INVALID_TEXT,  /* not UTF-8, contains characters no English word has, or too long */
  NYX_BIP39_ERROR_KDF,           /* libgcrypt's PBKDF2 failed */
} NyxBip39Error;

#define NYX_BIP39_WORDLIST_SIZE    2048
#define NYX_BIP39_SEED_SIZE        64
#define NYX_BIP39_MAX_ENTROPY_SIZE 32
#define NYX_BIP39_MAX_WORDS        24
/* nym-wallet generates 24-word mnemonics (spec nyx-wallet.md §2.1). */
#define NYX_BIP39_DEFAULT_WORDS    24
/* Longest canonical mnemonic: 24 words of at most 8 letters, 23 spaces, and the NUL. */
#define NYX_BIP39_MAX_MNEMONIC_SIZE (24 * 8 + 23 + 1)

GQuark      nyx_bip39_error_quark      (void);

/* Word @index (0..2047) of the English list, or NULL when out of range. */
const char *nyx_bip39_word             (unsigned int index) G_GNUC_WARN_UNUSED_RESULT;
/* Index of @word (@len bytes, not NUL-terminated) in the English list, or -1. */
int         nyx_bip39_word_index       (const char *word,
                                        size_t      len) G_GNUC_WARN_UNUSED_RESULT;

/*
 * All mnemonic strings returned here live in sodium_malloc() memory and must be released
 * with nyx_bip39_mnemonic_free(), which wipes them.
 */
char       *nyx_bip39_mnemonic_from_entropy (const uint8_t *entropy,
                                             size_t         entropy_len,
                                             GError       **error) G_GNUC_WARN_UNUSED_RESULT;
/* A fresh mnemonic of @word_count words (12, 15, 18, 21, 24) from libsodium randomness. */
char       *nyx_bip39_generate         (unsigned int word_count,
                                        GError     **error) G_GNUC_WARN_UNUSED_RESULT;
void        nyx_bip39_mnemonic_free    (char *mnemonic);

/*
 * Checks a mnemonic as a user typed it: words may be separated by any run of white space,
 * leading and trailing white space is ignored, and ASCII upper case is folded to lower case.
 * On success the canonical form (single spaces, lower case) is returned in sodium_malloc()
 * memory; that is the string the seed is computed from. @word_count_out may be NULL.
 */
char       *nyx_bip39_normalize        (const char   *mnemonic,
                                        unsigned int *word_count_out,
                                        GError      **error) G_GNUC_WARN_UNUSED_RESULT;
bool        nyx_bip39_validate         (const char *mnemonic,
                                        GError    **error) G_GNUC_WARN_UNUSED_RESULT;
/* The entropy the mnemonic encodes; @entropy_len receives 16..32. */
bool        nyx_bip39_to_entropy       (const char *mnemonic,
                                        uint8_t     entropy[static NYX_BIP39_MAX_ENTROPY_SIZE],
                                        size_t     *entropy_len,
                                        GError    **error) G_GNUC_WARN_UNUSED_RESULT;
/*
 * seed = PBKDF2-HMAC-SHA512(mnemonic, "mnemonic" + passphrase, 2048, 64). The mnemonic is
 * validated first. @passphrase may be NULL for the empty passphrase, which is what nym-wallet
 * always uses (spec §2.1); it is NFKD-normalised as BIP39 requires.
 */
bool        nyx_bip39_to_seed          (const char *mnemonic,
                                        const char *passphrase,
                                        uint8_t     seed[static NYX_BIP39_SEED_SIZE],
                                        GError    **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
