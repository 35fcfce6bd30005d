#include "reports/schema.h"

#include "report_schema.h"  // generated from reports/report.schema.json

#include <nlohmann/json.hpp>

#include <cmath>
#include <regex>
#include <set>
#include <stdexcept>

namespace pggate {
namespace {

using nlohmann::json;

std::string pointer_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '~') out += "~0";
        else if (c == '/') out += "~1";
        else out += c;
    }
    return out;
}

std::string show(const json& v) {
    std::string s = v.dump();
    return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}

size_t utf8_length(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s)
        if ((c & 0xC0) != 0x80) ++n;
    return n;
}

bool has_type(const json& v, const std::string& t) {
    if (t == "object") return v.is_object();
    if (t == "array") return v.is_array();
    if (t == "string") return v.is_string();
    if (t == "boolean") return v.is_boolean();
    if (t == "null") return v.is_null();
    if (t == "number") return v.is_number();
    if (t == "integer") {
        if (v.is_number_integer()) return true;
        if (v.is_number_float()) {
            double d = v.get<double>();
            return std::isfinite(d) && d == std::floor(d);
        }
        return false;
    }
    throw std::runtime_error("schema: unknown type \"" + t + "\"");
}

// JSON Schema equality: numbers compare by value (1 == 1.0).
bool json_equal(const json& a, const json& b) {
    if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
    return a == b;
}

class Validator {
public:
    explicit Validator(const json& root) : root_(root) {}

    void check(const json& v, const json& schema, const std::string& at, std::vector<std::string>& errors) {
        if (schema.is_boolean()) {
            if (!schema.get<bool>()) errors.push_back(where(at) + "no value is allowed here");
            return;
        }
        if (!schema.is_object()) throw std::runtime_error("schema: a schema must be an object or a boolean");
        static const std::set<std::string> known = {"$schema", "$id", "$defs", "$ref", "title", "description",
                                                    "type", "const", "enum", "required", "properties",
                                                    "additionalProperties", "items", "minimum", "minLength",
                                                    "pattern"};
        for (const auto& [k, _] : schema.items())
            if (!known.count(k)) throw std::runtime_error("schema: unsupported keyword \"" + k + "\"");

        if (schema.contains("$ref")) check(v, resolve(schema["$ref"].get<std::string>()), at, errors);
        if (schema.contains("type")) {
            const json& t = schema["type"];
            bool ok = false;
            std::string names;
            if (t.is_array()) {
                for (const auto& one : t) {
                    ok |= has_type(v, one.get<std::string>());
                    names += (names.empty() ? "" : " or ") + one.get<std::string>();
                }
            } else {
                ok = has_type(v, t.get<std::string>());
                names = t.get<std::string>();
            }
            if (!ok) {
                errors.push_back(where(at) + "expected " + names + ", got " + show(v));
                return;  // the other keywords would only repeat the problem
            }
        }
        if (schema.contains("const") && !json_equal(v, schema["const"]))
            errors.push_back(where(at) + "must be " + show(schema["const"]) + ", got " + show(v));
        if (schema.contains("enum")) {
            bool found = false;
            for (const auto& e : schema["enum"]) found |= json_equal(v, e);
            if (!found) errors.push_back(where(at) + "must be one of " + show(schema["enum"]) + ", got " + show(v));
        }
        if (schema.contains("minimum") && v.is_number() && v.get<double>() < schema["minimum"].get<double>())
            errors.push_back(where(at) + "must be >= " + show(schema["minimum"]) + ", got " + show(v));
        if (v.is_string()) {
            const std::string s = v.get<std::string>();
            if (schema.contains("minLength") && utf8_length(s) < schema["minLength"].get<size_t>())
                errors.push_back(where(at) + "must have at least " + show(schema["minLength"]) + " characters");
            if (schema.contains("pattern")) {
                std::regex re(schema["pattern"].get<std::string>(), std::regex::ECMAScript);
                if (!std::regex_search(s, re))
                    errors.push_back(where(at) + "does not match " + show(schema["pattern"]) + ": " + show(v));
            }
        }
        if (v.is_object()) {
            if (schema.contains("required"))
                for (const auto& r : schema["required"])
                    if (!v.contains(r.get<std::string>()))
                        errors.push_back(where(at) + "missing required property \"" + r.get<std::string>() + "\"");
            const json* props = schema.contains("properties") ? &schema["properties"] : nullptr;
            for (const auto& [k, child] : v.items()) {
                std::string child_at = at + "/" + pointer_escape(k);
                if (props && props->contains(k)) {
                    check(child, (*props)[k], child_at, errors);
                } else if (schema.contains("additionalProperties")) {
                    const json& ap = schema["additionalProperties"];
                    if (ap.is_boolean() && !ap.get<bool>())
                        errors.push_back(where(at) + "unexpected property \"" + k + "\"");
                    else
                        check(child, ap, child_at, errors);
                }
            }
        }
        if (v.is_array() && schema.contains("items")) {
            size_t i = 0;
            for (const auto& item : v) check(item, schema["items"], at + "/" + std::to_string(i++), errors);
        }
    }

private:
    static std::string where(const std::string& at) { return (at.empty() ? std::string("/") : at) + ": "; }

    const json& resolve(const std::string& ref) {
        if (ref.rfind("#", 0) != 0) throw std::runtime_error("schema: only local $ref is supported: " + ref);
        try {
            return root_.at(json::json_pointer(ref.substr(1)));
        } catch (const json::exception&) {
            throw std::runtime_error("schema: unresolvable $ref " + ref);
        }
    }

    const json& root_;
};

}  // namespace

std::vector<std::string> validate_json(const std::string& json_text, const std::string& schema_text) {
    json schema, value;
    try {
        schema = json::parse(schema_text);
    } catch (const json::exception& e) {
        throw std::runtime_error(std::string("schema is not valid JSON: ") + e.what());
    }
    try {
        value = json::parse(json_text);
    } catch (const json::exception& e) {
        throw std::runtime_error(std::string("not valid JSON: ") + e.what());
    }
    std::vector<std::string> errors;
    Validator(schema).check(value, schema, "", errors);
    return errors;
}

const std::string& report_schema() {
    static const std::string text = kReportSchemaJson;
    return text;
}

std::vector<std::string> validate_report(const std::string& report_json) {
    return validate_json(report_json, report_schema());
}

}  // namespace pggate
