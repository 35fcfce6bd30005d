#include <nlohmann/json.hpp>

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
        oj["attrs"] = o.attrs;
        objects.push_back(oj);
    }
    j["objects"] = objects;
    return j.dump(1) + "\n";
}

}  // namespace pggate
