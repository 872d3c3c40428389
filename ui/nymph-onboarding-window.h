/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymphOnboardingWindow: the steps to create, restore or open a wallet, or to add an account to it. */
#pragma once

#include <adwaita.h>

#include "nymph-wallet-session.h"

G_BEGIN_DECLS

typedef enum
{
  NYMPH_ONBOARDING_MODE_CREATE,      /* new 24 words, check of three, password */
  NYMPH_ONBOARDING_MODE_RESTORE,     /* a typed phrase, password */
  NYMPH_ONBOARDING_MODE_OPEN_FILE,   /* a nym-wallet file and its password */
  NYMPH_ONBOARDING_MODE_ADD_NEW,     /* an account with new words, check, name */
  NYMPH_ONBOARDING_MODE_ADD_IMPORT,  /* an account from a typed phrase, name */
} NymphOnboardingMode;

#define NYMPH_TYPE_ONBOARDING_MODE (nymph_onboarding_mode_get_type ())
GType nymph_onboarding_mode_get_type (void);

#define NYMPH_TYPE_ONBOARDING_WINDOW (nymph_onboarding_window_get_type ())

G_DECLARE_FINAL_TYPE (NymphOnboardingWindow, nymph_onboarding_window, NYMPH, ONBOARDING_WINDOW, AdwWindow)

NymphOnboardingWindow *nymph_onboarding_window_new         (GtkWindow             *parent,
                                                            NymphWalletSession    *session,
                                                            NymphOnboardingMode    mode);
const char            *nymph_onboarding_window_get_step    (NymphOnboardingWindow *self);
void                   nymph_onboarding_window_choose_file (NymphOnboardingWindow *self);
void                   nymph_onboarding_window_set_file    (NymphOnboardingWindow *self,
                                                            GFile                 *file);

G_END_DECLS
