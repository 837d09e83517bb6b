/* flex-twilio-error.h
 *
 * Copyright 2026 The Flex Contacts authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * FlexTwilioError:
 * @FLEX_TWILIO_ERROR_FAILED: any other failure
 * @FLEX_TWILIO_ERROR_NETWORK: the server could not be reached
 * @FLEX_TWILIO_ERROR_TIMEOUT: the server did not answer in time
 * @FLEX_TWILIO_ERROR_INSECURE_URL: plain HTTP to a host other than loopback
 * @FLEX_TWILIO_ERROR_MALFORMED: the answer was not the JSON we expected
 * @FLEX_TWILIO_ERROR_UNAUTHORIZED: 401, credentials refused (Twilio 20003)
 * @FLEX_TWILIO_ERROR_FORBIDDEN: 403
 * @FLEX_TWILIO_ERROR_NOT_FOUND: 404 (Twilio 54200, 54201, 54300…)
 * @FLEX_TWILIO_ERROR_CONFLICT: 409 (Twilio 54208, 54301)
 * @FLEX_TWILIO_ERROR_PRECONDITION_FAILED: 412, revision mismatch (Twilio 54205)
 * @FLEX_TWILIO_ERROR_TOO_LARGE: 413 or Twilio 54006, item data too large
 * @FLEX_TWILIO_ERROR_RATE_LIMITED: 429 after every retry (Twilio 54009)
 * @FLEX_TWILIO_ERROR_SERVER: 5xx after every retry
 * @FLEX_TWILIO_ERROR_INVALID: another 4xx: the request was refused
 *
 * Errors of the Twilio REST layer. Each error also carries the HTTP status and
 * the Twilio error code of the answer, when there was one; see
 * flex_twilio_error_get_http_status() and flex_twilio_error_get_twilio_code().
 */
typedef enum
{
  FLEX_TWILIO_ERROR_FAILED,
  FLEX_TWILIO_ERROR_NETWORK,
  FLEX_TWILIO_ERROR_TIMEOUT,
  FLEX_TWILIO_ERROR_INSECURE_URL,
  FLEX_TWILIO_ERROR_MALFORMED,
  FLEX_TWILIO_ERROR_UNAUTHORIZED,
  FLEX_TWILIO_ERROR_FORBIDDEN,
  FLEX_TWILIO_ERROR_NOT_FOUND,
  FLEX_TWILIO_ERROR_CONFLICT,
  FLEX_TWILIO_ERROR_PRECONDITION_FAILED,
  FLEX_TWILIO_ERROR_TOO_LARGE,
  FLEX_TWILIO_ERROR_RATE_LIMITED,
  FLEX_TWILIO_ERROR_SERVER,
  FLEX_TWILIO_ERROR_INVALID,
} FlexTwilioError;

#define FLEX_TWILIO_ERROR (flex_twilio_error_quark ())

GQuark flex_twilio_error_quark (void);

void flex_twilio_set_error (GError **error,
                            FlexTwilioError code,
                            guint http_status,
                            int twilio_code,
                            const char *more_info,
                            const char *format,
                            ...) G_GNUC_PRINTF (6, 7);
guint flex_twilio_error_get_http_status (const GError *error);
int flex_twilio_error_get_twilio_code (const GError *error);
const char *flex_twilio_error_get_more_info (const GError *error);
FlexTwilioError flex_twilio_error_code_for_status (guint http_status, int twilio_code);
gboolean flex_twilio_error_is_transient (const GError *error);

G_END_DECLS
