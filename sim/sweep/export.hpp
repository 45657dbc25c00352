// `innochain export`: the runs of a sweep directory (or any directory of run files) as one
// tidy long table, one row per value (docs/sweeps.md, "Exporting a sweep").
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace innochain::sweep {

struct ExportOptions {
  std::vector<std::string> outcomes;  ///< series (or /summary values) to write; empty: all
  bool summary = false;               ///< the /summary values (one row per run and outcome) instead of /series
};

struct ExportStats {
  std::size_t runs = 0;     ///< complete runs written
  std::size_t skipped = 0;  ///< run files left out (not complete)
  std::size_t rows = 0;
};

/// The header of the table: run_id, point, the design keys of DIR/design.csv (none without
/// it), replication, outcome, field, region, policy, month, value.
std::vector<std::string> export_columns(const std::string& dir);

/// Writes the table of DIR (DIR/runs/*.h5 when DIR/runs exists, else DIR/*.h5, or one run file)
/// to `out`: for every complete run (sorted by point and replication), every series (or every
/// /summary value), every month and every field, region or policy instance, one row with the
/// value as the shortest text that reads back as the same double. Cells that do not apply are
/// empty (field and region of a province total, month of a /summary value). Incomplete run files
/// are counted in `skipped`. Throws IoError (unreadable files) or std::invalid_argument (no run
/// files, an unknown outcome).
ExportStats export_long_table(const std::string& dir, std::ostream& out, const ExportOptions& options = {});

}  // namespace innochain::sweep
