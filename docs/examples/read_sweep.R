# Reading an innochain sweep and a comparison from R with hdf5r (Debian: apt-get install
# r-cran-hdf5r). R is optional: nothing else in innochain needs it.
#
#   innochain sweep SWEEP.yaml -o DIR
#   innochain export DIR -o DIR.csv                                   # the tidy long table
#   innochain compare BASELINE DIR --format csv > comparison.csv      # paired effects
#   Rscript docs/examples/read_sweep.R DIR DIR.csv comparison.csv
#
# 1. the sweep's index (DIR/index.h5, one row per run: id, point, replication, status, the design
#    keys and every /summary value) as a data frame, and an outcome's mean per design point;
# 2. one run file's monthly series (DIR/runs/ID.h5), checked against the exported table;
# 3. the exported table (run_id, point, design keys, replication, outcome, field, region,
#    policy, month, value): a series summed over fields, per design point and month;
# 4. the comparison: effects with their intervals, and costs per extra unit with their Fieller
#    intervals and the n.s. mark.
# Layouts: docs/sweeps.md (sweep directory, export) and docs/output.md (run files).
suppressPackageStartupMessages(library(hdf5r))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 1) stop("usage: Rscript read_sweep.R SWEEP_DIR [EXPORT.csv] [COMPARISON.csv]")
dir <- args[[1]]

# 1. The index. Column datasets /index/<column>; keys with dots in their names are fine.
idx_file <- H5File$new(file.path(dir, "index.h5"), mode = "r")
stopifnot(h5attr(idx_file, "format") == "innochain-sweep-index")
keys <- h5attr(idx_file, "keys")
cat(sprintf("sweep %s: design %s over %s\n", h5attr(idx_file, "sweep_name"), h5attr(idx_file, "design"),
            paste(keys, collapse = ", ")))
group <- idx_file[["index"]]
wanted <- c("run_id", "point", "replication", "status", keys, "summary.transfers_licence",
            "summary.transfers_spinoff", "summary.products_launched")
index <- as.data.frame(lapply(setNames(wanted, wanted), function(n) group[[n]]$read()),
                       check.names = FALSE, stringsAsFactors = FALSE)
idx_file$close_all()
complete <- index[index$status == "complete", ]
# transfers = licences + spin-offs, as innochain compare defines it.
complete$transfers <- complete$summary.transfers_licence + complete$summary.transfers_spinoff
per_point <- aggregate(complete[, c("transfers", "summary.products_launched")],
                       by = complete[, c("point", keys), drop = FALSE], FUN = mean)
print(per_point)

# 2. One run's series: HDF5 is row-major, R column-major, so a [month, field] dataset comes back
#    field x month; t() puts it back.
first <- complete$run_id[[1]]
run <- H5File$new(file.path(dir, "runs", paste0(first, ".h5")), mode = "r")
stopifnot(h5attr(run, "status") == "complete")
fields <- run[["field"]]$read()
discoveries <- t(run[["series/discoveries"]]$read())
colnames(discoveries) <- fields
run$close_all()
cat(sprintf("run %s: %g discoveries over %d months\n", first, sum(discoveries), nrow(discoveries)))

# 3. The exported table: plain CSV. Empty cells (field of a province total, ...) are NA.
if (length(args) >= 2) {
  long <- read.csv(args[[2]], check.names = FALSE, stringsAsFactors = FALSE)
  mine <- long[long$run_id == first & long$outcome == "discoveries", ]
  exported <- xtabs(value ~ month + field, data = mine)
  stopifnot(isTRUE(all.equal(as.vector(exported[, fields]), as.vector(discoveries))))
  by_month <- aggregate(value ~ point + month, data = long[long$outcome == "discoveries", ], FUN = sum)
  cat(sprintf("export: %d rows, %d runs; discoveries by point and month (summed over fields and replications):\n",
              nrow(long), length(unique(long$run_id))))
  print(tail(by_month, 4))
}

# 4. The comparison (innochain compare --format csv): the same columns as the Python table.
if (length(args) >= 3) {
  cmp <- read.csv(args[[3]], check.names = FALSE, stringsAsFactors = FALSE, na.strings = "")
  shown <- cmp[, c("metric", "units", "pairs", "mean_difference", "ci_low", "ci_high", "cost_per_additional_unit",
                   "cost_ci_low", "cost_ci_high", "cost_mark")]
  print(shown[shown$metric %in% c("transfers", "products_launched", "policy_spending"), ], row.names = FALSE)
  significant <- with(cmp, !is.na(ci_low) & (ci_low > 0 | ci_high < 0))
  cat(sprintf("comparison: %d outcomes, %d with an interval that excludes 0\n", nrow(cmp), sum(significant)))
}
