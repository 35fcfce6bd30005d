// Renderers of report.json (pggate.report/v1) into the formats CI systems and people read.
// Everything is rendered from the JSON text, so `pggate report render report.json --format F` and
// `pggate run --format F` give the same bytes.
#pragma once
#include "reports/report.h"

#include <string>
#include <vector>

namespace pggate {

// Parses report.json text (pggate.report/v1) back into the model, including paths, metrics, conditions
// and waivers. Throws std::runtime_error when the text is not JSON or not a pggate.report/v1 report.
Report report_from_json(const std::string& report_json);

// Format names accepted by render_report: junit, sarif, codequality, markdown, github, html.
std::vector<std::string> report_formats();

// Conventional file name for a format's output ("junit" → "report.junit.xml", "sarif" →
// "report.sarif", "codequality" → "gl-code-quality-report.json", "markdown" → "report.md",
// "github" → "report.annotations.txt"). Throws std::runtime_error for an unknown format.
std::string report_format_file_name(const std::string& format);

// Renders report.json text. Throws std::runtime_error naming the problem when the format is unknown or
// the text is not JSON / not a pggate.report/v1 report. Findings without a fingerprint get one computed.
//   junit        JUnit XML: one <testsuite> per gate, one <testcase> per finding (or one per gate with
//                no findings), unique classname+name, at most one <failure>/<error>/<skipped> each,
//                control characters stripped, messages capped at 64 KiB.
//   sarif        SARIF 2.1.0, one run, rules with help text, results with locations and
//                partialFingerprints; at most 25,000 results (GitHub's limit).
//   codequality  GitLab Code Quality JSON array.
//   markdown     GitHub-flavoured Markdown for job summaries, at most 1 MiB (kMarkdownLimit).
//   github       GitHub Actions workflow commands (::error file=…,line=…,col=…,title=…::message).
//   html         One self-contained page for release managers (report.html): inline CSS, no scripts, no
//                network. Stable hooks for tests: #verdict[data-status], #gates .gate[data-status],
//                .finding[data-severity][data-waived], #schema-diffs .schema-diff, #pruning .pruning-check,
//                #config-matrix, #conditions .condition, #metadata, #counts [data-count].
// Waived findings (Finding::waived) are shown as waived everywhere: JUnit passes them (system-out),
// SARIF adds suppressions, Code Quality marks them info, github emits notices.
// Findings without a file location are attributed to the config file's name in sarif/codequality.
std::string render_report(const std::string& report_json, const std::string& format);

inline constexpr size_t kMarkdownLimit = 1024 * 1024;

}  // namespace pggate
