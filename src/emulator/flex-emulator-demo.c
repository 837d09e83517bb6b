/* flex-emulator-demo.c
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "flex-emulator"

#include "config.h"

#include "flex-emulator-private.h"

/*
 * The demo data of `flex-contacts --sandbox` and `flex-sync-emulator --demo`:
 * one whole fake Flex account, so that the app runs against it exactly as
 * against Twilio.
 */

static const struct
{
  const char *name;
  const char *phone;
  const char *notes;
} personal_contacts[] = {
  { "Amelia Watson", "+13125550142", "Prefers calls after 3 pm" },
  { "Bruno Díaz", "+34912345678", "Spanish speaker" },
  { "Chen Wei", "+861012345678", "" },
  { "Dana Kowalski", "+13125550187", "Escalations, billing" },
  { "Émile Laurent", "+33142685300", "" },
  { "Farah Haddad", "+447700900123", "Account manager, UK" },
  { "Gustavo Lima", "+5511987654321", "" },
  { "Hanna Schmidt", "+4930123456789", "German support desk" },
  { "Isabel Ortega", "+525512345678", "" },
  { "Jonas Berg", "+4681234567", "" },
  { "Kenji Sato", "+81312345678", "Tokyo office, JST" },
  { "Leah O'Brien", "+35312345678", "" },
};

static const char *const shared_names[] = {
  "Billing Desk",
  "Claims Team",
  "Collections",
  "Customer Care EMEA",
  "Customer Care US",
  "Dispatch",
  "Escalations",
  "Facilities",
  "Fraud Prevention",
  "Help Desk",
  "HR Hotline",
  "IT Service Desk",
  "Legal",
  "Logistics",
  "Night Supervisor",
  "Onboarding",
  "Payroll",
  "Quality Assurance",
  "Retentions",
  "Returns",
  "Sales Inbound",
  "Security Office",
  "Spanish Line",
  "Technical Support",
  "Warehouse",
};

static const struct
{
  const char *channel;
  const char *direction;
  const char *customer;
  const char *inbound;
  const char *name;
  const char *queue;
  const char *outcome;
  const char *notes;
  const char *locale; /* how the agent's browser printed dateTime */
  int minutes_ago;
  int duration;
} recents[] = {
  { "voice", "inbound", "+13125550199", "+18005550100", "Maria Gonzalez", "Support", "Completed",
    "Asked about the refund status", "en-US", 12, 312 },
  { "voice", "outbound", "+13125550142", "+18005550100", "Amelia Watson", "Outbound", "Completed",
    "", "en-US-narrow", 47, 95 },
  { "sms", "inbound", "+447700900456", "+447700900000", NULL, "UK Support", "Completed",
    "Delivery address change", "en-GB", 95, 640 },
  { "whatsapp", "inbound", "whatsapp:+5511912345678", "whatsapp:+14155550100", "Paulo Souza",
    "WhatsApp", "Transferred", "", "es-MX", 180, 1260 },
  { "web", "inbound", "visitor-7f3a", "webchat", "Lena", "Web Chat", "Completed",
    "Password reset link sent", "de-DE", 260, 420 },
  { "voice", "inbound", "+33142685300", "+33170000000", "Émile Laurent", "France", "Voicemail", "",
    "fr-FR", 400, 48 },
  { "voice", "inbound", "+81312345678", "+81300000000", "Kenji Sato", "APAC", "Completed",
    "Follow up on Monday", "ja-JP", 1500, 3725 },
  { "custom", "inbound", "ticket-55012", "email", "Support ticket", "Email", "Completed", "",
    "nl-NL", 2900, 0 },
  { "voice", "outbound", "+34912345678", "+18005550100", "Bruno Díaz", "Outbound", "No answer", "",
    "es-ES", 4300, 0 },
  { "sms", "outbound", "+13125550187", "+18005550100", "Dana Kowalski", "Billing", "Completed",
    "Sent invoice copy", "en-US", 8600, 30 },
  { "voice", "inbound", "+13125550123", "+18005550100", NULL, "Support", "Abandoned", "", "en-US",
    12000, 15 },
};

static char *
format_like_browser (GDateTime *utc, const char *locale)
{
  g_autoptr (GDateTime) local = g_date_time_to_local (utc);
  int hour12 = g_date_time_get_hour (local) % 12 == 0 ? 12 : g_date_time_get_hour (local) % 12;
  gboolean pm = g_date_time_get_hour (local) >= 12;
  int d = g_date_time_get_day_of_month (local);
  int m = g_date_time_get_month (local);
  int y = g_date_time_get_year (local);
  int H = g_date_time_get_hour (local);
  int M = g_date_time_get_minute (local);
  int S = g_date_time_get_second (local);

  if (g_str_equal (locale, "en-US"))
    return g_strdup_printf ("%d/%d/%d, %d:%02d:%02d %s", m, d, y, hour12, M, S, pm ? "PM" : "AM");
  if (g_str_equal (locale, "en-US-narrow"))
    return g_strdup_printf ("%d/%d/%d, %d:%02d:%02d\u202f%s", m, d, y, hour12, M, S,
                            pm ? "PM" : "AM");
  if (g_str_equal (locale, "en-GB"))
    return g_strdup_printf ("%02d/%02d/%d, %02d:%02d:%02d", d, m, y, H, M, S);
  if (g_str_equal (locale, "es-ES"))
    return g_strdup_printf ("%d/%d/%d, %d:%02d:%02d", d, m, y, H, M, S);
  if (g_str_equal (locale, "es-MX"))
    return g_strdup_printf ("%d/%d/%d, %d:%02d:%02d %s", d, m, y, hour12, M, S,
                            pm ? "p.m." : "a.m.");
  if (g_str_equal (locale, "de-DE"))
    return g_strdup_printf ("%d.%d.%d, %02d:%02d:%02d", d, m, y, H, M, S);
  if (g_str_equal (locale, "fr-FR"))
    return g_strdup_printf ("%02d/%02d/%d %02d:%02d:%02d", d, m, y, H, M, S);
  if (g_str_equal (locale, "ja-JP"))
    return g_strdup_printf ("%d/%d/%d %d:%02d:%02d", y, m, d, H, M, S);
  return g_strdup_printf ("%d-%d-%d, %02d:%02d:%02d", d, m, y, H, M, S); /* nl-NL */
}

/**
 * flex_emulator_add_demo_data:
 *
 * Seeds the demo of `--sandbox` and `flex-sync-emulator --demo`: a worker
 * with the supervisor role, the Flex configuration with the contacts feature
 * on and an outbound call flow, recents over several channels written in
 * several browser locales, and personal and shared contacts.
 *
 * Returns: (transfer full) (nullable): the demo worker's SID
 */
char *
flex_emulator_add_demo_data (FlexEmulator *self, GError **error)
{
  FlexEmulator *emulator = self;
  g_autofree char *worker_sid = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *configuration = NULL;
  g_autofree char *personal_map = NULL;
  g_autofree char *recents_map = NULL;
  g_autofree char *shared_map = NULL;
  const char *account = flex_emulator_get_account_sid (emulator);

  worker_sid = flex_emulator_add_worker (
      emulator, "alex.agent@example.com",
      "{\"full_name\":\"Alex Agent\",\"email\":\"alex.agent@example.com\","
      "\"roles\":[\"agent\",\"supervisor\"],\"contact_uri\":\"client:alex.agent\","
      "\"selectedCallerId\":\"+18005550100\"}",
      TRUE);

  configuration = g_strdup_printf (
      "{\"taskrouter_workspace_sid\":\"%s\",\"taskrouter_offline_activity_sid\":\"%s\","
      "\"outbound_call_flows\":{\"default\":{\"enabled\":true,"
      "\"workflow_sid\":\"%s\",\"queue_sid\":\"%s\","
      "\"caller_id\":\"+18005550100\",\"location\":\"US\"}},"
      "\"ui_attributes\":{\"custom_data\":{\"features\":{\"contacts\":{"
      "\"enabled\":true,\"enable_recents\":true,\"enable_personal\":true,"
      "\"enable_shared\":true,\"recent_days_to_keep\":14,\"shared_agent_editable\":false,"
      "\"page_size\":10}}}}}",
      flex_emulator_get_workspace_sid (emulator), flex_emulator_get_offline_activity_sid (emulator),
      flex_emulator_get_workflow_sid (emulator), flex_emulator_get_task_queue_sid (emulator));
  if (!flex_emulator_set_configuration (emulator, configuration, error))
    return NULL;

  personal_map = g_strconcat ("Contacts_", worker_sid, NULL);
  recents_map = g_strconcat ("Contacts_Recent_", worker_sid, NULL);
  shared_map = g_strconcat ("Contacts_", account, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (personal_contacts); i++)
    {
      g_autofree char *key = g_uuid_string_random ();
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonNode) root = NULL;
      g_autofree char *json = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "key");
      json_builder_add_string_value (builder, key);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, personal_contacts[i].name);
      json_builder_set_member_name (builder, "phoneNumber");
      json_builder_add_string_value (builder, personal_contacts[i].phone);
      json_builder_set_member_name (builder, "notes");
      json_builder_add_string_value (builder, personal_contacts[i].notes);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      json = json_to_string (root, FALSE);
      if (!flex_emulator_put_item (emulator, personal_map, key, json, 0, error))
        return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (shared_names); i++)
    {
      g_autofree char *key = g_uuid_string_random ();
      g_autofree char *json = g_strdup_printf (
          "{\"key\":\"%s\",\"name\":\"%s\",\"phoneNumber\":\"+1312555%04u\",\"notes\":\"%s\","
          "\"allowColdTransfer\":true,\"allowWarmTransfer\":%s}",
          key, shared_names[i], 2000 + i * 7, i % 3 == 0 ? "Open 24/7" : "",
          i % 4 == 0 ? "false" : "true");

      if (!flex_emulator_put_item (emulator, shared_map, key, json, 0, error))
        return NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (recents); i++)
    {
      g_autoptr (GDateTime) created = g_date_time_add_minutes (now, -recents[i].minutes_ago);
      g_autoptr (GDateTime) started = g_date_time_add_seconds (created, -recents[i].duration);
      g_autofree char *date_time = format_like_browser (started, recents[i].locale);
      g_autofree char *sid = g_strdup_printf ("WT%032x", g_random_int ());
      g_autoptr (JsonBuilder) builder = json_builder_new ();
      g_autoptr (JsonNode) root = NULL;
      g_autofree char *json = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "taskSid");
      json_builder_add_string_value (builder, sid);
      json_builder_set_member_name (builder, "direction");
      json_builder_add_string_value (builder, recents[i].direction);
      json_builder_set_member_name (builder, "channelType");
      json_builder_add_string_value (builder, recents[i].channel);
      json_builder_set_member_name (builder, "customerAddress");
      json_builder_add_string_value (builder, recents[i].customer);
      json_builder_set_member_name (builder, "inboundAddress");
      json_builder_add_string_value (builder, recents[i].inbound);
      if (recents[i].name != NULL)
        {
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, recents[i].name);
        }
      json_builder_set_member_name (builder, "dateTime");
      json_builder_add_string_value (builder, date_time);
      json_builder_set_member_name (builder, "duration");
      json_builder_add_int_value (builder, recents[i].duration);
      json_builder_set_member_name (builder, "queueName");
      json_builder_add_string_value (builder, recents[i].queue);
      json_builder_set_member_name (builder, "outcome");
      json_builder_add_string_value (builder, recents[i].outcome);
      json_builder_set_member_name (builder, "notes");
      json_builder_add_string_value (builder, recents[i].notes);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      json = json_to_string (root, FALSE);
      /* The Flex plugin writes recents with a TTL of recent_days_to_keep. */
      if (!flex_emulator_put_item (emulator, recents_map, sid, json, 14 * 86400, error))
        return NULL;
    }

  return g_steal_pointer (&worker_sid);
}
