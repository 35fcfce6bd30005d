#include <nlohmann/json.hpp>

#include <stdexcept>

#include "harness/catalog.h"
#include "harness/run.h"

namespace pggate {

std::string snapshot_to_json(const Snapshot& snap) {
    nlohmann::ordered_json j;
    j["format"] = "pggate.snapshot/v1";
    j["server_version"] = snap.server_version;
    auto objects = nlohmann::ordered_json::array();
    for (const auto& [key, o] : snap.objects) {  // keys are ordered by kind rank, then identity
        nlohmann::ordered_json oj;
        oj["kind"] = o.kind;
        oj["id"] = o.id;
        if (!o.parent.empty()) oj["parent"] = o.parent;
        auto attrs = nlohmann::ordered_json::object();
        for (const auto& [k, v] : o.attrs) attrs[k] = v;
        oj["attrs"] = std::move(attrs);
        objects.push_back(oj);
    }
    j["objects"] = objects;
    return j.dump(1) + "\n";
}

Snapshot snapshot_from_json(const std::string& text, const std::string& label) {
    Snapshot snap;
    try {
        auto j = nlohmann::json::parse(text);
        if (j.value("format", "") != "pggate.snapshot/v1")
            throw std::runtime_error(label + ": not a pggate snapshot (expected \"format\": \"pggate.snapshot/v1\"); create it with `pggate run --write-lock` or `pggate snapshot DSN -o FILE`.");
        snap.server_version = j.value("server_version", "");
        for (const auto& o : j.at("objects")) {
            CatalogObject obj;
            obj.kind = o.at("kind").get<std::string>();
            obj.id = o.at("id").get<std::string>();
            obj.parent = o.value("parent", "");
            for (const auto& [k, v] : o.at("attrs").items()) obj.attrs[k] = v.get<std::string>();
            snap.objects[snapshot_key(obj.kind, obj.id)] = std::move(obj);
        }
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(label + ": not a readable pggate snapshot: " + e.what());
    }
    return snap;
}

}  // namespace pggate
