/* flex-search-provider.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The GNOME Shell search provider (org.gnome.Shell.SearchProvider2): typing
 * a name or a number in the Activities overview shows the matching contacts
 * (My, Shared) and recent customers with their numbers; activating one opens
 * the app's call confirmation for it; "search in the app" opens the window
 * with the search. Matching is the lists' own (flex-search.c: accents, case
 * and phone punctuation aside), every term must match.
 */

#define G_LOG_DOMAIN "flex-search-provider"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "flex-application.h"
#include "flex-phone.h"
#include "flex-search-provider.h"
#include "flex-search.h"
#include "flex-window.h"

#define MAX_RESULTS 20

static const char introspection_xml[] =
    "<node>"
    "  <interface name='org.gnome.Shell.SearchProvider2'>"
    "    <method name='GetInitialResultSet'>"
    "      <arg type='as' name='terms' direction='in'/>"
    "      <arg type='as' name='results' direction='out'/>"
    "    </method>"
    "    <method name='GetSubsearchResultSet'>"
    "      <arg type='as' name='previous_results' direction='in'/>"
    "      <arg type='as' name='terms' direction='in'/>"
    "      <arg type='as' name='results' direction='out'/>"
    "    </method>"
    "    <method name='GetResultMetas'>"
    "      <arg type='as' name='identifiers' direction='in'/>"
    "      <arg type='aa{sv}' name='metas' direction='out'/>"
    "    </method>"
    "    <method name='ActivateResult'>"
    "      <arg type='s' name='identifier' direction='in'/>"
    "      <arg type='as' name='terms' direction='in'/>"
    "      <arg type='u' name='timestamp' direction='in'/>"
    "    </method>"
    "    <method name='LaunchSearch'>"
    "      <arg type='as' name='terms' direction='in'/>"
    "      <arg type='u' name='timestamp' direction='in'/>"
    "    </method>"
    "  </interface>"
    "</node>";

struct _FlexSearchProvider
{
  GObject parent_instance;

  FlexApplication *application; /* borrowed: the application owns this */
  GDBusConnection *connection;
  guint registration;
};

G_DEFINE_FINAL_TYPE (FlexSearchProvider, flex_search_provider, G_TYPE_OBJECT)

static void
flex_search_provider_finalize (GObject *object)
{
  FlexSearchProvider *self = FLEX_SEARCH_PROVIDER (object);

  flex_search_provider_unregister (self);
  G_OBJECT_CLASS (flex_search_provider_parent_class)->finalize (object);
}

static void
flex_search_provider_class_init (FlexSearchProviderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = flex_search_provider_finalize;
}

static void
flex_search_provider_init (FlexSearchProvider *self)
{
}

FlexSearchProvider *
flex_search_provider_new (FlexApplication *application)
{
  FlexSearchProvider *self = g_object_new (FLEX_TYPE_SEARCH_PROVIDER, NULL);

  self->application = application;
  return self;
}

/* Results are "p:KEY" (My Contacts), "s:KEY" (Shared) and "r:KEY" (a
 * recent customer). */

static FlexDirectory *
directory_of (FlexSearchProvider *self, char kind)
{
  FlexSession *session = flex_application_get_session (self->application);

  if (session == NULL)
    return NULL;
  switch (kind)
    {
      case 'p':
        return flex_session_get_personal (session);
      case 's':
        return flex_session_get_shared (session);
      case 'r':
        return flex_session_get_recents (session);
      default:
        return NULL;
    }
}

static gpointer
lookup (FlexSearchProvider *self, const char *id)
{
  FlexDirectory *directory;

  if (id == NULL || strlen (id) < 3 || id[1] != ':' ||
      (directory = directory_of (self, id[0])) == NULL)
    return NULL;
  return flex_directory_lookup (directory, id + 2);
}

static const char *
search_text (gpointer item)
{
  return FLEX_IS_CONTACT (item) ? flex_contact_get_search_text (item)
                                : flex_recent_get_search_text (item);
}

/* A recent's name, its own or the one My or Shared Contacts give its
 * number (%NULL: none); @looked_up says which. */
static const char *
recent_name (FlexSearchProvider *self, FlexRecent *recent, gboolean *looked_up)
{
  FlexDirectory *sources[] = { directory_of (self, 'p'), directory_of (self, 's') };
  guint source = 0;
  const char *name = flex_directory_name_recent (recent, sources, G_N_ELEMENTS (sources), &source);

  if (looked_up != NULL)
    *looked_up = source != 0;
  return name;
}

/* Every term, folded as the lists fold it, is in the item's search text
 * (for a customer named from the lists, that name too). */
static gboolean
matches (FlexSearchProvider *self, gpointer item, GStrv needles)
{
  g_autofree char *with_name = NULL;
  const char *haystack = search_text (item);
  gboolean looked_up = FALSE;
  const char *name = FLEX_IS_RECENT (item) ? recent_name (self, item, &looked_up) : NULL;

  if (looked_up)
    {
      g_autofree char *folded = flex_search_fold (name);

      haystack = with_name = g_strconcat (folded, "\n", haystack, NULL);
    }

  for (guint i = 0; needles[i] != NULL; i++)
    if (*needles[i] != '\0' && (haystack == NULL || strstr (haystack, needles[i]) == NULL))
      return FALSE;
  return TRUE;
}

static GStrv
fold_terms (const char *const *terms)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; terms[i] != NULL; i++)
    {
      g_autofree char *needle = flex_search_needle (terms[i]);

      if (needle != NULL && *needle != '\0')
        g_strv_builder_add (builder, needle);
    }
  return g_strv_builder_end (builder);
}

/* A recent can be called back only over voice; one of several recents of
 * the same customer is enough. */
static gboolean
callable_recent (FlexRecent *recent, GHashTable *seen)
{
  const char *number = flex_recent_get_customer_address (recent);

  return flex_recent_is_voice (recent) && number != NULL && *number != '\0' &&
         g_hash_table_add (seen, (gpointer) number);
}

static GVariant *
initial_results (FlexSearchProvider *self, const char *const *terms)
{
  g_auto (GStrv) needles = fold_terms (terms);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GVariantBuilder results;
  const char kinds[] = { 'p', 's', 'r' };
  guint n = 0;

  g_variant_builder_init (&results, G_VARIANT_TYPE ("as"));
  for (guint k = 0; k < G_N_ELEMENTS (kinds) && needles[0] != NULL; k++)
    {
      FlexDirectory *directory = directory_of (self, kinds[k]);
      GListModel *items = G_LIST_MODEL (directory);

      for (guint i = 0;
           directory != NULL && i < g_list_model_get_n_items (items) && n < MAX_RESULTS; i++)
        {
          g_autoptr (GObject) item = g_list_model_get_item (items, i);
          g_autofree char *id = NULL;

          if (!matches (self, item, needles))
            continue;
          if (kinds[k] == 'r' && !callable_recent (FLEX_RECENT (item), seen))
            continue;
          id = g_strdup_printf ("%c:%s", kinds[k],
                                FLEX_IS_CONTACT (item) ? flex_contact_get_key (FLEX_CONTACT (item))
                                                       : flex_recent_get_key (FLEX_RECENT (item)));
          g_variant_builder_add (&results, "s", id);
          n++;
        }
    }
  return g_variant_new ("(as)", &results);
}

static GVariant *
subsearch_results (FlexSearchProvider *self, const char *const *previous, const char *const *terms)
{
  g_auto (GStrv) needles = fold_terms (terms);
  GVariantBuilder results;

  g_variant_builder_init (&results, G_VARIANT_TYPE ("as"));
  for (guint i = 0; previous[i] != NULL; i++)
    {
      gpointer item = lookup (self, previous[i]);

      if (item != NULL && matches (self, item, needles))
        g_variant_builder_add (&results, "s", previous[i]);
    }
  return g_variant_new ("(as)", &results);
}

static GVariant *
result_metas (FlexSearchProvider *self, const char *const *ids)
{
  GVariantBuilder metas;

  g_variant_builder_init (&metas, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; ids[i] != NULL; i++)
    {
      gpointer item = lookup (self, ids[i]);
      g_autoptr (GIcon) icon = NULL;
      g_autofree char *number = NULL;
      g_autofree char *description = NULL;
      const char *name;

      if (item == NULL)
        continue;
      if (FLEX_IS_CONTACT (item))
        {
          name = flex_contact_get_name (item);
          number = flex_phone_format (flex_contact_get_phone_number (item),
                                      FLEX_PHONE_FORMAT_INTERNATIONAL, NULL);
          description = g_strdup_printf (
              "%s · %s", number, ids[i][0] == 's' ? _ ("Shared Contacts") : _ ("My Contacts"));
          icon = g_themed_icon_new ("avatar-default-symbolic");
        }
      else
        {
          name = recent_name (self, item, NULL);
          if (name == NULL)
            name = _ ("Customer");
          number = flex_phone_format (flex_recent_get_customer_address (item),
                                      FLEX_PHONE_FORMAT_INTERNATIONAL, NULL);
          description = g_strdup_printf ("%s · %s", number, _ ("Recents"));
          icon = g_themed_icon_new ("document-open-recent-symbolic");
        }

      g_variant_builder_open (&metas, G_VARIANT_TYPE ("a{sv}"));
      g_variant_builder_add (&metas, "{sv}", "id", g_variant_new_string (ids[i]));
      g_variant_builder_add (&metas, "{sv}", "name", g_variant_new_string (name));
      g_variant_builder_add (&metas, "{sv}", "description", g_variant_new_string (description));
      g_variant_builder_add (&metas, "{sv}", "gicon",
                             g_variant_new_take_string (g_icon_to_string (icon)));
      g_variant_builder_close (&metas);
    }
  return g_variant_new ("(aa{sv})", &metas);
}

/* The main window, shown: the sign-in window when nobody is signed in. */
static FlexWindow *
present_window (FlexSearchProvider *self, guint32 timestamp)
{
  GtkWindow *window;

  g_application_activate (G_APPLICATION (self->application));
  window = gtk_application_get_active_window (GTK_APPLICATION (self->application));
  if (window == NULL)
    return NULL;
  gtk_window_present_with_time (window, timestamp);
  return FLEX_IS_WINDOW (window) ? FLEX_WINDOW (window) : NULL;
}

static void
activate_result (FlexSearchProvider *self, const char *id, guint32 timestamp)
{
  gpointer item = lookup (self, id);
  FlexWindow *window;
  const char *number, *name;

  if (item == NULL)
    return;
  if (FLEX_IS_CONTACT (item))
    {
      number = flex_contact_get_phone_number (item);
      name = flex_contact_get_name (item);
    }
  else
    {
      number = flex_recent_get_customer_address (item);
      name = flex_recent_get_name (item);
    }
  window = present_window (self, timestamp);
  g_debug ("Activated %s: asking to call %s", id, number);
  /* Another program asked (any D-Bus peer can): the name is our row's, and
   * Enter does not call. */
  if (window != NULL)
    flex_window_call_from_outside (window, number, name);
}

static void
launch_search (FlexSearchProvider *self, const char *const *terms, guint32 timestamp)
{
  g_autofree char *text = g_strjoinv (" ", (char **) terms);
  FlexWindow *window = present_window (self, timestamp);

  g_debug ("Searching the app for “%s”", text);
  if (window != NULL)
    flex_window_set_search_text (window, text);
}

static void
on_method_call (GDBusConnection *connection,
                const char *sender,
                const char *object_path,
                const char *interface_name,
                const char *method_name,
                GVariant *parameters,
                GDBusMethodInvocation *invocation,
                gpointer user_data)
{
  FlexSearchProvider *self = user_data;

  if (g_str_equal (method_name, "GetInitialResultSet"))
    {
      g_autofree const char **terms = NULL;

      g_variant_get (parameters, "(^a&s)", &terms);
      g_dbus_method_invocation_return_value (invocation, initial_results (self, terms));
    }
  else if (g_str_equal (method_name, "GetSubsearchResultSet"))
    {
      g_autofree const char **previous = NULL;
      g_autofree const char **terms = NULL;

      g_variant_get (parameters, "(^a&s^a&s)", &previous, &terms);
      g_dbus_method_invocation_return_value (invocation, subsearch_results (self, previous, terms));
    }
  else if (g_str_equal (method_name, "GetResultMetas"))
    {
      g_autofree const char **ids = NULL;

      g_variant_get (parameters, "(^a&s)", &ids);
      g_dbus_method_invocation_return_value (invocation, result_metas (self, ids));
    }
  else if (g_str_equal (method_name, "ActivateResult"))
    {
      const char *id;
      g_autofree const char **terms = NULL;
      guint32 timestamp;

      g_variant_get (parameters, "(&s^a&su)", &id, &terms, &timestamp);
      activate_result (self, id, timestamp);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method_name, "LaunchSearch"))
    {
      g_autofree const char **terms = NULL;
      guint32 timestamp;

      g_variant_get (parameters, "(^a&su)", &terms, &timestamp);
      launch_search (self, terms, timestamp);
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                           "No method %s", method_name);
}

/**
 * flex_search_provider_register:
 * @object_path: the application's object path, with `/SearchProvider`
 *
 * Exports the provider on @connection (from GApplication's dbus_register).
 */
gboolean
flex_search_provider_register (FlexSearchProvider *self,
                               GDBusConnection *connection,
                               const char *object_path,
                               GError **error)
{
  static const GDBusInterfaceVTable vtable = { on_method_call, NULL, NULL, { 0 } };
  g_autoptr (GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (introspection_xml, error);

  g_return_val_if_fail (FLEX_IS_SEARCH_PROVIDER (self), FALSE);

  if (info == NULL)
    return FALSE;
  self->registration = g_dbus_connection_register_object (
      connection, object_path, info->interfaces[0], &vtable, self, NULL, error);
  if (self->registration == 0)
    return FALSE;
  self->connection = g_object_ref (connection);
  return TRUE;
}

void
flex_search_provider_unregister (FlexSearchProvider *self)
{
  g_return_if_fail (FLEX_IS_SEARCH_PROVIDER (self));

  if (self->connection != NULL && self->registration != 0)
    g_dbus_connection_unregister_object (self->connection, self->registration);
  self->registration = 0;
  g_clear_object (&self->connection);
}
