#include "harness/container_image.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "harness/container_engine.h"
#include "harness/process.h"
#include "harness/provider.h"

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace pggate {
namespace {

// Bump when the image's layout or settings change, so cached images are rebuilt.
constexpr const char* kRecipe = "pggate-image-recipe-3";
constexpr const char* kDataDir = "/var/lib/postgresql/data";
constexpr const char* kImageUid = "999";  // the postgres user inside the image, as in the official image

std::string trimmed(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

unsigned long long fnv1a(const std::string& s, unsigned long long h = 1469598103934665603ull) {
    for (unsigned char c : s) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

ProcessResult run(std::vector<std::string> argv, std::chrono::milliseconds timeout = 120s) {
    ProcessSpec p;
    p.argv = std::move(argv);
    p.timeout = timeout;
    return run_process(p);
}

void check(const ProcessResult& r, const std::string& what) {
    if (interrupted()) throw ProvisionError("interrupted");
    if (r.exit_code != 0) throw ProvisionError(what + " failed (exit " + std::to_string(r.exit_code) + "): " + trimmed(r.err.empty() ? r.out : r.err));
}

// The shared libraries (and the dynamic loader) `ldd` names for each binary.
std::set<std::string> shared_libraries(const std::vector<std::string>& binaries) {
    std::set<std::string> libs;
    for (const auto& b : binaries) {
        auto r = run({"ldd", b}, 30s);
        if (r.exit_code != 0) continue;  // not dynamic
        std::istringstream in(r.out);
        std::string line;
        while (std::getline(in, line)) {
            // "\tlibz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x…)" or "\t/lib64/ld-linux-x86-64.so.2 (0x…)"
            std::string path;
            if (auto arrow = line.find("=> "); arrow != std::string::npos) path = line.substr(arrow + 3);
            else path = line.substr(line.find_first_not_of(" \t") == std::string::npos ? 0 : line.find_first_not_of(" \t"));
            path = path.substr(0, path.find(' '));
            if (!path.empty() && path[0] == '/') libs.insert(path);
        }
    }
    return libs;
}

struct Source {
    std::string host;    // file or folder on this machine
    std::string target;  // where it goes in the image
};

void add_tree(const Source& s, std::vector<std::pair<std::string, std::string>>& files) {
    std::error_code ec;
    if (fs::is_regular_file(s.host, ec)) {
        files.push_back({s.host, s.target});
        return;
    }
    for (auto it = fs::recursive_directory_iterator(s.host, ec); it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::string name = it->path().filename().string();
        // No JIT (it would drag in libLLVM, ~100 MB): servers in the image run with jit off.
        if (name.rfind("llvmjit", 0) == 0 || name == "bitcode" || name == "man") {
            if (it->is_directory()) it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file(ec)) files.push_back({it->path().string(), s.target + it->path().string().substr(s.host.size())});
    }
}

std::string pg_config(const std::string& bin, const std::string& what, const std::string& fallback) {
    if (access((bin + "/pg_config").c_str(), X_OK) != 0) return fallback;
    auto r = run({bin + "/pg_config", what}, 10s);
    return r.exit_code == 0 ? trimmed(r.out) : fallback;
}

// A private staging folder, removed on every way out.
struct Staging {
    std::string dir;
    ~Staging() {
        std::error_code ec;
        if (!dir.empty()) fs::remove_all(dir, ec);
    }
};

int build(const ImageBuildOptions& opts) {
    auto t0 = std::chrono::steady_clock::now();
    std::string why;
    auto engine = find_container_engine(opts.engine, why);
    if (!engine) throw ProvisionError(why);
    std::string bin = find_pg_bin_dir(opts.pg_bin);
    auto ver = run({bin + "/postgres", "--version"}, 10s);
    check(ver, bin + "/postgres --version");
    std::string version_line = trimmed(ver.out.substr(0, ver.out.find('\n')));
    // "postgres (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)"
    std::string version = version_line.substr(version_line.find(") ") + 2);
    version = version.substr(0, version.find(' '));
    std::string major = version.substr(0, version.find('.'));
    std::string tag = opts.tag.empty() ? "localhost/pggate-postgres:" + major : opts.tag;

    // Everything the image holds, at the same paths as on this machine (the server finds its lib and
    // share dirs relative to its own path, and Debian's build reads /usr/share/zoneinfo).
    std::string pkglib = pg_config(bin, "--pkglibdir", (fs::path(bin).parent_path() / "lib").string());
    std::string share = pg_config(bin, "--sharedir", "/usr/share/postgresql/" + major);
    std::vector<std::pair<std::string, std::string>> files;
    add_tree({bin + "/postgres", bin + "/postgres"}, files);
    add_tree({pkglib, pkglib}, files);
    add_tree({share, share}, files);
    if (fs::exists("/usr/share/zoneinfo")) add_tree({"/usr/share/zoneinfo", "/usr/share/zoneinfo"}, files);
    // Content hash: the recipe, the server's version, and every PostgreSQL file's path, size and mtime.
    // The system libraries are left out (running ldd on every module costs a second): an image keeps
    // working with the libraries it was built with.
    unsigned long long h = fnv1a(std::string(kRecipe) + "|" + version_line);
    for (const auto& [host, target] : files) {
        struct stat st {};
        stat(host.c_str(), &st);
        h = fnv1a(target + "|" + std::to_string(st.st_size) + "|" + std::to_string(st.st_mtime) + "\n", h);
    }
    std::ostringstream hs;
    hs << std::hex << h;
    std::string hash = hs.str();

    auto existing = engine_command(*engine, {"image", "inspect", "--format", "{{.Id}} {{index .Config.Labels \"pggate.image.hash\"}}", tag}, 30s);
    std::string old_id, old_hash;
    if (existing.exit_code == 0) {
        std::istringstream in(existing.out);
        in >> old_id >> old_hash;
    }
    if (!opts.force && old_hash == hash) {
        std::cout << "image " << tag << " is up to date (PostgreSQL " << version << ", content hash " << hash << ")\n";
        return 0;
    }
    std::vector<std::string> binaries = {bin + "/postgres"};
    for (const auto& [host, target] : files)
        if (host.size() > 3 && host.compare(host.size() - 3, 3, ".so") == 0 && host.rfind(pkglib, 0) == 0) binaries.push_back(host);
    for (const auto& lib : shared_libraries(binaries)) files.push_back({lib, lib});
    std::cerr << "pggate: building " << tag << " from " << bin << " (PostgreSQL " << version << ") with " << engine->kind << "\n";

    // Stage the root filesystem somewhere the unprivileged initdb user can reach.
    std::optional<RunAs> run_as;
    if (geteuid() == 0) {
        run_as = lookup_user("postgres");
        if (!run_as || run_as->uid == 0) run_as = lookup_user("nobody");
        if (!run_as) throw ProvisionError("pggate runs as root and initdb refuses to; there is no 'postgres' or 'nobody' user to run it as.");
    }
    Staging staging;
    std::string base = default_temp_bases("").front();
    std::string tmpl = base + "/pggate-image-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data())) throw ProvisionError("cannot create a staging folder in " + base + ": " + std::strerror(errno));
    staging.dir = buf.data();
    chmod(staging.dir.c_str(), 0755);
    fs::path root = fs::path(staging.dir) / "rootfs";
    for (const char* d : {"etc", "tmp", "var/run/postgresql", "var/lib/postgresql", "dev", "proc", "sys"}) fs::create_directories(root / d);
    fs::permissions(root / "tmp", fs::perms::all | fs::perms::sticky_bit);
    for (const auto& [host, target] : files) {
        fs::path dest = root / fs::path(target).relative_path();
        fs::create_directories(dest.parent_path());
        fs::copy_file(host, dest, fs::copy_options::overwrite_existing);  // follows symlinks: the library itself
        fs::permissions(dest, fs::status(host).permissions());
    }
    std::ofstream(root / "etc/passwd") << "root:x:0:0:root:/root:/nonexistent\npostgres:x:" << kImageUid << ":" << kImageUid
                                       << ":PostgreSQL:/var/lib/postgresql:/nonexistent\n";
    std::ofstream(root / "etc/group") << "root:x:0:\npostgres:x:" << kImageUid << ":\n";

    // The data dir is initialized now, once, instead of in every container.
    fs::path data = root / "var/lib/postgresql/data";
    if (run_as && chown((root / "var/lib/postgresql").c_str(), run_as->uid, run_as->gid) != 0)
        throw ProvisionError("cannot hand the staging folder to user " + run_as->name + ": " + std::strerror(errno));
    ProcessSpec init;
    init.argv = {bin + "/initdb", "-D", data.string(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"};
    init.run_as = run_as;
    init.timeout = 120s;
    init.env_unset = {"PGDATA", "LC_ALL", "LANG"};
    check(run_process(init), "initdb");
    // Reachable only through the port pggate publishes on 127.0.0.1, so trust is the throwaway server's auth.
    std::ofstream(data / "postgresql.conf", std::ios::app) << "\n# pggate image\nlisten_addresses = '*'\njit = off\n";
    std::ofstream(data / "pg_hba.conf", std::ios::app) << "\n# pggate image: the port is published on 127.0.0.1 only\n"
                                                          "host all all 0.0.0.0/0 trust\nhost all all ::/0 trust\n";

    // Everything root-owned except the data and socket dirs, which belong to the image's postgres user.
    std::string tar = staging.dir + "/image.tar";
    check(run({"tar", "--numeric-owner", "--owner=0", "--group=0", "--exclude=./var/lib/postgresql/data",
               "--exclude=./var/run/postgresql", "-C", root.string(), "-cf", tar, "."}, 300s), "tar");
    check(run({"tar", "--numeric-owner", std::string("--owner=") + kImageUid, std::string("--group=") + kImageUid, "-C", root.string(),
               "-rf", tar, "./var/lib/postgresql/data", "./var/run/postgresql"}, 300s), "tar");
    std::string entry = "ENTRYPOINT=[\"" + bin + "/postgres\",\"-D\",\"" + kDataDir + "\"]";
    auto imp = engine_command(*engine, {"import", "--change", "USER=postgres", "--change", entry, "--change",
                                        std::string("ENV=PGDATA=") + kDataDir, "--change", "EXPOSE=5432", "--change",
                                        "LABEL=pggate.image.hash=" + hash, "--change", "LABEL=pggate.postgres.version=" + version,
                                        tar, tag}, 600s);
    check(imp, engine->kind + " import");
    // The previous image under this tag is now untagged: remove it unless a container still uses it.
    auto now = engine_command(*engine, {"image", "inspect", "--format", "{{.Id}}", tag}, 30s);
    if (!old_id.empty() && trimmed(now.out) != old_id) engine_command(*engine, {"rmi", old_id}, 60s);
    std::cout << "built image " << tag << " (PostgreSQL " << version << ", " << files.size() << " files, content hash " << hash << ") in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count() / 1000.0 << " s\n";
    return 0;
}

}  // namespace

int image_build_command(const ImageBuildOptions& opts) {
    try {
        return build(opts);
    } catch (const ProvisionError& e) {
        std::cerr << "pggate: error: " << e.what() << "\n";
        return 2;
    } catch (const std::filesystem::filesystem_error& e) {
        std::cerr << "pggate: error: cannot assemble the image's root filesystem: " << e.what() << "\n";
        return 2;
    }
}

}  // namespace pggate
