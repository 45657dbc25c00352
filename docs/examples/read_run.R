# Reading an innochain run file from R with hdf5r (Debian: apt-get install r-cran-hdf5r).
#
#   Rscript docs/examples/read_run.R run.h5
#
# Prints the provenance, the /summary outcomes as a data frame, and the monthly series
# `products_launched` by field, and checks that the run finished (status "complete").
# The layout is documented in docs/output.md. HDF5 stores arrays row-major and R column-major:
# hdf5r hands a [T, field] dataset back as a field x T matrix, so it is transposed below.
suppressPackageStartupMessages(library(hdf5r))

args <- commandArgs(trailingOnly = TRUE)
path <- if (length(args) >= 1) args[[1]] else "run.h5"

f <- H5File$new(path, mode = "r")
attr_of <- function(name) h5attr(f, name)

stopifnot(attr_of("format") == "innochain-run", attr_of("format_version") == 1)
if (attr_of("status") != "complete") {
  stop(sprintf("%s: status is '%s', not 'complete': the run did not finish", path, attr_of("status")))
}
cat(sprintf("%s: scenario %s, seed %s, replication %s, %s months\n", path, attr_of("scenario_name"),
            format(attr_of("seed")), format(attr_of("replication")), format(attr_of("months_completed"))))

# /summary: one scalar per outcome, with its units.
summary_group <- f[["summary"]]
names <- summary_group$ls()$name
summary_df <- data.frame(
  name = names,
  value = vapply(names, function(n) summary_group[[n]]$read(), numeric(1)),
  units = vapply(names, function(n) h5attr(summary_group[[n]], "units"), character(1)),
  row.names = NULL
)
print(head(summary_df[summary_df$name %in% c("discoveries", "breakthroughs", "transfers_licence",
                                             "transfers_spinoff", "products_launched", "policy_spending"), ]))

# A [month, field] series as a data frame with one column per field.
month <- f[["month"]]$read()
fields <- f[["field"]]$read()
launched <- t(f[["series/products_launched"]]$read())  # back to month x field
colnames(launched) <- fields
series_df <- data.frame(month = month, launched, check.names = FALSE)
print(tail(series_df, 3))
cat(sprintf("products launched over the run: %g (summary: %g)\n", sum(launched),
            summary_df$value[summary_df$name == "products_launched"]))

f$close_all()
