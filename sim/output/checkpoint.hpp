// Checkpoints (docs/reliability.md): the whole state of a run at the
// end of a month — every agent table, the policy instances' own state, the month, the
// ledger and levers, and the output written so far — in one HDF5 file. A run resumed
// from a checkpoint, or a policy scenario branched from a baseline's checkpoint,
// continues exactly as the uninterrupted run would have.
#pragma once

#include "core/state_io.hpp"
#include "model/state.hpp"
#include "output/h5.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>

namespace innochain {

class RunFileWriter;

inline constexpr std::int64_t kCheckpointFormatVersion = 1;

/// A checkpoint that cannot be used for this run (other scenario, world, seed,
/// replication or program version). Exit code 2, like other bad input.
class IncompatibleCheckpoint : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Lists every member of the state that lives from one month to the next — one
/// list per agent table, then the State members and every policy instance's own
/// state (Instrument::persist) — for saving and loading alike. Derived indexes are
/// saved too, so a loaded state needs no rebuilding. A new State member or table
/// column must be added here (static_asserts in checkpoint.cpp catch a forgotten one).
void persist_state(StateIo& io, State& state);

/// What identifies the run a checkpoint belongs to.
struct CheckpointIdentity {
  std::string scenario_yaml;  ///< the resolved scenario (to_yaml)
  std::int64_t replication = 0;
  std::string output_path;  ///< the run file being written (final name)
};

/// Writes PATH (through PATH.partial, renamed when complete) with the state after
/// `state.month` months and the output written so far (the writer is flushed). Throws IoError.
void write_checkpoint(const std::string& path, const CheckpointIdentity& id, State& state, RunFileWriter& writer);

/// An open checkpoint file.
class Checkpoint {
 public:
  /// Opens and checks format and completeness. Throws IoError.
  explicit Checkpoint(const std::string& path);

  const std::string& path() const { return path_; }
  std::int32_t month() const { return month_; }
  const CheckpointIdentity& identity() const { return identity_; }

  /// Refuses (IncompatibleCheckpoint) unless the checkpoint was written by this program
  /// version for exactly this scenario and replication.
  void check_resume(const std::string& scenario_yaml, std::int64_t replication) const;
  /// Refuses unless the checkpoint's run has the same world, agents, chain, seed, output
  /// settings and replication, its policies are the first policies of `scenario` unchanged,
  /// the other policies start at or after the checkpoint's month, and the horizon is longer.
  void check_branch(const Scenario& scenario, std::int64_t replication) const;

  /// Loads the state into `state`, whose instruments are already those of the new
  /// run (a branch may have more instances than the checkpoint: they start fresh).
  void load_state(State& state) const;
  /// Writes the checkpoint's output (months so far) into the new run file.
  void restore_output(RunFileWriter& writer) const;

 private:
  std::string path_;
  h5::Handle file_;
  std::int32_t month_ = 0;
  CheckpointIdentity identity_;
  std::string version_, git_sha_;
};

}  // namespace innochain
