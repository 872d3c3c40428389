/* SPDX-License-Identifier: GPL-3.0-or-later */
/* NymphOnboardingWindow: the steps to create, restore or open a wallet, or to add an account to it. */
#include "nymph-onboarding-window.h"

#include <string.h>

#include <glib/gi18n.h>
#include <sodium.h>

#include "crypto/nyx-bip39.h"
#include "crypto/nyx-secret.h"
#include "nymph-account.h"
#include "nymph-password-strength.h"
#include "nymph-remember-row.h"
#include "nymph-window.h"
#include "vault/nyx-vault.h"

/*
 * The steps follow UX.md point 11 and nym-wallet's auth screens (spec §5.1): new words are
 * shown once with a warning, then three random positions are asked back before the wallet
 * can be created; a typed phrase is checked word by word as it is typed, naming the first
 * word that is not in the BIP39 list. The last step hands everything to the session, whose
 * worker runs Argon2id while this window shows a spinner; an error brings the user back to
 * the step where it can be fixed.
 *
 * The generated mnemonic lives in sodium_malloc() memory. Typed secrets are read from the
 * widgets only when they are used, and the widgets are cleared afterwards.
 */

#define N_CHECK_WORDS   3
#define WORD_COLUMNS    3

struct _NymphOnboardingWindow
{
  AdwWindow            parent_instance;

  /* Template widgets */
  AdwWindowTitle      *window_title;
  GtkButton           *back_button;
  GtkButton           *cancel_button;
  GtkButton           *next_button;
  GtkStack            *stack;
  GtkGrid             *words_grid;
  AdwEntryRow         *check_row_0;
  AdwEntryRow         *check_row_1;
  AdwEntryRow         *check_row_2;
  GtkLabel            *check_hint_label;
  GtkTextView         *phrase_view;
  GtkLabel            *phrase_status_label;
  AdwActionRow        *file_row;
  AdwPasswordEntryRow *file_password_row;
  GtkLabel            *file_error_label;
  AdwPasswordEntryRow *password_row;
  AdwPasswordEntryRow *confirm_row;
  GtkLevelBar         *strength_bar;
  GtkLabel            *strength_label;
  GtkLabel            *match_label;
  GtkLabel            *password_error_label;
  NymphRememberRow    *remember_row;
  NymphRememberRow    *file_remember_row;
  AdwEntryRow         *name_row;
  GtkLabel            *name_error_label;
  GtkSpinner          *progress_spinner;
  GtkLabel            *progress_label;

  /* Owned */
  NymphWalletSession  *session;
  GCancellable        *cancellable;
  GFile               *file;
  GtkFileChooserNative *chooser;
  char                *mnemonic;        /* sodium_malloc(): generated, or the typed phrase once checked */
  char               **words;           /* views into a copy of the generated mnemonic, sodium_malloc() */
  char                *words_buffer;    /* sodium_malloc() */
  guint                check_positions[N_CHECK_WORDS];
  NymphOnboardingMode  mode;
  guint                step;
  gboolean             working;
};

G_DEFINE_FINAL_TYPE (NymphOnboardingWindow, nymph_onboarding_window, ADW_TYPE_WINDOW)

G_DEFINE_ENUM_TYPE (NymphOnboardingMode, nymph_onboarding_mode,
                    G_DEFINE_ENUM_VALUE (NYMPH_ONBOARDING_MODE_CREATE, "create"),
                    G_DEFINE_ENUM_VALUE (NYMPH_ONBOARDING_MODE_RESTORE, "restore"),
                    G_DEFINE_ENUM_VALUE (NYMPH_ONBOARDING_MODE_OPEN_FILE, "open-file"),
                    G_DEFINE_ENUM_VALUE (NYMPH_ONBOARDING_MODE_ADD_NEW, "add-new"),
                    G_DEFINE_ENUM_VALUE (NYMPH_ONBOARDING_MODE_ADD_IMPORT, "add-import"))

enum {
  PROP_0,
  PROP_SESSION,
  PROP_MODE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The steps of each mode, in order; the progress page follows the last one. */
static const char *const create_steps[] = { "words", "check", "password", NULL };
static const char *const restore_steps[] = { "phrase", "password", NULL };
static const char *const open_file_steps[] = { "file", NULL };
static const char *const add_new_steps[] = { "words", "check", "name", NULL };
static const char *const add_import_steps[] = { "phrase", "name", NULL };

static const char *const *
get_steps (NymphOnboardingWindow *self)
{
  switch (self->mode)
    {
    case NYMPH_ONBOARDING_MODE_CREATE:
      return create_steps;
    case NYMPH_ONBOARDING_MODE_RESTORE:
      return restore_steps;
    case NYMPH_ONBOARDING_MODE_OPEN_FILE:
      return open_file_steps;
    case NYMPH_ONBOARDING_MODE_ADD_NEW:
      return add_new_steps;
    case NYMPH_ONBOARDING_MODE_ADD_IMPORT:
    default:
      return add_import_steps;
    }
}

static gboolean
is_last_step (NymphOnboardingWindow *self)
{
  return get_steps (self)[self->step + 1] == NULL;
}

NymphOnboardingWindow *
nymph_onboarding_window_new (GtkWindow           *parent,
                             NymphWalletSession  *session,
                             NymphOnboardingMode  mode)
{
  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (NYMPH_IS_WALLET_SESSION (session), NULL);

  return g_object_new (NYMPH_TYPE_ONBOARDING_WINDOW,
                       "transient-for", parent,
                       "session", session,
                       "mode", mode,
                       NULL);
}

/* The visible step: one of the step names above, or "progress" while the session works. */
const char *
nymph_onboarding_window_get_step (NymphOnboardingWindow *self)
{
  g_return_val_if_fail (NYMPH_IS_ONBOARDING_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

static AdwEntryRow *
get_check_row (NymphOnboardingWindow *self,
               guint                  i)
{
  AdwEntryRow *rows[N_CHECK_WORDS] = { self->check_row_0, self->check_row_1, self->check_row_2 };

  return rows[i];
}

/* Password strength --------------------------------------------------------------------- */

static void
update_strength (NymphOnboardingWindow *self)
{
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  const char *confirm = gtk_editable_get_text (GTK_EDITABLE (self->confirm_row));

  nymph_password_strength_show (password, self->strength_bar, self->strength_label);
  gtk_widget_set_visible (GTK_WIDGET (self->match_label), confirm[0] != '\0' && strcmp (password, confirm) != 0);
}

static gboolean
password_is_acceptable (NymphOnboardingWindow *self)
{
  return nymph_password_is_acceptable (gtk_editable_get_text (GTK_EDITABLE (self->password_row)),
                                       gtk_editable_get_text (GTK_EDITABLE (self->confirm_row)));
}

/* The check of three words --------------------------------------------------------------- */

static gboolean
check_words_match (NymphOnboardingWindow *self)
{
  guint matched = 0;

  for (guint i = 0; i < N_CHECK_WORDS; i++)
    {
      g_autofree char *typed = g_strstrip (g_ascii_strdown (gtk_editable_get_text (GTK_EDITABLE (get_check_row (self, i))), -1));
      const char *expected = self->words[self->check_positions[i]];

      if (strcmp (typed, expected) == 0)
        matched++;
      sodium_memzero (typed, strlen (typed));
    }
  gtk_label_set_text (self->check_hint_label,
                      matched == N_CHECK_WORDS ? _("All three words match.") : "");
  return matched == N_CHECK_WORDS;
}

static int
compare_positions (gconstpointer a,
                   gconstpointer b)
{
  guint x = *(const guint *) a;
  guint y = *(const guint *) b;

  return (x > y) - (x < y);
}

/* Three different positions, asked in ascending order as nym-wallet's users would write them. */
static void
choose_check_positions (NymphOnboardingWindow *self,
                        guint                  n_words)
{
  for (guint i = 0; i < N_CHECK_WORDS; i++)
    {
      gboolean again;

      do
        {
          self->check_positions[i] = randombytes_uniform (n_words);
          again = FALSE;
          for (guint j = 0; j < i; j++)
            again = again || self->check_positions[j] == self->check_positions[i];
        }
      while (again);
    }
  qsort (self->check_positions, N_CHECK_WORDS, sizeof (guint), compare_positions);

  for (guint i = 0; i < N_CHECK_WORDS; i++)
    {
      g_autofree char *title = g_strdup_printf (_("Word #%u"), self->check_positions[i] + 1);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (get_check_row (self, i)), title);
    }
}

/* The words are shown in reading order, numbered, a few columns wide. */
static void
fill_words_grid (NymphOnboardingWindow *self)
{
  for (guint i = 0; self->words[i] != NULL; i++)
    {
      g_autofree char *number = g_strdup_printf ("%u", i + 1);
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
      GtkWidget *number_label = gtk_label_new (number);
      GtkWidget *word_label = gtk_label_new (self->words[i]);

      gtk_label_set_width_chars (GTK_LABEL (number_label), 2);
      gtk_label_set_xalign (GTK_LABEL (number_label), 1);
      gtk_widget_add_css_class (number_label, "dim-label");
      gtk_widget_add_css_class (number_label, "numeric");
      gtk_label_set_xalign (GTK_LABEL (word_label), 0);
      gtk_widget_add_css_class (word_label, "monospace");
      gtk_box_append (GTK_BOX (box), number_label);
      gtk_box_append (GTK_BOX (box), word_label);
      gtk_grid_attach (self->words_grid, box, (int) (i % WORD_COLUMNS), (int) (i / WORD_COLUMNS), 1, 1);
    }
}

static gboolean
generate_mnemonic (NymphOnboardingWindow  *self,
                   GError                **error)
{
  size_t length;
  guint n_words = 0;

  self->mnemonic = nyx_bip39_generate (NYX_BIP39_DEFAULT_WORDS, error);
  if (self->mnemonic == NULL)
    return FALSE;
  length = strlen (self->mnemonic);
  self->words_buffer = nyx_secret_strndup (self->mnemonic, length);
  if (self->words_buffer == NULL)
    {
      g_set_error (error, NYX_SECRET_ERROR, NYX_SECRET_ERROR_NO_MEMORY, "Out of protected memory");
      return FALSE;
    }
  /* Word views into the protected copy: one pointer per word, split at the single spaces. */
  self->words = g_new0 (char *, NYX_BIP39_MAX_WORDS + 1);
  for (char *p = self->words_buffer; p != NULL && n_words < NYX_BIP39_MAX_WORDS; n_words++)
    {
      char *space = strchr (p, ' ');

      self->words[n_words] = p;
      if (space != NULL)
        *space = '\0';
      p = space != NULL ? space + 1 : NULL;
    }
  fill_words_grid (self);
  choose_check_positions (self, n_words);
  return TRUE;
}

/* The typed phrase ----------------------------------------------------------------------- */

static char *
dup_phrase_text (NymphOnboardingWindow *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->phrase_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

static void
free_typed_secret (char *text)
{
  if (text != NULL)
    sodium_memzero (text, strlen (text));
  g_free (text);
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

/*
 * Validates as the user types: words that are complete (followed by white space) must be in
 * the list, and the error names the first one that is not, with its position; the word
 * still being typed is judged only once the phrase could be complete.
 */
static gboolean
check_phrase (NymphOnboardingWindow *self)
{
  char *text = dup_phrase_text (self);
  g_autoptr(GError) error = NULL;
  gboolean valid = FALSE;
  gsize length = strlen (text);
  const char *message = "";
  g_autofree char *count_message = NULL;
  gboolean is_error = FALSE;

  if (nyx_bip39_validate (text, &error))
    {
      valid = TRUE;
      message = _("The recovery phrase is valid.");
    }
  else if (is_blank (text))
    {
      /* An empty phrase has nothing to report yet. */
      message = "";
    }
  else
    {
      gboolean typing = length > 0 && !g_ascii_isspace (text[length - 1]);
      g_autoptr(GError) complete_error = NULL;

      if (typing)
        {
          /* Judge only the words before the one being typed. */
          char *last_space = text + length;

          while (last_space > text && !g_ascii_isspace (last_space[-1]))
            last_space--;
          *last_space = '\0';
          if (!nyx_bip39_validate (text, &complete_error)
              && g_error_matches (complete_error, NYX_BIP39_ERROR, NYX_BIP39_ERROR_UNKNOWN_WORD))
            {
              message = complete_error->message;
              is_error = TRUE;
            }
        }
      if (!is_error)
        {
          if (!typing && g_error_matches (error, NYX_BIP39_ERROR, NYX_BIP39_ERROR_UNKNOWN_WORD))
            {
              message = error->message;
              is_error = TRUE;
            }
          else if (g_error_matches (error, NYX_BIP39_ERROR, NYX_BIP39_ERROR_WORD_COUNT)
                   || (typing && g_error_matches (error, NYX_BIP39_ERROR, NYX_BIP39_ERROR_UNKNOWN_WORD)))
            {
              guint n_words = 0;
              g_auto(GStrv) words = NULL;
              char *copy = dup_phrase_text (self);

              words = g_strsplit_set (copy, " \t\n\r", -1);
              for (guint i = 0; words[i] != NULL; i++)
                {
                  if (words[i][0] != '\0')
                    n_words++;
                  sodium_memzero (words[i], strlen (words[i]));
                }
              free_typed_secret (copy);
              count_message = g_strdup_printf (ngettext ("%u word so far; a recovery phrase has 12, 15, 18, 21 or 24.",
                                                         "%u words so far; a recovery phrase has 12, 15, 18, 21 or 24.",
                                                         n_words),
                                               n_words);
              message = count_message;
            }
          else
            {
              /* A checksum error: every word is known, but one of them is wrong. */
              message = error->message;
              is_error = TRUE;
            }
        }
    }

  gtk_label_set_text (self->phrase_status_label, message);
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->phrase_status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->phrase_status_label), "error");
  if (valid)
    gtk_widget_add_css_class (GTK_WIDGET (self->phrase_status_label), "success");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->phrase_status_label), "success");
  free_typed_secret (text);
  return valid;
}

/* The account name ------------------------------------------------------------------------ */

static gboolean
account_name_exists (NymphOnboardingWindow *self,
                     const char            *name)
{
  GListModel *accounts = nymph_wallet_session_get_accounts (self->session);

  for (guint i = 0; i < g_list_model_get_n_items (accounts); i++)
    {
      g_autoptr(NymphAccount) account = g_list_model_get_item (accounts, i);

      if (g_strcmp0 (nymph_account_get_name (account), name) == 0)
        return TRUE;
    }
  return FALSE;
}

static gboolean
check_name (NymphOnboardingWindow *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  const char *problem = NULL;

  if (name[0] == '\0')
    problem = "";
  else if (g_utf8_strlen (name, -1) > NYX_VAULT_MAX_ACCOUNT_NAME)
    problem = _("The name is too long.");
  else if (account_name_exists (self, name))
    problem = _("An account with this name already exists.");

  gtk_label_set_text (self->name_error_label, problem != NULL ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->name_error_label), problem != NULL && problem[0] != '\0');
  return problem == NULL;
}

static void
suggest_account_name (NymphOnboardingWindow *self)
{
  GListModel *accounts = nymph_wallet_session_get_accounts (self->session);

  for (guint n = g_list_model_get_n_items (accounts) + 1; ; n++)
    {
      g_autofree char *name = g_strdup_printf (_("Account %u"), n);

      if (!account_name_exists (self, name))
        {
          gtk_editable_set_text (GTK_EDITABLE (self->name_row), name);
          return;
        }
    }
}

/* Steps ---------------------------------------------------------------------------------- */

static gboolean
step_is_complete (NymphOnboardingWindow *self,
                  const char            *step)
{
  if (g_str_equal (step, "words"))
    return TRUE;
  if (g_str_equal (step, "check"))
    return check_words_match (self);
  if (g_str_equal (step, "phrase"))
    return check_phrase (self);
  if (g_str_equal (step, "file"))
    return self->file != NULL && gtk_editable_get_text (GTK_EDITABLE (self->file_password_row))[0] != '\0';
  if (g_str_equal (step, "password"))
    {
      update_strength (self);
      return password_is_acceptable (self);
    }
  if (g_str_equal (step, "name"))
    return check_name (self);
  return FALSE;
}

static void
update_next (NymphOnboardingWindow *self)
{
  const char *step = nymph_onboarding_window_get_step (self);
  gboolean working = self->working;

  if (step == NULL)
    return;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "onboarding.next", !working && step_is_complete (self, step));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "onboarding.back", !working && self->step > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), self->step > 0 && !working);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), self->step == 0 && !working);
  gtk_widget_set_visible (GTK_WIDGET (self->next_button), !working);
}

static const char *
get_title (NymphOnboardingWindow *self)
{
  switch (self->mode)
    {
    case NYMPH_ONBOARDING_MODE_CREATE:
      return _("Create Wallet");
    case NYMPH_ONBOARDING_MODE_RESTORE:
      return _("Restore Wallet");
    case NYMPH_ONBOARDING_MODE_OPEN_FILE:
      return _("Open nym-wallet File");
    case NYMPH_ONBOARDING_MODE_ADD_NEW:
      return _("New Account");
    case NYMPH_ONBOARDING_MODE_ADD_IMPORT:
    default:
      return _("Import Account");
    }
}

static const char *
get_finish_label (NymphOnboardingWindow *self)
{
  switch (self->mode)
    {
    case NYMPH_ONBOARDING_MODE_CREATE:
      return _("_Create");
    case NYMPH_ONBOARDING_MODE_RESTORE:
      return _("_Restore");
    case NYMPH_ONBOARDING_MODE_OPEN_FILE:
      return _("_Open");
    case NYMPH_ONBOARDING_MODE_ADD_NEW:
    case NYMPH_ONBOARDING_MODE_ADD_IMPORT:
    default:
      return _("_Add");
    }
}

static void
show_step (NymphOnboardingWindow *self,
           guint                  step)
{
  const char *name = get_steps (self)[step];
  g_autofree char *subtitle = NULL;
  guint n_steps = g_strv_length ((char **) get_steps (self));

  self->step = step;
  gtk_stack_set_visible_child_name (self->stack, name);
  gtk_button_set_label (self->next_button, is_last_step (self) ? get_finish_label (self) : _("_Next"));
  if (n_steps > 1)
    subtitle = g_strdup_printf (_("Step %u of %u"), step + 1, n_steps);
  adw_window_title_set_subtitle (self->window_title, subtitle != NULL ? subtitle : "");
  if (g_str_equal (name, "name") && gtk_editable_get_text (GTK_EDITABLE (self->name_row))[0] == '\0')
    suggest_account_name (self);
  update_next (self);
}

static void
set_working (NymphOnboardingWindow *self,
             gboolean               working,
             const char            *message)
{
  self->working = working;
  gtk_spinner_set_spinning (self->progress_spinner, working);
  if (working)
    {
      gtk_label_set_text (self->progress_label, message);
      gtk_stack_set_visible_child_name (self->stack, "progress");
    }
  update_next (self);
}

static void
show_error (NymphOnboardingWindow *self,
            const char            *message)
{
  const char *step = get_steps (self)[self->step];
  GtkLabel *label = g_str_equal (step, "file") ? self->file_error_label
                    : g_str_equal (step, "name") ? self->name_error_label
                    : self->password_error_label;

  gtk_label_set_text (label, message);
  gtk_widget_set_visible (GTK_WIDGET (label), TRUE);
}

static void
on_operation_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(NymphOnboardingWindow) self = user_data;
  NymphWalletSession *session = NYMPH_WALLET_SESSION (source);
  g_autoptr(GError) error = NULL;
  GtkWindow *parent;
  const char *done = NULL;
  gboolean ok;

  switch (self->mode)
    {
    case NYMPH_ONBOARDING_MODE_CREATE:
    case NYMPH_ONBOARDING_MODE_RESTORE:
      ok = nymph_wallet_session_create_finish (session, result, &error);
      done = self->mode == NYMPH_ONBOARDING_MODE_CREATE ? _("Wallet created") : _("Wallet restored");
      break;
    case NYMPH_ONBOARDING_MODE_OPEN_FILE:
      ok = nymph_wallet_session_import_file_finish (session, result, &error);
      done = _("Wallet opened");
      break;
    case NYMPH_ONBOARDING_MODE_ADD_NEW:
    case NYMPH_ONBOARDING_MODE_ADD_IMPORT:
    default:
      ok = nymph_wallet_session_add_account_finish (session, result, &error);
      done = _("Account added");
      break;
    }

  /* Closed while the worker ran: nothing left to show. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->session == NULL)
    return;

  if (ok)
    {
      parent = gtk_window_get_transient_for (GTK_WINDOW (self));
      if (NYMPH_IS_WINDOW (parent))
        nymph_window_add_toast (NYMPH_WINDOW (parent), adw_toast_new (done));
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  set_working (self, FALSE, NULL);
  show_step (self, self->step);
  show_error (self, nymph_wallet_session_get_error_message (session) != NULL
                    ? nymph_wallet_session_get_error_message (session) : error->message);
}

/* Takes the typed phrase, canonical, into protected memory. */
static gboolean
take_phrase (NymphOnboardingWindow *self)
{
  char *text = dup_phrase_text (self);

  nyx_secret_free (self->mnemonic);
  self->mnemonic = nyx_bip39_normalize (text, NULL, NULL);
  free_typed_secret (text);
  return self->mnemonic != NULL;
}

static void
finish (NymphOnboardingWindow *self)
{
  switch (self->mode)
    {
    case NYMPH_ONBOARDING_MODE_RESTORE:
      if (!take_phrase (self))
        return;
      G_GNUC_FALLTHROUGH;
    case NYMPH_ONBOARDING_MODE_CREATE:
      set_working (self, TRUE, _("Encrypting your wallet…"));
      nymph_wallet_session_create_async (self->session,
                                         gtk_editable_get_text (GTK_EDITABLE (self->password_row)),
                                         self->mnemonic, self->cancellable,
                                         on_operation_done, g_object_ref (self));
      gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
      gtk_editable_set_text (GTK_EDITABLE (self->confirm_row), "");
      break;

    case NYMPH_ONBOARDING_MODE_OPEN_FILE:
      {
        g_autofree char *path = g_file_get_path (self->file);

        if (path == NULL)
          {
            show_error (self, _("Only files on this computer can be opened."));
            return;
          }
        set_working (self, TRUE, _("Opening the wallet file…"));
        nymph_wallet_session_import_file_async (self->session, path,
                                                gtk_editable_get_text (GTK_EDITABLE (self->file_password_row)),
                                                self->cancellable, on_operation_done, g_object_ref (self));
        gtk_editable_set_text (GTK_EDITABLE (self->file_password_row), "");
      }
      break;

    case NYMPH_ONBOARDING_MODE_ADD_IMPORT:
      if (!take_phrase (self))
        return;
      G_GNUC_FALLTHROUGH;
    case NYMPH_ONBOARDING_MODE_ADD_NEW:
    default:
      {
        g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));

        set_working (self, TRUE, _("Encrypting your wallet…"));
        nymph_wallet_session_add_account_async (self->session, name, self->mnemonic, self->cancellable,
                                                on_operation_done, g_object_ref (self));
      }
      break;
    }
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  NymphOnboardingWindow *self = NYMPH_ONBOARDING_WINDOW (widget);
  const char *step = get_steps (self)[self->step];

  if (self->working || !step_is_complete (self, step))
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->password_error_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->file_error_label), FALSE);
  if (is_last_step (self))
    finish (self);
  else
    show_step (self, self->step + 1);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  NymphOnboardingWindow *self = NYMPH_ONBOARDING_WINDOW (widget);

  if (!self->working && self->step > 0)
    show_step (self, self->step - 1);
}

static void
on_entry_activated (NymphOnboardingWindow *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "onboarding.next", NULL);
}

static void
copy_words_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  NymphOnboardingWindow *self = NYMPH_ONBOARDING_WINDOW (widget);

  /* The user asked for it; the clipboard is outside what protected memory can cover. */
  if (self->mnemonic != NULL)
    gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), self->mnemonic);
}

void
nymph_onboarding_window_set_file (NymphOnboardingWindow *self,
                                  GFile                 *file)
{
  g_autofree char *name = NULL;

  g_return_if_fail (NYMPH_IS_ONBOARDING_WINDOW (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  g_set_object (&self->file, file);
  name = file != NULL ? g_file_get_parse_name (file) : NULL;
  adw_action_row_set_subtitle (self->file_row, name != NULL ? name : _("No file chosen"));
  gtk_widget_set_visible (GTK_WIDGET (self->file_error_label), FALSE);
  update_next (self);
  if (file != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (self->file_password_row));
}

static void
on_chooser_response (GtkNativeDialog       *chooser,
                     int                    response,
                     NymphOnboardingWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      nymph_onboarding_window_set_file (self, file);
    }
}

/* nym-wallet keeps its file in $XDG_DATA_HOME/nym-wallet (spec §5.3): start there if it exists. */
void
nymph_onboarding_window_choose_file (NymphOnboardingWindow *self)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *nym_wallet_dir = g_build_filename (g_get_user_data_dir (), "nym-wallet", NULL);

  g_return_if_fail (NYMPH_IS_ONBOARDING_WINDOW (self));

  if (self->chooser == NULL)
    {
      self->chooser = gtk_file_chooser_native_new (_("Open nym-wallet File"), GTK_WINDOW (self),
                                                   GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
      gtk_file_filter_set_name (filter, _("Wallet files (JSON)"));
      gtk_file_filter_add_mime_type (filter, "application/json");
      gtk_file_filter_add_pattern (filter, "*.json");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
      if (g_file_test (nym_wallet_dir, G_FILE_TEST_IS_DIR))
        {
          g_autoptr(GFile) folder = g_file_new_for_path (nym_wallet_dir);

          gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
        }
      g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response), self, 0);
    }
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
choose_file_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  nymph_onboarding_window_choose_file (NYMPH_ONBOARDING_WINDOW (widget));
}

/* GObject --------------------------------------------------------------------------------- */

static void
nymph_onboarding_window_constructed (GObject *object)
{
  NymphOnboardingWindow *self = NYMPH_ONBOARDING_WINDOW (object);
  g_autoptr(GError) error = NULL;

  G_OBJECT_CLASS (nymph_onboarding_window_parent_class)->constructed (object);

  g_assert (self->session != NULL);
  nymph_remember_row_set_session (self->remember_row, self->session);
  nymph_remember_row_set_session (self->file_remember_row, self->session);
  adw_window_title_set_title (self->window_title, get_title (self));
  gtk_window_set_title (GTK_WINDOW (self), get_title (self));
  if (self->mode == NYMPH_ONBOARDING_MODE_CREATE || self->mode == NYMPH_ONBOARDING_MODE_ADD_NEW)
    {
      /* Without randomness there is nothing safe to offer; the window says so and stops. */
      if (!generate_mnemonic (self, &error))
        {
          self->mode = NYMPH_ONBOARDING_MODE_RESTORE;
          show_step (self, 0);
          gtk_label_set_text (self->phrase_status_label, error->message);
          return;
        }
    }
  nymph_onboarding_window_set_file (self, NULL);
  show_step (self, 0);
}

static gboolean
nymph_onboarding_window_close_request (GtkWindow *window)
{
  NymphOnboardingWindow *self = NYMPH_ONBOARDING_WINDOW (window);

  /* Closing stops a worker that has not started yet; one already running finishes in the
   * session, which stays consistent either way. */
  g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (nymph_onboarding_window_parent_class)->close_request (window);
}

static void
nymph_onboarding_window_dispose (GObject *object)
{
  NymphOnboardingWindow *self = NYMPH_ONBOARDING_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  /* The labels hold copies of the words; empty them before the template goes. */
  if (self->words_grid != NULL)
    {
      GtkWidget *child;

      while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->words_grid))) != NULL)
        gtk_grid_remove (self->words_grid, child);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), NYMPH_TYPE_ONBOARDING_WINDOW);
  g_clear_object (&self->session);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->file);

  G_OBJECT_CLASS (nymph_onboarding_window_parent_class)->dispose (object);
}

static void
nymph_onboarding_window_finalize (GObject *object)
{
  NymphOnboardingWindow *self = NYMPH_ONBOARDING_WINDOW (object);

  nyx_secret_free (self->mnemonic);
  nyx_secret_free (self->words_buffer);
  g_free (self->words);

  G_OBJECT_CLASS (nymph_onboarding_window_parent_class)->finalize (object);
}

static void
nymph_onboarding_window_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  NymphOnboardingWindow *self = NYMPH_ONBOARDING_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_MODE:
      g_value_set_enum (value, self->mode);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nymph_onboarding_window_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  NymphOnboardingWindow *self = NYMPH_ONBOARDING_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      self->session = g_value_dup_object (value);
      break;

    case PROP_MODE:
      self->mode = g_value_get_enum (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
nymph_onboarding_window_class_init (NymphOnboardingWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = nymph_onboarding_window_constructed;
  object_class->dispose = nymph_onboarding_window_dispose;
  object_class->finalize = nymph_onboarding_window_finalize;
  object_class->get_property = nymph_onboarding_window_get_property;
  object_class->set_property = nymph_onboarding_window_set_property;
  window_class->close_request = nymph_onboarding_window_close_request;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL, NYMPH_TYPE_WALLET_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  properties[PROP_MODE] =
    g_param_spec_enum ("mode", NULL, NULL, NYMPH_TYPE_ONBOARDING_MODE, NYMPH_ONBOARDING_MODE_CREATE,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (NYMPH_TYPE_REMEMBER_ROW);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/nymph/Nymph/nymph-onboarding-window.ui");
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, next_button);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, words_grid);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, check_row_0);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, check_row_1);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, check_row_2);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, check_hint_label);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, phrase_view);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, phrase_status_label);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, file_row);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, file_password_row);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, file_error_label);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, password_row);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, confirm_row);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, strength_bar);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, strength_label);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, match_label);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, password_error_label);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, remember_row);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, file_remember_row);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, name_error_label);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, progress_spinner);
  gtk_widget_class_bind_template_child (widget_class, NymphOnboardingWindow, progress_label);
  gtk_widget_class_bind_template_callback (widget_class, update_next);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated);

  gtk_widget_class_install_action (widget_class, "onboarding.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "onboarding.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "onboarding.copy-words", NULL, copy_words_action);
  gtk_widget_class_install_action (widget_class, "onboarding.choose-file", NULL, choose_file_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
on_phrase_changed (NymphOnboardingWindow *self)
{
  update_next (self);
}

static void
nymph_onboarding_window_init (NymphOnboardingWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  nymph_password_strength_init_bar (self->strength_bar);
  g_signal_connect_object (gtk_text_view_get_buffer (self->phrase_view), "changed",
                           G_CALLBACK (on_phrase_changed), self, G_CONNECT_SWAPPED);
}
