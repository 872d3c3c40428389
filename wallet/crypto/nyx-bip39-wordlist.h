/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The BIP39 English word list, generated at build time from wallet/data/bip39-english.txt. */
#pragma once

/* Sorted, so that a word's index can be found by binary search. */
extern const char *const nyx_bip39_english[2048];
