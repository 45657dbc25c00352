// The local process pool, Slurm blocks and job scripts, and run reports, without
// simulating: the run function is the test's own.
#include "sweep/local_executor.hpp"
#include "sweep/slurm.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <map>
#include <thread>

using namespace innochain::sweep;

TEST_CASE("run reports survive the trip from a worker bit for bit", "[sweep][executor]") {
  RunRecord r;
  r.status = RunStatus::complete;
  r.wall_seconds = 0.1 + 0.2;
  r.summary = {1.0 / 3.0, -0.0, 1e300, 5e-324};
  r.error = "line one\nline two, with a comma";
  const RunRecord back = deserialize(serialize(r));
  CHECK(back.status == r.status);
  CHECK(back.wall_seconds == r.wall_seconds);
  CHECK(back.summary == r.summary);
  CHECK(back.error == r.error);
}

TEST_CASE("local pool: every run once, a failing and a crashing run recorded, the others go on", "[sweep][executor]") {
  const std::size_t n = 9;
  std::size_t next_run = 0;
  std::map<std::size_t, RunRecord> done;
  const int sig = run_local(
      3,
      [](std::size_t i) {
        if (i == 4) throw std::runtime_error("made to fail");
        if (i == 6) std::abort();  // a crash takes only its own worker process down
        RunRecord r;
        r.status = RunStatus::complete;
        r.summary = {static_cast<double>(i) * 1.5};
        return r;
      },
      [&]() -> std::optional<std::size_t> {
        if (next_run == n) return std::nullopt;
        return next_run++;
      },
      [&](std::size_t i, RunRecord r) {
        CHECK(done.count(i) == 0);
        done[i] = std::move(r);
      });
  CHECK(sig == 0);
  REQUIRE(done.size() == n);
  for (std::size_t i = 0; i < n; ++i) {
    if (i == 4) {
      CHECK(done[i].status == RunStatus::failed);
      CHECK(done[i].error == "made to fail");
    } else if (i == 6) {
      CHECK(done[i].status == RunStatus::failed);
      CHECK_THAT(done[i].error, Catch::Contains("signal 6"));
    } else {
      CHECK(done[i].status == RunStatus::complete);
      CHECK(done[i].summary == std::vector<double>{static_cast<double>(i) * 1.5});
    }
  }
}

TEST_CASE("a cancelled run travels with the signal that stopped it", "[sweep][executor]") {
  const RunRecord r = cancelled_record(SIGTERM, "stopped after month 3 of 12", 1.25);
  const RunRecord back = deserialize(serialize(r));
  CHECK(back.status == RunStatus::cancelled);
  CHECK(back.stop_signal == SIGTERM);
  CHECK(back.error == "cancelled by SIGTERM: stopped after month 3 of 12");
  CHECK(std::string(status_name(back.status)) == "cancelled");
  CHECK_THROWS(deserialize("9\n0\n0x0p+0\n0\n"));  // no such status
}

TEST_CASE("local pool: a run cancelled by a signal stops the sweep; the runs in flight are cancelled, not failed",
          "[sweep][executor]") {
  std::size_t next_run = 0;
  std::map<std::size_t, RunRecord> done;
  const int sig = run_local(
      2,
      [](std::size_t i) {
        // Run 1 is stopped as by a Slurm scancel reaching its worker; run 0, started beside it,
        // would take 10 s: the coordinator's SIGTERM finds it in flight.
        if (i == 1) return cancelled_record(SIGTERM, "stopped after month 1 of 12", 0.0);
        for (int k = 0; k < 2000 && g_run_stop == 0; ++k) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        if (g_run_stop != 0) return cancelled_record(g_run_stop, "stopped after month 5 of 12", 0.0);
        RunRecord r;
        r.status = RunStatus::complete;
        return r;
      },
      [&]() -> std::optional<std::size_t> {
        if (next_run == 9) return std::nullopt;
        return next_run++;
      },
      [&](std::size_t i, RunRecord r) { done[i] = std::move(r); });
  CHECK(sig == SIGTERM);
  CHECK(next_run == 2);  // nothing handed out after the cancellation
  REQUIRE(done.size() == 2);
  CHECK(done[0].status == RunStatus::cancelled);
  CHECK(done[0].error == "cancelled by SIGTERM: stopped after month 5 of 12");
  CHECK(done[1].status == RunStatus::cancelled);
}

TEST_CASE("slurm: array tasks split the runs into contiguous blocks that cover them once", "[sweep][slurm]") {
  for (std::size_t runs : {0u, 1u, 7u, 12u, 100u}) {
    for (std::int64_t count : {1, 3, 8}) {
      std::size_t expected_first = 0;
      for (std::int64_t t = 0; t < count; ++t) {
        const auto [first, last] = block_of(runs, ArrayTask{t, count});
        CHECK(first == expected_first);
        CHECK(last - first <= runs / static_cast<std::size_t>(count) + 1);
        expected_first = last;
      }
      CHECK(expected_first == runs);
    }
  }
}

TEST_CASE("slurm: the task comes from SLURM_ARRAY_TASK_ID with _COUNT or _MIN/_MAX", "[sweep][slurm]") {
  for (const char* v :
       {"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX"})
    unsetenv(v);
  CHECK_THROWS_WITH(array_task_from_environment(), Catch::Contains("SLURM_ARRAY_TASK_ID"));
  setenv("SLURM_ARRAY_TASK_ID", "2", 1);
  setenv("SLURM_ARRAY_TASK_COUNT", "3", 1);
  auto t = array_task_from_environment();
  CHECK(t.index == 2);
  CHECK(t.count == 3);
  unsetenv("SLURM_ARRAY_TASK_COUNT");
  setenv("SLURM_ARRAY_TASK_ID", "11", 1);
  setenv("SLURM_ARRAY_TASK_MIN", "10", 1);
  setenv("SLURM_ARRAY_TASK_MAX", "13", 1);
  t = array_task_from_environment();
  CHECK(t.index == 1);
  CHECK(t.count == 4);
  setenv("SLURM_ARRAY_TASK_ID", "14", 1);
  CHECK_THROWS_WITH(array_task_from_environment(), Catch::Contains("outside the array"));
  for (const char* v : {"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX"}) unsetenv(v);
}

TEST_CASE("slurm: the job script asks for the array and runs the sweep's tasks", "[sweep][slurm]") {
  SbatchOptions o;
  o.binary = "/opt/innochain/bin/innochain";
  o.sweep_file = "/home/me/sweeps/grid.yaml";
  o.dir = "/scratch/me/grid run";
  o.partition = "cpu";
  o.time = "02:00:00";
  o.array_size = 20;
  o.cpus_per_task = 4;
  o.threads = 2;
  o.job_name = "innochain-grid";
  const std::string s = sbatch_script(o);
  CHECK_THAT(s, Catch::StartsWith("#!/bin/bash\n"));
  CHECK_THAT(s, Catch::Contains("#SBATCH --partition=cpu\n"));
  CHECK_THAT(s, Catch::Contains("#SBATCH --time=02:00:00\n"));
  CHECK_THAT(s, Catch::Contains("#SBATCH --array=0-19\n"));
  CHECK_THAT(s, Catch::Contains("#SBATCH --cpus-per-task=4\n"));
  CHECK_THAT(s, Catch::Contains("exec /opt/innochain/bin/innochain sweep /home/me/sweeps/grid.yaml -o "
                                "'/scratch/me/grid run' --slurm-array --threads 2 --jobs 2\n"));
  CHECK_THAT(s, !Catch::Contains("--signal") && !Catch::Contains("--mem") && !Catch::Contains("--qos"));
  o.signal_seconds = 300;
  o.mem_mib = 8192;
  o.qos = "long";
  const std::string t = sbatch_script(o);
  CHECK_THAT(t, Catch::Contains("#SBATCH --signal=B:TERM@300\n"));
  CHECK_THAT(t, Catch::Contains("#SBATCH --mem=8192M\n"));
  CHECK_THAT(t, Catch::Contains("#SBATCH --qos=long\n"));
}
