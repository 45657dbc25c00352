// Experimental designs on the unit hypercube [0, 1]^k: the numbers behind the
// grid, lhs, sobol, morris and saltelli sweep kinds (docs/sweeps.md). Mapping
// to each key's range happens in sweep_file.cpp; these functions know nothing
// about scenarios, so they are tested directly (tests/sweep/design_test.cpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace innochain::sweep {

/// One design point per row, one coordinate per key.
using UnitDesign = std::vector<std::vector<double>>;

/// Indices into per-key value lists for the Cartesian product, last key varying fastest.
std::vector<std::vector<std::size_t>> grid_indices(const std::vector<std::size_t>& sizes);

/// Latin hypercube of n points: in every dimension each of the n strata [i/n, (i+1)/n)
/// holds exactly one point, placed uniformly inside it. Permutations and jitter come
/// from our Philox Rng keyed by `seed`, so a design seed gives the same design everywhere.
UnitDesign lhs_unit(std::size_t n, std::size_t k, std::uint64_t seed);

/// The first n points of the k-dimensional Sobol sequence of Boost.Random
/// (boost::random::sobol, which starts after the all-zero point).
UnitDesign sobol_unit(std::size_t n, std::size_t k);

/// Morris elementary-effects design: r trajectories of k+1 points on a p-level grid
/// (p even); consecutive points of a trajectory differ in exactly one coordinate by
/// delta = p / (2 (p - 1)). Base points, key order and directions from Philox(seed).
UnitDesign morris_unit(std::size_t r, std::size_t k, int levels, std::uint64_t seed);

/// Saltelli's scheme for first- and total-order Sobol indices without second-order
/// terms: n base rows of a 2k-dimensional Sobol sequence, A = first k, B = last k
/// coordinates; per row the points A, AB^1, ..., AB^k, B (AB^i = A with column i of B).
/// The first `skip` rows of the sequence are left out: its first row is (0.5, ..., 0.5),
/// where A = B and the row says nothing (SALib skips likewise).
UnitDesign saltelli_unit(std::size_t n, std::size_t k, std::size_t skip);

/// One-at-a-time design around a base point: row 0 is the base (every coordinate NaN: the key
/// keeps its base value); then for each key j in turn `levels` rows with coordinate j at
/// 0, 1/(levels-1), ..., 1 and the others NaN. 1 + k x levels rows (levels >= 2).
UnitDesign oat_unit(std::size_t k, std::size_t levels);

/// SALib's default skip: the smallest power of two >= n.
std::size_t saltelli_default_skip(std::size_t n);

}  // namespace innochain::sweep
