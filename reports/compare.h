// Comparison of two report.json files by finding fingerprint (for release notes and trend checks).
#pragma once
#include <string>

namespace pggate {

struct CompareCounts {
    int new_findings = 0;
    int fixed_findings = 0;
    int unchanged_findings = 0;
    int new_errors = 0;  // new findings with severity error that are not waived
};

// Counts only. Throws std::runtime_error when either text is not a pggate.report/v1 report.
CompareCounts compare_counts(const std::string& old_json, const std::string& new_json);

// Human or machine readable comparison: new (in NEW, not in OLD), fixed (in OLD, not in NEW) and
// unchanged findings, matched by fingerprint. format: text | json | markdown (throws otherwise).
// json: {"schema":"pggate.compare/v1","old_run":{…},"new_run":{…},"counts":{new,fixed,unchanged,new_errors},
//        "new":[…], "fixed":[…], "unchanged":[…]} with findings as in report.json plus "gate".
std::string compare_reports(const std::string& old_json, const std::string& new_json, const std::string& format);

// Number of new error findings (not waived): `pggate report compare OLD NEW` exits 1 when > 0.
int compare_new_failures(const std::string& old_json, const std::string& new_json);

}  // namespace pggate
