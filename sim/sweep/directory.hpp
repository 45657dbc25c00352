// The sweep directory (docs/sweeps.md, "Sweep directory"): created fresh,
// resumed, or joined by the tasks of a Slurm job array.
#pragma once

#include "sweep/plan.hpp"

#include <stdexcept>
#include <string>

namespace innochain::sweep {

/// Bad use of the sweep command (existing DIR without --resume, a different sweep
/// file in DIR, bad Slurm environment, ...). Exit code 2.
class SweepUsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class DirMode {
  create,  ///< DIR must not exist
  resume,  ///< DIR may exist and must hold the same sweep file
  join,    ///< as resume, but several processes may do it at once (Slurm array tasks)
};

/// Creates DIR and DIR/runs, copies the sweep file to DIR/sweep.yaml and writes
/// DIR/design.csv. Throws SweepUsageError or IoError.
void prepare_directory(const std::string& dir, const SweepPlan& plan, DirMode mode);

}  // namespace innochain::sweep
