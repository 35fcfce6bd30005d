// Redaction of secrets from a report before it is written in any format.
#pragma once
#include "reports/report.h"

#include <string>
#include <vector>

namespace pggate {

// Replaces by "***": every occurrence of each secret value (values shorter than 4 characters are
// ignored, they would mangle ordinary text), the password of URIs (scheme://user:PASSWORD@host),
// conninfo / env style passwords (password=…, password='…', PGPASSWORD=…, *_PASSWORD=…, *_SECRET=…,
// *_TOKEN=…) and ?password=… query parameters.
std::string redact_text(const std::string& text, const std::vector<std::string>& secret_values);

// Applies redact_text to every string of the report: run metadata, provider description, paths and
// steps, gate summaries, findings (message, object, location file, details keys and values, waiver
// texts) and condition metrics. Fingerprints already set are kept; empty ones are computed later from
// the redacted finding.
void redact_report(Report& report, const std::vector<std::string>& secret_values);

}  // namespace pggate
