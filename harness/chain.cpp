#include "harness/chain.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace pggate {
namespace {

bool starts_with_dbmate(const fs::path& p) {
    std::ifstream in(p);
    std::string line;
    for (int i = 0; i < 200 && std::getline(in, line); ++i)
        if (line.rfind("-- migrate:up", 0) == 0) return true;
    return false;
}

std::string detect_layout(const std::vector<fs::path>& files) {
    static const std::regex flyway(R"(^V[0-9][0-9._]*__.+\.sql$)");
    static const std::regex updown(R"(^.+\.(up|down)\.sql$)");
    for (const auto& f : files)
        if (std::regex_match(f.filename().string(), flyway)) return "flyway";
    for (const auto& f : files)
        if (std::regex_match(f.filename().string(), updown)) return "up-down";
    for (const auto& f : files)
        if (starts_with_dbmate(f)) return "dbmate";
    return "plain";
}

}  // namespace

int compare_versions(const std::string& a, const std::string& b) {
    size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (std::isdigit(static_cast<unsigned char>(a[i])) && std::isdigit(static_cast<unsigned char>(b[j]))) {
            size_t i2 = i, j2 = j;
            while (i2 < a.size() && std::isdigit(static_cast<unsigned char>(a[i2]))) ++i2;
            while (j2 < b.size() && std::isdigit(static_cast<unsigned char>(b[j2]))) ++j2;
            std::string na = a.substr(i, i2 - i), nb = b.substr(j, j2 - j);
            na.erase(0, std::min(na.find_first_not_of('0'), na.size()));
            nb.erase(0, std::min(nb.find_first_not_of('0'), nb.size()));
            if (na.size() != nb.size()) return na.size() < nb.size() ? -1 : 1;
            if (na != nb) return na < nb ? -1 : 1;
            i = i2;
            j = j2;
        } else {
            if (a[i] != b[j]) return a[i] < b[j] ? -1 : 1;
            ++i;
            ++j;
        }
    }
    if (i < a.size()) return 1;
    if (j < b.size()) return -1;
    return 0;
}

MigrationChain discover_sql_chain(const std::string& dir, const std::string& layout_in) {
    std::vector<fs::path> files;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.is_regular_file() && e.path().extension() == ".sql") files.push_back(e.path());
    if (ec) throw ScriptError({dir, 0, 0}, dir + ": cannot list the migrations folder: " + ec.message());
    MigrationChain chain;
    chain.layout = layout_in == "auto" ? detect_layout(files) : layout_in;
    std::map<std::string, Migration> by_version;  // keyed by normalized version
    std::vector<Migration> repeatable;            // Flyway R__ files, applied after versioned ones
    auto add = [&](const std::string& version, const std::string& name, const fs::path& p, bool down) -> Migration& {
        std::string key = version;
        key.erase(0, std::min(key.find_first_not_of('0'), key.size() - 1));
        auto it = by_version.find(key);
        if (it == by_version.end()) it = by_version.emplace(key, Migration{version, name, "", "", ScriptSection::whole, {}}).first;
        std::string& slot = down ? it->second.down_file : it->second.up_file;
        if (!slot.empty())
            chain.problems.push_back({"replay.duplicate-version", "two migrations share version " + version + ": " +
                                      fs::path(slot).filename().string() + " and " + p.filename().string() + ". Give one of them a new version.",
                                      {p.string(), 1, 1}, version});
        else slot = p.string();
        return it->second;
    };
    static const std::regex flyway(R"(^V([0-9][0-9._]*)__(.+)\.sql$)");
    static const std::regex flyway_repeatable(R"(^R__(.+)\.sql$)");
    static const std::regex updown(R"(^([0-9]+(?:\.[0-9]+)*)[_-]?(.*)\.(up|down)\.sql$)");
    static const std::regex numbered(R"(^([0-9]+(?:\.[0-9]+)*)[_-]?(.*)\.sql$)");
    for (const auto& p : files) {
        std::string f = p.filename().string();
        std::smatch m;
        if (chain.layout == "flyway") {
            if (std::regex_match(f, m, flyway)) {
                std::string v = m[1];
                std::replace(v.begin(), v.end(), '_', '.');
                add(v, m[2], p, false);
            } else if (std::regex_match(f, m, flyway_repeatable)) {
                repeatable.push_back({"R", m[1], p.string(), "", ScriptSection::whole, {}});
            } else if (f[0] != 'U') {  // U files are Flyway undo migrations (not replayed forward)
                chain.problems.push_back({"replay.unrecognized-file", f + " does not follow Flyway's V<version>__<name>.sql naming and was not applied.", {p.string(), 1, 1}, f});
            }
        } else if (chain.layout == "up-down") {
            if (std::regex_match(f, m, updown)) add(m[1], m[2], p, m[3] == "down");
            else chain.problems.push_back({"replay.unrecognized-file", f + " is not a <version>_<name>.up.sql/.down.sql file and was not applied.", {p.string(), 1, 1}, f});
        } else if (chain.layout == "dbmate") {
            if (std::regex_match(f, m, numbered)) {
                add(m[1], m[2], p, false).up_section = ScriptSection::dbmate_up;
            } else {
                chain.problems.push_back({"replay.unrecognized-file", f + " has no leading version and was not applied.", {p.string(), 1, 1}, f});
            }
        } else {  // plain: every .sql file in natural order
            std::string stem = p.stem().string();
            add(stem, stem, p, false);
        }
    }
    for (auto& [key, m] : by_version) {
        if (m.up_file.empty()) {
            chain.problems.push_back({"replay.down-without-up", fs::path(m.down_file).filename().string() + " has no matching .up.sql file.", {m.down_file, 1, 1}, m.version});
            continue;
        }
        chain.migrations.push_back(m);
    }
    std::sort(chain.migrations.begin(), chain.migrations.end(),
              [](const Migration& a, const Migration& b) { return compare_versions(a.version, b.version) < 0; });
    std::sort(repeatable.begin(), repeatable.end(), [](const Migration& a, const Migration& b) { return a.name < b.name; });
    chain.migrations.insert(chain.migrations.end(), repeatable.begin(), repeatable.end());
    if (chain.migrations.empty())
        chain.problems.push_back({"replay.empty-chain", "the migrations folder " + dir + " holds no " + chain.layout + " migrations.", {dir, 0, 0}, dir});
    return chain;
}

MigrationChain order_alembic_revisions(std::vector<Migration> revisions, const std::string& where_file) {
    MigrationChain chain;
    chain.layout = "alembic";
    std::map<std::string, Migration> by_id;
    for (auto& r : revisions) by_id[r.version] = r;
    std::map<std::string, std::vector<std::string>> children;
    std::vector<std::string> bases;
    for (const auto& [id, r] : by_id) {
        if (r.down_revisions.empty()) bases.push_back(id);
        for (const auto& d : r.down_revisions) {
            if (!by_id.count(d)) {
                chain.problems.push_back({"replay.broken-revision-link",
                                          "revision " + id + " names down_revision '" + d + "', which no revision file defines. Fix the down_revision or restore the missing revision.",
                                          {r.up_file, 1, 1}, id});
                continue;
            }
            children[d].push_back(id);
        }
    }
    for (const auto& [id, r] : by_id)
        if (!children.count(id)) chain.heads.push_back(id);
    if (chain.heads.size() > 1) {
        std::string list;
        for (const auto& h : chain.heads) list += (list.empty() ? "" : ", ") + h;
        chain.problems.push_back({"replay.multiple-heads", "the Alembic chain has " + std::to_string(chain.heads.size()) + " heads (" + list + "); `alembic upgrade head` refuses to run. Merge them with `alembic merge heads`.", {where_file, 0, 0}, list});
    }
    if (bases.size() > 1) {
        std::string list;
        for (const auto& b : bases) list += (list.empty() ? "" : ", ") + b;
        chain.problems.push_back({"replay.multiple-bases", "the Alembic chain has " + std::to_string(bases.size()) + " base revisions (" + list + ").", {where_file, 0, 0}, list});
    }
    // Kahn's algorithm; ties broken by revision id so the order is deterministic.
    std::map<std::string, int> pending;
    for (const auto& [id, r] : by_id) {
        int n = 0;
        for (const auto& d : r.down_revisions) n += by_id.count(d) ? 1 : 0;
        pending[id] = n;
    }
    std::set<std::string> ready;
    for (const auto& [id, n] : pending)
        if (n == 0) ready.insert(id);
    while (!ready.empty()) {
        std::string id = *ready.begin();
        ready.erase(ready.begin());
        chain.migrations.push_back(by_id[id]);
        for (const auto& c : children[id])
            if (--pending[c] == 0) ready.insert(c);
    }
    if (chain.migrations.size() != by_id.size())
        chain.problems.push_back({"replay.revision-cycle", "the Alembic revisions form a cycle; no order applies them all.", {where_file, 0, 0}, ""});
    return chain;
}

std::vector<Migration> migrations_after(const MigrationChain& chain, const std::string& stamp) {
    for (size_t i = 0; i < chain.migrations.size(); ++i) {
        bool match = chain.layout == "alembic" ? chain.migrations[i].version == stamp
                                               : compare_versions(chain.migrations[i].version, stamp) == 0;
        if (match) return {chain.migrations.begin() + static_cast<long>(i) + 1, chain.migrations.end()};
    }
    throw std::runtime_error("init.stamp '" + stamp + "' is not a version of the migration chain");
}

}  // namespace pggate
