#include "sweep/local_executor.hpp"

#include <fmt/format.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>

namespace innochain::sweep {

namespace {

volatile sig_atomic_t g_stop_signal = 0;

void on_stop_signal(int sig) { g_stop_signal = sig; }

struct Worker {
  std::size_t run;
  int fd;
  std::chrono::steady_clock::time_point started;
};

void write_all(int fd, const std::string& text) {
  std::size_t off = 0;
  while (off < text.size()) {
    const ssize_t n = write(fd, text.data() + off, text.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    off += static_cast<std::size_t>(n);
  }
}

std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  while (true) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

/// Restores the previous handlers when the pool is done.
class StopSignals {
 public:
  StopSignals() {
    g_stop_signal = 0;
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: waitpid returns EINTR so the pool notices at once
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~StopSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

 private:
  struct sigaction old_int_ {
  }, old_term_{};
};

}  // namespace

int available_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(n) : 1;
}

int run_local(int jobs, const RunFunction& run, const NextRun& next, const RunDone& done) {
  StopSignals signals;
  const pid_t coordinator = getpid();
  std::map<pid_t, Worker> workers;
  bool exhausted = false, killed = false;
  while (true) {
    while (!exhausted && g_stop_signal == 0 && static_cast<int>(workers.size()) < std::max(1, jobs)) {
      const auto i = next();
      if (!i) {
        exhausted = true;
        break;
      }
      int fds[2];
      if (pipe(fds) != 0) throw std::runtime_error(fmt::format("pipe: {}", std::strerror(errno)));
      std::fflush(stdout);
      std::fflush(stderr);
      // SIGINT and SIGTERM are held back across the fork: one sent to a new worker before its
      // own handlers are in place (the coordinator passing a stop on) waits for them.
      sigset_t stops, previous;
      sigemptyset(&stops);
      sigaddset(&stops, SIGINT);
      sigaddset(&stops, SIGTERM);
      sigprocmask(SIG_BLOCK, &stops, &previous);
      const pid_t pid = fork();
      if (pid != 0) sigprocmask(SIG_SETMASK, &previous, nullptr);
      if (pid < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
      if (pid == 0) {
        // Worker: die with the coordinator (even on SIGKILL), run one run, report it.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != coordinator) _exit(1);
        // Default dispositions: a crash ends the worker with its signal, which the
        // coordinator records (inherited crash handlers would report from here). SIGINT and
        // SIGTERM stop the run at the end of its month with a checkpoint (a cancelled run).
        for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) signal(sig, SIG_DFL);
        g_run_stop = 0;
        install_run_stop_handlers();
        sigprocmask(SIG_SETMASK, &previous, nullptr);
        close(fds[0]);
        for (const auto& [p, w] : workers) close(w.fd);
        RunRecord r;
        try {
          r = run(*i);
        } catch (const std::exception& e) {
          r = failed_record(e.what(), 0.0);
        } catch (...) {
          r = failed_record("unknown exception", 0.0);
        }
        write_all(fds[1], serialize(r));
        close(fds[1]);
        _exit(0);
      }
      close(fds[1]);
      workers.emplace(pid, Worker{*i, fds[0], std::chrono::steady_clock::now()});
    }
    if (workers.empty()) break;
    if (g_stop_signal != 0 && !killed) {
      for (const auto& [p, w] : workers) kill(p, SIGTERM);
      killed = true;
    }
    int status = 0;
    const pid_t pid = waitpid(-1, &status, 0);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;  // ECHILD: nothing left to wait for
    }
    const auto it = workers.find(pid);
    if (it == workers.end()) continue;
    const Worker w = it->second;
    workers.erase(it);
    const std::string report = read_all(w.fd);
    close(w.fd);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w.started).count();
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && !report.empty()) {
      RunRecord r;
      try {
        r = deserialize(report);
      } catch (const std::exception& e) {
        r = failed_record(fmt::format("unreadable report from the worker process: {}", e.what()), wall);
      }
      // A stop signal that reached a worker (a Slurm scancel signals every process) stops the sweep.
      if (r.status == RunStatus::cancelled && g_stop_signal == 0) g_stop_signal = r.stop_signal;
      done(w.run, std::move(r));
    } else if (killed) {
      // Stopped by us before it could report: cancelled, and run again by --resume.
      done(w.run, cancelled_record(g_stop_signal, "the worker process ended before it reported", wall));
    } else if (WIFSIGNALED(status) && (WTERMSIG(status) == SIGTERM || WTERMSIG(status) == SIGINT)) {
      // Signalled before its handlers were in place: cancelled like the others, and the sweep stops.
      g_stop_signal = WTERMSIG(status);
      done(w.run, cancelled_record(WTERMSIG(status), "the worker process was stopped before it reported", wall));
    } else if (WIFSIGNALED(status)) {
      done(w.run, failed_record(fmt::format("worker process killed by signal {} ({})", WTERMSIG(status),
                                            strsignal(WTERMSIG(status))),
                                wall));
    } else {
      done(w.run, failed_record(fmt::format("worker process exited with status {} without a report",
                                            WIFEXITED(status) ? WEXITSTATUS(status) : -1),
                                wall));
    }
  }
  return g_stop_signal;
}

}  // namespace innochain::sweep
