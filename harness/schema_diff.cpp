#include "harness/schema_diff.h"

#include <fnmatch.h>

#include <algorithm>
#include <future>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
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

// Placement (column positions) is never an attribute difference; owners, privileges and comments are when the
// policy says so.
bool attr_compared(const std::string& name, const DiffPolicy& policy) {
    if (name == kColumnPositionAttr) return false;
    if (name == "owner") return policy.owners;
    if (name == "privileges") return policy.privileges;
    if (name == "comment" || name == "part_comments") return policy.comments;
    return true;
}

// A partition's column lists what it sets on its own in differs_from_parent; what the policy does not compare
// (a comment, when comments are off) is left out of it.
std::string compared_value(const std::string& name, const std::string& value, const DiffPolicy& policy) {
    if (name != "differs_from_parent" || policy.comments || value.find("comment") == std::string::npos) return value;
    std::string out;
    size_t start = 0;
    while (start <= value.size()) {
        size_t end = value.find(", ", start);
        std::string item = value.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (item != "comment" && !item.empty()) out += (out.empty() ? "" : ", ") + item;
        if (end == std::string::npos) break;
        start = end + 2;
    }
    return out;
}

// An object that exists only to carry what the policy does not compare: a partition's column that differs from
// its parent's (or a partition's index, trigger or constraint from its parent's) by a comment alone, when comments
// are off; a view's column with only GRANTs or a comment.
bool only_uncompared(const CatalogObject& o, const DiffPolicy& policy) {
    if (o.kind != "column" && o.kind != "index" && o.kind != "trigger" && o.kind != "constraint") return false;
    // A partition's column, attached index, cloned trigger or constraint is an object only for what differs from its
    // parent's.
    auto it = o.attrs.find("differs_from_parent");
    if (it != o.attrs.end()) return compared_value(it->first, it->second, policy).empty();
    // A view's column (no type: the view's definition has it) is an object only for what it carries of its own: a
    // default, GRANTs, a comment.
    if (o.kind == "column" && !o.attrs.count("type")) {
        for (const auto& [name, value] : o.attrs)
            if (attr_compared(name, policy)) return false;
        return true;
    }
    return false;
}

std::string render(const CatalogObject& o, const DiffPolicy& policy, std::string out = "") {
    for (const auto& [k, v] : o.attrs) {
        if (!attr_compared(k, policy)) continue;
        out += (out.empty() ? "" : "; ") + k + "=" + v;
    }
    return out;
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// Attribute maps compared as same_value compares values (deferred expressions by their comparable forms).
bool same_attrs(const Attrs& a, const Attrs& b) {
    if (a.size() != b.size()) return false;
    for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j)
        if (i->first != j->first || !same_value(i->second, j->second)) return false;
    return true;
}

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

// ---------------------------------------------------------------------------------------------------------
// Partition matching. Partitions are matched by name or by (parent, bound), as the policy says, and then by the
// other key among those left over: under by-name a partition renamed with its bound kept is one finding (its
// name), under by-bounds none; a partition whose bound changed keeps its name and is one finding (its bound).
// The other side's matched partitions take their reference partner's identity, and so do their parts.

using Children = std::map<std::string, std::vector<const CatalogObject*>>;  // parent id -> its partitions

Children partitions_by_parent(const Snapshot& s) {
    Children out;
    const std::string prefix = snapshot_key("partition", "");
    for (auto it = s.objects.lower_bound(prefix); it != s.objects.end() && starts_with(it->first, prefix); ++it)
        out[it->second.parent].push_back(&it->second);
    return out;
}

struct PartitionMatch {
    std::map<std::string, std::string> other_to_ref;  // the other side's partition id -> its reference partner's id
    std::map<std::string, std::string> renamed_from;  // reference partition id -> the other side's id
};

const std::string& bound_of(const CatalogObject& o) {
    static const std::string none;
    auto it = o.attrs.find("partition_bound");
    return it == o.attrs.end() ? none : it->second;
}

// Whether every partition has a partner of the same name (and, by bounds, the same parent and bound) on the other
// side: then there is nothing to match. Partitions sit together in a snapshot's key order, so this is one merge.
bool partitions_pair_by_name(const Snapshot& ref, const Snapshot& oth, bool by_bounds) {
    const std::string prefix = snapshot_key("partition", "");
    auto r = ref.objects.lower_bound(prefix), o = oth.objects.lower_bound(prefix);
    for (;; ++r, ++o) {
        bool r_end = r == ref.objects.end() || !starts_with(r->first, prefix);
        bool o_end = o == oth.objects.end() || !starts_with(o->first, prefix);
        if (r_end || o_end) return r_end && o_end;
        if (r->first != o->first) return false;
        if (by_bounds && (r->second.parent != o->second.parent || bound_of(r->second) != bound_of(o->second))) return false;
    }
}

PartitionMatch match_partitions(const Snapshot& ref, const Snapshot& oth, bool by_bounds) {
    PartitionMatch m;
    if (partitions_pair_by_name(ref, oth, by_bounds)) return m;
    const Children rc = partitions_by_parent(ref), oc = partitions_by_parent(oth);
    if (rc.empty() || oc.empty()) return m;
    auto has_relation = [&](const std::string& id) {
        return oth.objects.count(snapshot_key("table", id)) || oth.objects.count(snapshot_key("partition", id));
    };
    // Top-down from the roots (partitioned tables, matched by name), so a sub-partition is matched under its
    // parent's partner.
    std::vector<std::pair<std::string, std::string>> work;  // (reference parent, other parent)
    for (const auto& [parent, kids] : rc)
        if (!ref.objects.count(snapshot_key("partition", parent)) && oc.count(parent)) work.push_back({parent, parent});
    while (!work.empty()) {
        auto [rp, op] = work.back();
        work.pop_back();
        auto ri = rc.find(rp);
        auto oi = oc.find(op);
        if (ri == rc.end() || oi == oc.end()) continue;
        std::map<std::string, const CatalogObject*> by_id, by_bound;  // the other side's partitions not matched yet
        for (const CatalogObject* o : oi->second) {
            by_id[o->id] = o;
            if (!bound_of(*o).empty()) by_bound[bound_of(*o)] = o;
        }
        std::vector<std::pair<const CatalogObject*, const CatalogObject*>> pairs;
        std::vector<const CatalogObject*> left = ri->second;
        auto pass = [&](bool bounds) {
            std::vector<const CatalogObject*> still;
            for (const CatalogObject* r : left) {
                auto& index = bounds ? by_bound : by_id;
                auto it = index.find(bounds ? bound_of(*r) : r->id);
                if (it == index.end() || (bounds && bound_of(*r).empty())) {
                    still.push_back(r);
                    continue;
                }
                const CatalogObject* o = it->second;
                pairs.push_back({r, o});
                by_id.erase(o->id);
                if (!bound_of(*o).empty()) by_bound.erase(bound_of(*o));
            }
            left = std::move(still);
        };
        pass(by_bounds);
        pass(!by_bounds);
        // A rename onto an identity the other side already uses for a relation that keeps it would merge two
        // relations: such a pair stays unmatched (the names decide).
        std::set<std::string> renamed_away;
        for (const auto& [r, o] : pairs)
            if (r->id != o->id) renamed_away.insert(o->id);
        for (bool changed = true; changed;) {
            changed = false;
            for (auto& pr : pairs) {
                if (!pr.first || pr.first->id == pr.second->id) continue;
                if (has_relation(pr.first->id) && !renamed_away.count(pr.first->id)) {
                    renamed_away.erase(pr.second->id);
                    pr.first = nullptr;
                    changed = true;
                }
            }
        }
        for (const auto& [r, o] : pairs) {
            if (!r) continue;
            if (r->id != o->id) {
                m.other_to_ref[o->id] = r->id;
                m.renamed_from[r->id] = o->id;
            }
            work.push_back({r->id, o->id});
        }
    }
    return m;
}

// How a relation is named in a deparsed definition: qualified, or bare when it is in public (the snapshot is read
// with the default search_path, and pretty-printed trigger and rule definitions leave visible names bare).
std::vector<std::string> spellings(const std::string& id) {
    std::vector<std::string> out{id};
    std::string schema = schema_of(id);
    if (schema == "public") out.push_back(id.substr(schema.size() + 1));
    return out;
}

// Replaces the first mention of relation `from` after ON, ON ONLY or TO in a definition (an index's table, a
// trigger's or a rule's relation) by `to`, spelled the same way (qualified or bare).
void replace_relation(std::string& def, const std::string& from, const std::string& to) {
    const std::vector<std::string> from_names = spellings(from), to_names = spellings(to);
    size_t best = std::string::npos, best_start = 0, best_len = 0;
    std::string best_to;
    for (const std::string lead : {"ON ONLY ", "ON ", "TO "}) {
        for (size_t n = 0; n < from_names.size(); ++n) {
            const std::string needle = lead + from_names[n];
            for (size_t at = def.find(needle); at != std::string::npos; at = def.find(needle, at + 1)) {
                size_t end = at + needle.size();
                bool word_start = at == 0 || def[at - 1] == ' ' || def[at - 1] == '\n';
                bool word_end = end == def.size() || def[end] == ' ' || def[end] == '\n' || def[end] == ';';
                if (!word_start || !word_end) continue;
                if (at < best) {
                    best = at;
                    best_start = at + lead.size();
                    best_len = from_names[n].size();
                    best_to = to_names[std::min(n, to_names.size() - 1)];
                }
                break;
            }
        }
    }
    if (best != std::string::npos) def.replace(best_start, best_len, best_to);
}

// The other side with its matched partitions (and their parts) under their reference partners' identities.
Snapshot rekeyed(const Snapshot& s, const std::map<std::string, std::string>& renames) {
    Snapshot out;
    out.server_version = s.server_version;
    for (const auto& [key, obj] : s.objects) {
        CatalogObject o = obj;
        if (o.kind == "partition") {
            auto it = renames.find(o.id);
            if (it != renames.end()) o.id = it->second;
        }
        auto p = renames.find(o.parent);
        if (p != renames.end()) {
            const std::string &from = p->first, &to = p->second;
            if (starts_with(o.id, from + ".")) o.id = to + o.id.substr(from.size());
            o.parent = to;
            for (auto& [k, v] : o.attrs) {
                if (v == from) v = to;
                else if (starts_with(v, from + ".")) v = to + v.substr(from.size());
                else if (k == "definition") replace_relation(v, from, to);
            }
        }
        std::string k = snapshot_key(o.kind, o.id);
        out.objects.emplace(std::move(k), std::move(o));
    }
    return out;
}

}  // namespace

bool is_ignored(const CatalogObject& o, const std::vector<IgnoreRule>& rules) {
    std::vector<Ancestor> parent;
    if (!o.parent.empty()) parent.push_back({"table", o.parent});
    return ignored(o, parent, rules);
}

std::string render_definition(const CatalogObject& o) { return render(o, DiffPolicy{}); }

std::vector<SchemaDifference> diff_snapshots(const Snapshot& reference, const Snapshot& other_as_read, const DiffPolicy& policy) {
    std::vector<SchemaDifference> out;
    const bool by_bounds = policy.partitions == "by-bounds";
    const PartitionMatch match = match_partitions(reference, other_as_read, by_bounds);
    Snapshot other_rekeyed;
    if (!match.other_to_ref.empty()) other_rekeyed = rekeyed(other_as_read, match.other_to_ref);
    const Snapshot& other = match.other_to_ref.empty() ? other_as_read : other_rekeyed;
    // What contains an object and which columns a primary key covers are needed for differences only: built
    // on first use (the equal case, the common one, never needs them).
    // The comparison runs on two threads (see below): what is built on first use is built under a lock.
    std::mutex lazy;
    std::optional<Lineage> ref_lineage_, other_lineage_;
    auto lineage = [&](bool ref_side) -> const Lineage& {
        std::lock_guard<std::mutex> lock(lazy);
        auto& l = ref_side ? ref_lineage_ : other_lineage_;
        if (!l) l.emplace(ref_side ? reference : other);
        return *l;
    };
    // A side without the public schema has it as a fresh database does (snapshots leave that one out).
    const std::string public_key = snapshot_key("schema", "public");
    const CatalogObject* default_public = &default_public_schema();
    // Both snapshots are sorted by key: walk them side by side (a merge), never building a union of keys. Large
    // snapshots are walked in two halves at once, split at the reference's middle key: each half is a merge of its
    // own, and their results, joined in order, are those of one walk.
    using It = std::map<std::string, CatalogObject>::const_iterator;
    struct Range {
        It r, r_end, o, o_end;
    };
    std::vector<Range> halves;
    if (reference.objects.size() >= 2048) {
        It mid = std::next(reference.objects.begin(), static_cast<long>(reference.objects.size() / 2));
        It o_mid = other.objects.lower_bound(mid->first);
        halves.push_back({reference.objects.begin(), mid, other.objects.begin(), o_mid});
        halves.push_back({mid, reference.objects.end(), o_mid, other.objects.end()});
    } else {
        halves.push_back({reference.objects.begin(), reference.objects.end(), other.objects.begin(), other.objects.end()});
    }
    auto for_each_pair_in = [&](const Range& range, const auto& fn) {
        auto r = range.r, o = range.o;
        while (r != range.r_end || o != range.o_end) {
            const int order = r == range.r_end ? 1 : o == range.o_end ? -1 : r->first.compare(o->first);
            if (order < 0) {
                fn(&r->second, r->first == public_key ? default_public : nullptr);
                ++r;
            } else if (order > 0) {
                fn(o->first == public_key ? default_public : nullptr, &o->second);
                ++o;
            } else {
                fn(&r++->second, &o++->second);
            }
        }
    };
    // Runs job(half index) for each half, the second on a thread of its own.
    auto in_halves = [&](const auto& job) {
        if (halves.size() == 1) return job(size_t{0});
        auto second = std::async(std::launch::async, [&] { job(size_t{1}); });
        job(size_t{0});
        second.get();
    };
    // What exists on one side only, as a whole ("kind:id"), noted in the same walk as the differences. Its parts are
    // implied by it, whatever order identities sort in (a partition may sort before its parent partition): the
    // differences of objects on one side only are dropped afterwards when an ancestor is such a whole.
    std::set<std::string> whole_missing, whole_extra;
    std::vector<std::set<std::string>> missing(halves.size()), extra(halves.size());
    auto implied = [](const std::vector<Ancestor>& ancestors, const std::set<std::string>& whole) {
        for (const auto& [kind, id] : ancestors)
            if (whole.count(kind + ":" + id)) return true;
        return false;
    };
    // A column that is NOT NULL only because a primary key covers it on one side: the key's own finding says it.
    std::optional<std::set<std::string>> ref_pk_, other_pk_;
    auto pk_columns = [&](bool ref_side) -> const std::set<std::string>& {
        std::lock_guard<std::mutex> lock(lazy);
        auto& p = ref_side ? ref_pk_ : other_pk_;
        if (!p) p = primary_key_columns(ref_side ? reference : other);
        return *p;
    };
    // Per half, in order: the differences, with the ancestors of those on one side only.
    std::vector<std::vector<std::pair<SchemaDifference, std::vector<Ancestor>>>> found(halves.size());
    in_halves([&](size_t h) { for_each_pair_in(halves[h], [&, &out = found[h]](const CatalogObject* r, const CatalogObject* o) {
        if (!o && !only_uncompared(*r, policy)) missing[h].insert(r->kind + ":" + r->id);
        else if (!r && !only_uncompared(*o, policy)) extra[h].insert(o->kind + ":" + o->id);
        // A partition matched by bound under another name: under by-name its name is a difference.
        const std::string* renamed_from = nullptr;
        if (r && o && !by_bounds && r->kind == "partition" && !match.renamed_from.empty()) {
            auto it = match.renamed_from.find(r->id);
            if (it != match.renamed_from.end()) renamed_from = &it->second;
        }
        if (r && o && same_attrs(r->attrs, o->attrs) && r->parent == o->parent && !renamed_from) return;  // the common case, decided without any allocation
        if ((!r || !o) && only_uncompared(r ? *r : *o, policy)) return;
        const CatalogObject& any = r ? *r : *o;
        // A partition's column that deviates from its parent's only by a NOT NULL that a primary key of the partition
        // (on this side only) implies: the key's own finding says it, as for a table's column.
        if ((!r || !o) && any.kind == "column") {
            auto dev = any.attrs.find("differs_from_parent");
            if (dev != any.attrs.end() && compared_value(dev->first, dev->second, policy) == "not_null" &&
                pk_columns(r != nullptr).count(any.id) && !pk_columns(r == nullptr).count(any.id))
                return;
        }
        SchemaDifference d{any.kind, any.id, "", "", "", {}};
        std::string ref_lead, other_lead;  // what the definitions say beyond the attributes
        if (renamed_from) {
            d.changed_attrs.push_back("name");
            ref_lead = "name=" + r->id;
            other_lead = "name=" + *renamed_from;
        }
        if (r && o && r->parent != o->parent) {
            d.changed_attrs.push_back("parent");
            ref_lead += (ref_lead.empty() ? "" : "; ") + ("parent=" + r->parent);
            other_lead += (other_lead.empty() ? "" : "; ") + ("parent=" + o->parent);
        }
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
                if (same_value(va, vb) || !attr_compared(name, policy)) continue;
                if (name == "differs_from_parent" && compared_value(name, va, policy) == compared_value(name, vb, policy)) continue;
                if (name == "not_null" && any.kind == "column" &&
                    ((va == "true" && pk_columns(true).count(any.id) && !pk_columns(false).count(any.id)) ||
                     (vb == "true" && pk_columns(false).count(any.id) && !pk_columns(true).count(any.id))))
                    continue;
                d.changed_attrs.push_back(name);
            }
            if (d.changed_attrs.empty()) return;
        }
        std::vector<Ancestor> ancestors = lineage(r != nullptr).of(any);
        if (ignored(any, ancestors, policy.ignore)) return;
        if (!o) {
            d.change = "missing";
            d.reference_definition = render(*r, policy);
        } else if (!r) {
            d.change = "extra";
            d.other_definition = render(*o, policy);
        } else {
            d.change = "changed";
            d.reference_definition = render(*r, policy, ref_lead);
            d.other_definition = render(*o, policy, other_lead);
        }
        out.push_back({std::move(d), r && o ? std::vector<Ancestor>() : std::move(ancestors)});
    }); });
    for (auto& m : missing) whole_missing.merge(m);
    for (auto& e : extra) whole_extra.merge(e);
    for (auto& half : found)
        for (auto& [d, ancestors] : half) {
            if (d.change == "missing" && implied(ancestors, whole_missing)) continue;
            if (d.change == "extra" && implied(ancestors, whole_extra)) continue;
            out.push_back(std::move(d));
        }
    if (policy.column_order != "ignore") {
        // Relative order of the columns both sides have, per table.
        std::map<std::string, std::vector<std::pair<int, std::string>>> ref_cols, oth_cols;
        auto collect = [&](const Snapshot& s, const Lineage& lineage, auto& into) {
            for (const auto& [k, o] : s.objects)
                if (o.kind == "column" && o.attrs.count(kColumnPositionAttr) && !ignored(o, lineage.of(o), policy.ignore))
                    into[o.parent].push_back({std::stoi(o.attrs.at(kColumnPositionAttr)), o.id});
        };
        collect(reference, lineage(true), ref_cols);
        collect(other, lineage(false), oth_cols);
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
