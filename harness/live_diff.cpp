#include "harness/live_diff.h"

#include <malloc.h>

#include <future>
#include <cstdlib>
#include <memory>
#include <stdexcept>

#include "harness/pg.h"

namespace pggate {

LiveDiff diff_databases(const std::string& dsn_reference, const std::string& dsn_other, const DiffPolicy& policy) {
    LiveDiff out;
    // Each reading thread allocates from its own malloc arena, which glibc grows a page at a time (an mprotect call
    // per page: a tenth of the client's time for a large schema). A fixed mmap threshold and no trimming let one
    // large block, allocated and freed at the start of each thread, reserve the room its snapshot needs at once; its
    // pages are only committed when used.
    static const bool arenas_tuned = [] {
        mallopt(M_MMAP_THRESHOLD, 32 << 20);
        mallopt(M_TRIM_THRESHOLD, 512 << 20);
        return true;
    }();
    (void)arenas_tuned;
    // Both snapshots at once: two connections, two servers' (or one server's) work in parallel. The connections stay
    // open for spelling deferred expressions afterwards.
    // Owners and privileges are read only when the policy compares them.
    const ReadScope scope{policy.owners, policy.privileges};
    auto read = [&scope](const std::string& dsn, Snapshot& into) {
        if (void* room = std::malloc((32 << 20) - 4096)) {
            *static_cast<volatile char*>(room) = 0;
            std::free(room);
        }
        auto conn = std::make_unique<PgConn>(dsn);
        into = read_snapshot(*conn, Deparse::on_demand, scope);
        return conn;
    };
    auto fa = std::async(std::launch::async, read, std::cref(dsn_reference), std::ref(out.reference));
    auto fb = std::async(std::launch::async, read, std::cref(dsn_other), std::ref(out.other));
    std::unique_ptr<PgConn> ca = fa.get(), cb = fb.get();
    auto spell = [&](const std::vector<size_t>& ra, const std::vector<size_t>& rb) {
        auto other_side = std::async(std::launch::async, [&] { resolve_deferred(*cb, out.other, rb); });
        resolve_deferred(*ca, out.reference, ra);
        other_side.get();
        out.spelled += ra.size() + rb.size();
    };
    if (out.reference.deparse_context != out.other.deparse_context) {
        // The servers may spell equal node trees differently (another version, other output settings, user objects
        // named like built-in ones): spell everything, as full snapshots would be.
        std::vector<size_t> ra(out.reference.deferred.size()), rb(out.other.deferred.size());
        for (size_t i = 0; i < ra.size(); ++i) ra[i] = i;
        for (size_t i = 0; i < rb.size(); ++i) rb[i] = i;
        spell(ra, rb);
    }
    // Equal comparable forms mean equal spellings, so only objects that differ can show a deferred expression in
    // their definitions: spell those and compare again (they may then be equal after all). Spelling changes nothing
    // but the objects spelled, so a second round finds none left.
    for (int round = 0;; ++round) {
        out.differences = diff_snapshots(out.reference, out.other, policy);
        std::vector<size_t> ra, rb;
        for (const auto& d : out.differences) {
            for (size_t s : deferred_serials(d.reference_definition)) ra.push_back(s);
            for (size_t s : deferred_serials(d.other_definition)) rb.push_back(s);
        }
        if (ra.empty() && rb.empty()) break;
        if (round == 3) throw std::logic_error("internal: deferred expressions left after spelling them");
        spell(ra, rb);
    }
    return out;
}

}  // namespace pggate
