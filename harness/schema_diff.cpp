#include "harness/schema_diff.h"

#include <fnmatch.h>

#include <algorithm>
#include <map>
#include <set>

namespace pggate {
namespace {

bool glob(const std::string& pattern, const std::string& text) {
    return fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

// Identity without quote_ident's double quotes, so users can write public.alembic_version.
std::string plain(const std::string& id) {
    std::string out;
    for (char c : id)
        if (c != '"') out += c;
    return out;
}

bool attr_compared(const std::string& name) { return name != kColumnPositionAttr; }

}  // namespace

bool is_ignored(const CatalogObject& o, const std::vector<IgnoreRule>& rules) {
    for (const auto& r : rules) {
        if ((r.kind == "*" || r.kind == o.kind) && glob(r.pattern, plain(o.id))) return true;
        // Ignoring a table ignores what hangs off it (columns, constraints, indexes, triggers, partitions).
        if (!o.parent.empty() && (r.kind == "*" || r.kind == "table") && glob(r.pattern, plain(o.parent))) return true;
    }
    return false;
}

std::string render_definition(const CatalogObject& o) {
    std::string out;
    for (const auto& [k, v] : o.attrs) {
        if (!attr_compared(k)) continue;
        out += (out.empty() ? "" : "; ") + k + "=" + v;
    }
    return out;
}

std::vector<SchemaDifference> diff_snapshots(const Snapshot& reference, const Snapshot& other, const DiffPolicy& policy) {
    std::vector<SchemaDifference> out;
    std::set<std::string> whole_missing, whole_extra;  // ids reported as a whole: their parts are implied
    auto parent_reported = [&](const CatalogObject& o, const std::set<std::string>& s) {
        return !o.parent.empty() && s.count(o.parent);
    };
    // Keys sort containers before parts (kind rank), so a parent's verdict is known before its children.
    std::set<std::string> keys;
    for (const auto& [k, _] : reference.objects) keys.insert(k);
    for (const auto& [k, _] : other.objects) keys.insert(k);
    for (const auto& key : keys) {
        auto r = reference.objects.find(key);
        auto o = other.objects.find(key);
        const CatalogObject& any = r != reference.objects.end() ? r->second : o->second;
        if (is_ignored(any, policy.ignore)) continue;
        SchemaDifference d{any.kind, any.id, "", "", "", {}};
        if (o == other.objects.end()) {
            whole_missing.insert(any.id);
            if (parent_reported(any, whole_missing)) continue;
            d.change = "missing";
            d.reference_definition = render_definition(r->second);
        } else if (r == reference.objects.end()) {
            whole_extra.insert(any.id);
            if (parent_reported(any, whole_extra)) continue;
            d.change = "extra";
            d.other_definition = render_definition(o->second);
        } else {
            std::set<std::string> names;
            for (const auto& [k, _] : r->second.attrs) names.insert(k);
            for (const auto& [k, _] : o->second.attrs) names.insert(k);
            for (const auto& n : names) {
                if (!attr_compared(n)) continue;
                auto a = r->second.attrs.find(n);
                auto b = o->second.attrs.find(n);
                std::string va = a == r->second.attrs.end() ? "" : a->second;
                std::string vb = b == o->second.attrs.end() ? "" : b->second;
                if (va != vb) d.changed_attrs.push_back(n);
            }
            if (d.changed_attrs.empty()) continue;
            d.change = "changed";
            d.reference_definition = render_definition(r->second);
            d.other_definition = render_definition(o->second);
        }
        out.push_back(std::move(d));
    }
    if (policy.column_order != "ignore") {
        // Relative order of the columns both sides have, per table.
        std::map<std::string, std::vector<std::pair<int, std::string>>> ref_cols, oth_cols;
        auto collect = [](const Snapshot& s, auto& into) {
            for (const auto& [k, o] : s.objects)
                if (o.kind == "column" && o.attrs.count(kColumnPositionAttr))
                    into[o.parent].push_back({std::stoi(o.attrs.at(kColumnPositionAttr)), o.id});
        };
        collect(reference, ref_cols);
        collect(other, oth_cols);
        for (auto& [table, cols] : ref_cols) {
            auto it = oth_cols.find(table);
            if (it == oth_cols.end()) continue;
            std::set<std::string> in_other;
            for (const auto& c : it->second) in_other.insert(c.second);
            std::set<std::string> in_ref;
            for (const auto& c : cols) in_ref.insert(c.second);
            std::sort(cols.begin(), cols.end());
            std::sort(it->second.begin(), it->second.end());
            std::string a, b;
            for (const auto& c : cols)
                if (in_other.count(c.second)) a += (a.empty() ? "" : ", ") + c.second.substr(table.size() + 1);
            for (const auto& c : it->second)
                if (in_ref.count(c.second)) b += (b.empty() ? "" : ", ") + c.second.substr(table.size() + 1);
            if (a != b) out.push_back({"column-order", table, "changed", a, b, {"column order"}});
        }
    }
    return out;
}

}  // namespace pggate
