// Waivers: accepted findings that must not fail a gate, with an owner and an expiry date.
//   * a waiver file (YAML): a list (or `waivers:` list) of
//       - rule: "partition-pruning.*"     # glob (fnmatch, `*` also crosses '.' and '/')
//         object: "ledger-latest-size *" # glob, default "*"
//         reason: "scan accepted until the archive job lands"
//         owner: "@dba-team"
//         expires: 2026-11-21            # YYYY-MM-DD; still waives on that day, not the day after
//   * inline SQL waivers: `-- pggate:ignore <rule-glob> <reason>` on the line of a finding's location in a
//     .sql file, or on the line before it. They have no owner and do not expire.
// Waived findings stay in the report (Finding::waived); every format shows them as waived.
#pragma once
#include "reports/report.h"

#include <string>
#include <vector>

namespace pggate {

struct WaiverEntry {
    std::string rule;     // glob
    std::string object = "*";  // glob
    std::string reason;
    std::string owner;
    std::string expires;  // YYYY-MM-DD
    std::string source;   // "<file>:<line>"
};

struct WaiverSet {
    std::vector<WaiverEntry> entries;
};

// Reads a waiver file. Entries with problems (missing rule/reason/owner/expires, a date that is not
// YYYY-MM-DD) are left out and described in `problems` ("waivers.yaml:7: ..."). A missing or unparsable
// file is one problem and an empty set.
WaiverSet load_waivers(const std::string& file, std::vector<std::string>& problems);
// The same from YAML text; `source_name` names the file in sources and problems.
WaiverSet parse_waivers(const std::string& yaml_text, const std::string& source_name, std::vector<std::string>& problems);

// Marks findings matched by a waiver (file waivers first, then inline waivers read from
// base_dir/<location.file> for .sql locations). Then:
//   * a gate with status fail whose error findings are all waived becomes warn (when unwaived warnings
//     remain) or pass; its summary says how many findings were waived;
//   * a waiver with expires < today does not waive and yields a warning finding report.waiver-expired;
//   * a file waiver that matched no finding yields a warning finding report.waiver-unused;
//   these land in a gate "waivers" (status warn when it has findings, else pass), added when the set
//   has entries or an inline waiver matched; then settle_outcome() recomputes status and exit code.
// `today` is YYYY-MM-DD (UTC date of the run).
void apply_waivers(Report& report, const WaiverSet& waivers, const std::string& today, const std::string& base_dir);

// Glob matching used by waivers: `*` any run of characters, `?` one character, `[...]` a class.
bool waiver_glob_match(const std::string& pattern, const std::string& text);

// Today's UTC date as YYYY-MM-DD.
std::string utc_today();

}  // namespace pggate
