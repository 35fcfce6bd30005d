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

// The schema part of a quote_ident'ed identity ("public" of public.t, "My S" of "My S".t); empty when none.
std::string schema_of(const std::string& id) {
    bool quoted = false;
    for (size_t i = 0; i < id.size(); ++i) {
        if (id[i] == '"') quoted = !quoted;
        else if (id[i] == '.' && !quoted) return id.substr(0, i);
    }
    return "";
}

bool kind_matches(const std::string& rule_kind, const std::string& kind) {
    // A partition is a table too: a table rule covers it.
    return rule_kind == "*" || rule_kind == kind || (rule_kind == "table" && kind == "partition");
}

using Ancestor = std::pair<std::string, std::string>;  // kind, id

// What contains an object in one snapshot: its parent chain (a column's table, a partition's parent table,
// a sequence's owning table, ...) and, at the top, its schema.
class Lineage {
public:
    explicit Lineage(const Snapshot& s) {
        for (const auto& [k, o] : s.objects)
            if (o.kind == "table" || o.kind == "partition" || o.kind == "view" || o.kind == "materialized-view")
                containers_[o.id] = {o.kind, o.parent};
    }
    std::vector<Ancestor> of(const CatalogObject& o) const {
        std::vector<Ancestor> out;
        std::string top = o.id, top_kind = o.kind, p = o.parent;
        for (int depth = 0; !p.empty() && depth < 64; ++depth) {
            auto it = containers_.find(p);
            std::string kind = it == containers_.end() ? "table" : it->second.first;
            out.push_back({kind, p});
            top = p;
            top_kind = kind;
            p = it == containers_.end() ? "" : it->second.second;
        }
        if (top_kind != "schema" && top_kind != "extension") {
            std::string schema = schema_of(top);
            if (!schema.empty()) out.push_back({"schema", schema});
        }
        return out;
    }

private:
    std::map<std::string, std::pair<std::string, std::string>> containers_;
};

bool ignored(const CatalogObject& o, const std::vector<Ancestor>& ancestors, const std::vector<IgnoreRule>& rules) {
    for (const auto& r : rules) {
        if (kind_matches(r.kind, o.kind) && glob(r.pattern, plain(o.id))) return true;
        // Ignoring a table (or a schema) ignores what hangs off it: columns, constraints, indexes, triggers,
        // partitions and their parts, owned sequences.
        for (const auto& [kind, id] : ancestors)
            if (kind_matches(r.kind, kind) && glob(r.pattern, plain(id))) return true;
    }
    return false;
}

// Column identities a PRIMARY KEY constraint covers, parsed from its definition "PRIMARY KEY (a, "B c") ...".
std::set<std::string> primary_key_columns(const Snapshot& s) {
    std::set<std::string> out;
    for (const auto& [k, o] : s.objects) {
        if (o.kind != "constraint") continue;
        auto t = o.attrs.find("constraint_type");
        auto d = o.attrs.find("definition");
        if (t == o.attrs.end() || t->second != "primary key" || d == o.attrs.end()) continue;
        const std::string& def = d->second;
        size_t i = def.find('(');
        if (i == std::string::npos) continue;
        std::string name;
        bool quoted = false;
        for (++i; i < def.size(); ++i) {
            char c = def[i];
            if (c == '"') {
                if (quoted && i + 1 < def.size() && def[i + 1] == '"') {
                    name += "\"\"";
                    ++i;
                    continue;
                }
                quoted = !quoted;
                name += c;
            } else if (!quoted && (c == ',' || c == ')')) {
                out.insert(o.parent + "." + name);
                name.clear();
                if (c == ')') break;
            } else if (quoted || c != ' ') {
                name += c;
            }
        }
    }
    return out;
}

}  // namespace

bool is_ignored(const CatalogObject& o, const std::vector<IgnoreRule>& rules) {
    std::vector<Ancestor> parent;
    if (!o.parent.empty()) parent.push_back({"table", o.parent});
    return ignored(o, parent, rules);
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
    const Lineage ref_lineage(reference), other_lineage(other);
    // Both snapshots are sorted by key: walk them side by side (a merge), never building a union of keys.
    auto for_each_pair = [&](const auto& fn) {
        auto r = reference.objects.begin(), o = other.objects.begin();
        while (r != reference.objects.end() || o != other.objects.end()) {
            if (o == other.objects.end() || (r != reference.objects.end() && r->first < o->first)) fn(&r++->second, nullptr);
            else if (r == reference.objects.end() || o->first < r->first) fn(nullptr, &o++->second);
            else fn(&r++->second, &o++->second);
        }
    };
    // First pass: what exists on one side only, as a whole ("kind:id"). Its parts are implied by it, whatever
    // order identities sort in (a partition may sort before its parent partition).
    std::set<std::string> whole_missing, whole_extra;
    for_each_pair([&](const CatalogObject* r, const CatalogObject* o) {
        if (!o) whole_missing.insert(r->kind + ":" + r->id);
        else if (!r) whole_extra.insert(o->kind + ":" + o->id);
    });
    auto implied = [](const std::vector<Ancestor>& ancestors, const std::set<std::string>& whole) {
        for (const auto& [kind, id] : ancestors)
            if (whole.count(kind + ":" + id)) return true;
        return false;
    };
    // A column that is NOT NULL only because a primary key covers it on one side: the key's own finding says it.
    const std::set<std::string> ref_pk = primary_key_columns(reference), other_pk = primary_key_columns(other);
    for_each_pair([&](const CatalogObject* r, const CatalogObject* o) {
        if (r && o && r->attrs == o->attrs) return;  // the common case, decided without any allocation
        const CatalogObject& any = r ? *r : *o;
        SchemaDifference d{any.kind, any.id, "", "", "", {}};
        if (r && o) {
            auto a = r->attrs.begin(), b = o->attrs.begin();
            // Attribute maps are sorted: merge them too.
            while (a != r->attrs.end() || b != o->attrs.end()) {
                std::string name, va, vb;
                if (b == o->attrs.end() || (a != r->attrs.end() && a->first < b->first)) {
                    name = a->first, va = a->second;
                    ++a;
                } else if (a == r->attrs.end() || b->first < a->first) {
                    name = b->first, vb = b->second;
                    ++b;
                } else {
                    name = a->first, va = a->second, vb = b->second;
                    ++a, ++b;
                }
                if (va == vb || !attr_compared(name)) continue;
                if (name == "not_null" && any.kind == "column" &&
                    ((va == "true" && ref_pk.count(any.id) && !other_pk.count(any.id)) ||
                     (vb == "true" && other_pk.count(any.id) && !ref_pk.count(any.id))))
                    continue;
                d.changed_attrs.push_back(name);
            }
            if (d.changed_attrs.empty()) return;
        }
        const std::vector<Ancestor> ancestors = (r ? ref_lineage : other_lineage).of(any);
        if (ignored(any, ancestors, policy.ignore)) return;
        if (!o) {
            if (implied(ancestors, whole_missing)) return;
            d.change = "missing";
            d.reference_definition = render_definition(*r);
        } else if (!r) {
            if (implied(ancestors, whole_extra)) return;
            d.change = "extra";
            d.other_definition = render_definition(*o);
        } else {
            d.change = "changed";
            d.reference_definition = render_definition(*r);
            d.other_definition = render_definition(*o);
        }
        out.push_back(std::move(d));
    });
    if (policy.column_order != "ignore") {
        // Relative order of the columns both sides have, per table.
        std::map<std::string, std::vector<std::pair<int, std::string>>> ref_cols, oth_cols;
        auto collect = [&](const Snapshot& s, const Lineage& lineage, auto& into) {
            for (const auto& [k, o] : s.objects)
                if (o.kind == "column" && o.attrs.count(kColumnPositionAttr) && !ignored(o, lineage.of(o), policy.ignore))
                    into[o.parent].push_back({std::stoi(o.attrs.at(kColumnPositionAttr)), o.id});
        };
        collect(reference, ref_lineage, ref_cols);
        collect(other, other_lineage, oth_cols);
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
