#include "harness/expr_normalize.h"

#include <vector>

namespace pggate {
namespace {

// Reads a single-quoted SQL literal starting at s[i] == '\''; returns the index after it, or npos.
size_t skip_literal(const std::string& s, size_t i) {
    if (i >= s.size() || s[i] != '\'') return std::string::npos;
    for (++i; i < s.size(); ++i) {
        if (s[i] != '\'') continue;
        if (i + 1 < s.size() && s[i + 1] == '\'') {
            ++i;
            continue;
        }
        return i + 1;
    }
    return std::string::npos;
}

// A type name as deparsed after "::": letters, digits, spaces between words, dots, quotes, brackets
// and parenthesized typmods, e.g. character varying(20), "My Type", public.status[].
size_t skip_type(const std::string& s, size_t i) {
    size_t start = i;
    int parens = 0;
    while (i < s.size()) {
        char c = s[i];
        if (c == '(') ++parens;
        else if (c == ')') {
            if (parens == 0) break;
            --parens;
        } else if (parens == 0 && (c == ',' || c == ']')) break;
        else if (parens == 0 && c == ' ') {
            // A space continues the name only between words ("character varying", "double precision").
            if (i + 1 >= s.size() || !std::isalpha(static_cast<unsigned char>(s[i + 1]))) break;
        } else if (parens == 0 && c == ':') break;
        ++i;
    }
    return i > start ? i : std::string::npos;
}

// Tries to read `ARRAY[('lit'::T)::U, ...]` at s[i]; on success writes the canonical form and returns the end.
size_t rewrite_array(const std::string& s, size_t i, std::string& out) {
    static const std::string head = "ARRAY[";
    if (s.compare(i, head.size(), head) != 0) return std::string::npos;
    size_t p = i + head.size();
    std::vector<std::string> elements;  // 'lit'::T
    std::string outer;                  // U
    while (true) {
        if (s.compare(p, 1, "(") != 0) return std::string::npos;
        size_t lit_end = skip_literal(s, p + 1);
        if (lit_end == std::string::npos || s.compare(lit_end, 2, "::") != 0) return std::string::npos;
        size_t inner_end = skip_type(s, lit_end + 2);
        if (inner_end == std::string::npos || s.compare(inner_end, 3, ")::") != 0) return std::string::npos;
        size_t outer_end = skip_type(s, inner_end + 3);
        if (outer_end == std::string::npos) return std::string::npos;
        std::string this_outer = s.substr(inner_end + 3, outer_end - inner_end - 3);
        if (!outer.empty() && this_outer != outer) return std::string::npos;
        outer = this_outer;
        elements.push_back(s.substr(p + 1, inner_end - p - 1));
        p = outer_end;
        if (s.compare(p, 2, ", ") == 0) {
            p += 2;
            continue;
        }
        if (s.compare(p, 1, "]") == 0) break;
        return std::string::npos;
    }
    out += "(ARRAY[";
    for (size_t k = 0; k < elements.size(); ++k) out += (k ? ", " : "") + elements[k];
    out += "])::" + outer + "[]";
    return p + 1;
}

}  // namespace

std::string normalize_expression(const std::string& expr) {
    if (expr.find("ARRAY[(") == std::string::npos) return expr;  // the common case costs one search
    std::string out;
    out.reserve(expr.size());
    for (size_t i = 0; i < expr.size();) {
        if (expr[i] == '\'') {  // copy literals whole: "ARRAY[(" inside a string is not an array
            size_t end = skip_literal(expr, i);
            if (end == std::string::npos) end = expr.size();
            out.append(expr, i, end - i);
            i = end;
            continue;
        }
        size_t end = rewrite_array(expr, i, out);
        if (end != std::string::npos) {
            i = end;
            continue;
        }
        out += expr[i++];
    }
    return out;
}

}  // namespace pggate
