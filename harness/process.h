// Child processes and signals: everything pggate starts (postgres, initdb, alembic, user commands)
// goes through here so that SIGINT/SIGTERM can reach and stop it, and nothing outlives a run.
#pragma once
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>
#include <sys/types.h>

namespace pggate {

// The unprivileged account the server runs as when pggate itself runs as root.
struct RunAs {
    uid_t uid = 0;
    gid_t gid = 0;
    std::string name;
};

struct ProcessSpec {
    std::vector<std::string> argv;                 // argv[0] is looked up in PATH if it has no '/'
    std::string cwd;                               // empty: inherit
    std::map<std::string, std::string> env_set;    // added to (or replacing in) the inherited environment
    std::vector<std::string> env_unset;
    std::optional<RunAs> run_as;                   // drop privileges in the child
    std::string stdout_file;                       // empty: capture into ProcessResult::out
    std::string stderr_file;                       // empty: capture into ProcessResult::err; "-" merges into stdout
    std::chrono::milliseconds timeout{0};          // 0: none
    // Clean-up commands (e.g. `podman rm -f`) must still run after SIGINT/SIGTERM: they are neither
    // signalled nor cut short by the interrupt (only by `timeout`).
    bool survive_interrupt = false;
};

struct ProcessResult {
    int exit_code = -1;        // -1 when killed by a signal or timed out
    int signal = 0;
    bool timed_out = false;
    std::string out;
    std::string err;
    std::chrono::milliseconds elapsed{0};
};

// Runs to completion (or timeout, or interrupt) in its own process group; output captured.
ProcessResult run_process(const ProcessSpec& spec);

// Starts a long-lived child in its own process group and returns its pid (the caller stops it).
pid_t spawn_process(const ProcessSpec& spec);

// True once SIGINT or SIGTERM arrived; every wait loop checks it.
bool interrupted();
int interrupt_signal();

// Installs the SIGINT/SIGTERM handlers. On a signal the handler sends `on_signal_kill` signals to every
// registered process group (async-signal-safe), so blocked calls return and normal unwinding cleans up.
void install_signal_handlers();
void register_child_group(pid_t pgid, int on_signal_kill);
void unregister_child_group(pid_t pgid);

// Clean-ups that need more than a signal to a process group (removing a container takes an engine
// command): on SIGINT/SIGTERM a helper thread runs them at once, so calls blocked on that server
// return. Each must be safe to run concurrently with, and again after, the owner's own clean-up.
int register_interrupt_cleanup(std::function<void()> fn);
void unregister_interrupt_cleanup(int id);

// Blocking helpers.
bool pid_alive(pid_t pid);
// Sends sig to pid, then waits (polling) up to `wait` for it to exit; SIGKILL after that.
void stop_child(pid_t pid, int sig, std::chrono::milliseconds wait);
// Looks a user up by name; nullopt when it does not exist.
std::optional<RunAs> lookup_user(const std::string& name);
// Start time of a process (clock ticks since boot, /proc/<pid>/stat field 22); 0 if gone.
unsigned long long process_start_time(pid_t pid);
std::string shell_quote(const std::string& s);

}  // namespace pggate
