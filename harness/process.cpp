#include "harness/process.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <grp.h>
#include <mutex>
#include <poll.h>
#include <pwd.h>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace pggate {
namespace {

volatile sig_atomic_t g_signal = 0;

// Fixed-size registry readable from the signal handler without locks.
constexpr int kMaxGroups = 64;
struct GroupSlot {
    volatile sig_atomic_t pgid;
    volatile sig_atomic_t sig;
};
GroupSlot g_groups[kMaxGroups];
std::mutex g_groups_mutex;  // writers only; the handler reads without locking

// Self-pipe: the handler writes one byte, the clean-up thread (ordinary C++ context) runs the callbacks.
int g_cleanup_pipe[2] = {-1, -1};
std::mutex g_cleanups_mutex;
std::map<int, std::function<void()>> g_cleanups;
int g_next_cleanup = 1;

void on_signal(int sig) {
    if (g_signal == 0) g_signal = sig;
    for (auto& slot : g_groups) {
        if (slot.pgid > 0) kill(-slot.pgid, slot.sig);
    }
    if (g_cleanup_pipe[1] >= 0) {
        char b = 1;
        (void)!write(g_cleanup_pipe[1], &b, 1);
    }
}

void run_interrupt_cleanups() {
    // Under the lock for the whole pass: unregister_interrupt_cleanup then waits for a running callback,
    // so its owner is never destroyed under it.
    std::lock_guard<std::mutex> lock(g_cleanups_mutex);
    for (auto& [id, fn] : g_cleanups) {
        try {
            fn();
        } catch (...) {
            // Best effort: the owner's own clean-up and the next run's reaper still follow.
        }
    }
}

void cleanup_thread() {
    char b;
    while (true) {
        ssize_t n = read(g_cleanup_pipe[0], &b, 1);
        if (n == 1) run_interrupt_cleanups();
        else if (n < 0 && errno == EINTR) continue;
        else return;
    }
}

std::vector<std::string> build_env(const ProcessSpec& spec) {
    std::map<std::string, std::string> env;
    for (char** e = environ; e && *e; ++e) {
        std::string kv = *e;
        auto eq = kv.find('=');
        if (eq != std::string::npos) env[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    for (const auto& key : spec.env_unset) env.erase(key);
    for (const auto& [k, v] : spec.env_set) env[k] = v;
    std::vector<std::string> out;
    out.reserve(env.size());
    for (const auto& [k, v] : env) out.push_back(k + "=" + v);
    return out;
}

[[noreturn]] void child_fail(int fd, const std::string& what) {
    std::string msg = what + ": " + std::strerror(errno);
    if (fd >= 0) (void)!write(fd, msg.data(), msg.size());
    _exit(127);
}

struct Spawned {
    pid_t pid = -1;
    int out_fd = -1;   // read end, when captured
    int err_fd = -1;
};

Spawned spawn(const ProcessSpec& spec, bool capture) {
    if (spec.argv.empty()) throw std::runtime_error("internal: empty argv");
    // Everything the child needs is prepared before fork: no allocation after it.
    std::vector<std::string> env = build_env(spec);
    std::vector<char*> envp;
    for (auto& s : env) envp.push_back(s.data());
    envp.push_back(nullptr);
    std::vector<std::string> args = spec.argv;
    std::vector<char*> argvp;
    for (auto& s : args) argvp.push_back(s.data());
    argvp.push_back(nullptr);
    std::string path = args[0];
    if (path.find('/') == std::string::npos) {
        const char* p = getenv("PATH");
        std::stringstream ss(p ? p : "/usr/bin:/bin");
        std::string dir;
        while (std::getline(ss, dir, ':')) {
            std::string cand = (dir.empty() ? "." : dir) + "/" + path;
            if (access(cand.c_str(), X_OK) == 0) { path = cand; break; }
        }
    }

    int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
    const bool cap_out = capture && spec.stdout_file.empty();
    const bool merge_err = spec.stderr_file == "-";
    const bool cap_err = capture && spec.stderr_file.empty();
    if (cap_out && pipe2(out_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    if (cap_err && pipe2(err_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");

    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
    if (pid == 0) {
        setpgid(0, 0);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGPIPE, SIG_DFL);
        int report_fd = 2;
        int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) { dup2(devnull, 0); close(devnull); }
        if (cap_out) dup2(out_pipe[1], 1);
        else if (!spec.stdout_file.empty()) {
            int fd = open(spec.stdout_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
            if (fd < 0) child_fail(report_fd, "open " + spec.stdout_file);
            dup2(fd, 1);
        } else {
            int fd = open("/dev/null", O_WRONLY);
            dup2(fd, 1);
        }
        if (merge_err) dup2(1, 2);
        else if (cap_err) dup2(err_pipe[1], 2);
        else if (!spec.stderr_file.empty()) {
            int fd = open(spec.stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
            if (fd < 0) child_fail(report_fd, "open " + spec.stderr_file);
            dup2(fd, 2);
        }
        if (!spec.cwd.empty() && chdir(spec.cwd.c_str()) != 0) child_fail(2, "chdir " + spec.cwd);
        if (spec.run_as) {
            if (setgroups(0, nullptr) != 0 || setgid(spec.run_as->gid) != 0 || setuid(spec.run_as->uid) != 0)
                child_fail(2, "cannot switch to user " + spec.run_as->name);
        }
        execve(path.c_str(), argvp.data(), envp.data());
        child_fail(2, "cannot execute " + args[0]);
    }
    setpgid(pid, pid);  // also in the parent, so the group exists before we signal it
    Spawned s;
    s.pid = pid;
    if (cap_out) { close(out_pipe[1]); s.out_fd = out_pipe[0]; }
    if (cap_err) { close(err_pipe[1]); s.err_fd = err_pipe[0]; }
    return s;
}

}  // namespace

bool interrupted() { return g_signal != 0; }
int interrupt_signal() { return g_signal; }

void install_signal_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: blocking calls return EINTR and loops re-check interrupted()
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGHUP, &sa, nullptr);
    signal(SIGPIPE, SIG_IGN);
    if (g_cleanup_pipe[0] < 0 && pipe2(g_cleanup_pipe, O_CLOEXEC) == 0) std::thread(cleanup_thread).detach();
}

int register_interrupt_cleanup(std::function<void()> fn) {
    int id;
    {
        std::lock_guard<std::mutex> lock(g_cleanups_mutex);
        id = g_next_cleanup++;
        g_cleanups[id] = fn;
    }
    if (g_signal && g_cleanup_pipe[1] >= 0) {  // a signal raced the registration
        char b = 1;
        (void)!write(g_cleanup_pipe[1], &b, 1);
    }
    return id;
}

void unregister_interrupt_cleanup(int id) {
    std::lock_guard<std::mutex> lock(g_cleanups_mutex);
    g_cleanups.erase(id);
}

void register_child_group(pid_t pgid, int on_signal_kill) {
    std::lock_guard<std::mutex> lock(g_groups_mutex);
    for (auto& slot : g_groups) {
        if (slot.pgid == 0) {
            slot.sig = on_signal_kill;
            slot.pgid = pgid;
            if (g_signal) kill(-pgid, on_signal_kill);  // a signal raced the start
            return;
        }
    }
}

void unregister_child_group(pid_t pgid) {
    std::lock_guard<std::mutex> lock(g_groups_mutex);
    for (auto& slot : g_groups)
        if (slot.pgid == pgid) slot.pgid = 0;
}

ProcessResult run_process(const ProcessSpec& spec) {
    auto start = std::chrono::steady_clock::now();
    Spawned s = spawn(spec, true);
    if (!spec.survive_interrupt) register_child_group(s.pid, SIGTERM);
    ProcessResult r;
    int status = 0;
    bool exited = false, term_sent = false, kill_sent = false;
    std::chrono::steady_clock::time_point term_at;
    char buf[65536];
    int drain_rounds = 0;
    while (true) {
        auto now = std::chrono::steady_clock::now();
        if (!term_sent && spec.timeout.count() > 0 && now - start > spec.timeout) {
            r.timed_out = true;
            kill(-s.pid, SIGTERM);
            term_sent = true;
            term_at = now;
        }
        if (interrupted() && !term_sent && !spec.survive_interrupt) { kill(-s.pid, SIGTERM); term_sent = true; term_at = now; }
        if (term_sent && !kill_sent && now - term_at > std::chrono::seconds(3)) {
            kill(-s.pid, SIGKILL);
            kill_sent = true;
        }
        pollfd fds[2];
        int n = 0;
        if (s.out_fd >= 0) fds[n++] = {s.out_fd, POLLIN, 0};
        if (s.err_fd >= 0) fds[n++] = {s.err_fd, POLLIN, 0};
        if (n > 0) {
            int rc = poll(fds, n, 50);
            if (rc > 0) {
                for (int i = 0; i < n; ++i) {
                    if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
                    ssize_t got = read(fds[i].fd, buf, sizeof buf);
                    std::string& dst = fds[i].fd == s.out_fd ? r.out : r.err;
                    if (got > 0) {
                        if (dst.size() < (16u << 20)) dst.append(buf, got);  // keep memory bounded
                    } else {
                        close(fds[i].fd);
                        (fds[i].fd == s.out_fd ? s.out_fd : s.err_fd) = -1;
                    }
                }
            }
        } else if (!exited) {
            usleep(5000);
        }
        if (!exited) {
            pid_t w = waitpid(s.pid, &status, WNOHANG);
            if (w == s.pid) exited = true;
        }
        if (exited && s.out_fd < 0 && s.err_fd < 0) break;
        if (exited && n > 0) {
            // The child is gone but a grandchild may still hold the pipe: drain briefly, then stop.
            if (++drain_rounds > 40) {
                if (s.out_fd >= 0) close(s.out_fd);
                if (s.err_fd >= 0) close(s.err_fd);
                break;
            }
        }
    }
    kill(-s.pid, SIGKILL);  // anything the command left in its group
    if (!spec.survive_interrupt) unregister_child_group(s.pid);
    if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
    if (r.timed_out) r.exit_code = -1;
    r.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    return r;
}

pid_t spawn_process(const ProcessSpec& spec) {
    Spawned s = spawn(spec, false);
    return s.pid;
}

bool pid_alive(pid_t pid) {
    if (pid <= 0) return false;
    if (kill(pid, 0) != 0 && errno != EPERM) return false;
    // A zombie has exited; it only waits for a parent (possibly not us) to collect it.
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) return false;
    auto close_paren = line.rfind(')');
    return close_paren == std::string::npos || close_paren + 2 >= line.size() || line[close_paren + 2] != 'Z';
}

void stop_child(pid_t pid, int sig, std::chrono::milliseconds wait) {
    if (pid <= 0) return;
    kill(pid, sig);
    auto deadline = std::chrono::steady_clock::now() + wait;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid || (w < 0 && errno == ECHILD && !pid_alive(pid))) return;
        usleep(2000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
}

std::optional<RunAs> lookup_user(const std::string& name) {
    struct passwd pw {};
    struct passwd* res = nullptr;
    char buf[4096];
    if (getpwnam_r(name.c_str(), &pw, buf, sizeof buf, &res) != 0 || !res) return std::nullopt;
    return RunAs{pw.pw_uid, pw.pw_gid, name};
}

unsigned long long process_start_time(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(in, line)) return 0;
    auto close_paren = line.rfind(')');
    if (close_paren == std::string::npos) return 0;
    std::istringstream rest(line.substr(close_paren + 2));
    std::string field;
    // Fields after the command: state is field 3; starttime is field 22.
    for (int i = 3; i <= 22; ++i) {
        if (!(rest >> field)) return 0;
    }
    return std::stoull(field);
}

std::string shell_quote(const std::string& s) {
    if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:@,+") == std::string::npos)
        return s;
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    return out + "'";
}

}  // namespace pggate
