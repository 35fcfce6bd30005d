// The published JSON Schema of report.json (reports/report.schema.json, compiled in) and a small
// validator for the subset of JSON Schema 2020-12 it uses.
#pragma once
#include <string>
#include <vector>

namespace pggate {

// The text of reports/report.schema.json.
const std::string& report_schema();

// Validates JSON text against a schema (JSON text). Returns one message per violation, each starting
// with the JSON pointer of the offending value ("/gates/0/status: ..."); empty when valid.
// Supported keywords: $schema $id $defs $ref(local "#/…") title description type const enum required
// properties additionalProperties items minimum minLength pattern. Other keywords throw
// std::runtime_error (so nothing is silently unchecked); unparsable JSON throws too.
std::vector<std::string> validate_json(const std::string& json_text, const std::string& schema_text);

// validate_json(report_json, report_schema()).
std::vector<std::string> validate_report(const std::string& report_json);

}  // namespace pggate
