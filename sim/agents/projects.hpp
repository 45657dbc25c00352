// Projects: the unit that flows through the chain (not an agent). Ids are dense
// and never reused; `active` lists, in id order, the projects still in a stage.
#pragma once

#include "core/columns.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace innochain {

/// Project stages (links 1-3). Index into per-stage parameter arrays.
enum class Stage : std::uint8_t { basic = 0, breakthrough, proof_of_concept, pilot, market };
inline constexpr int kCostlyStages = 4;  // every stage but market has cost, speed and hazard
inline constexpr std::array<const char*, 5> kStageNames = {"basic", "breakthrough", "proof_of_concept", "pilot",
                                                           "market"};

enum class HolderKind : std::uint8_t { institute = 0, enterprise };

enum class ProjectStatus : std::uint8_t {
  active = 0,         ///< progressing in its stage
  stage_done,         ///< finished its stage this month; the next phase moves it on
  awaiting_transfer,  ///< an institute's finished breakthrough, queued for its transfer office (link 3)
  failed,
  launched,  ///< reached MARKET: a product
  shelved,   ///< the transfer office found no route or did not dare
};
inline constexpr int kProjectStatuses = 6;
INNOCHAIN_ENUM_COUNT(ProjectStatus, kProjectStatuses)
inline constexpr int kHolderKinds = 2;
INNOCHAIN_ENUM_COUNT(HolderKind, kHolderKinds)
inline constexpr int kStages = 5;
INNOCHAIN_ENUM_COUNT(Stage, kStages)

// clang-format off
/// X(type, name, fill for new rows, flags, meaning): see core/columns.hpp.
#define INNOCHAIN_PROJECT_COLUMNS(X) \
  X(std::uint16_t, field, 0, ref(Ref::field), "field") \
  X(Stage, stage, Stage::basic, 0, "stage") \
  X(ProjectStatus, status, ProjectStatus::active, 0, "status") \
  X(HolderKind, holder_kind, HolderKind::institute, 0, "kind of holder: institute or enterprise") \
  X(std::int32_t, holder, 0, ref(Ref::holder), "id in the holder's table") \
  X(std::int32_t, origin_institute, 0, ref(Ref::institute) | kNoneAllowed, "the institute it came from, -1 for enterprise-originated projects") \
  X(double, progress, 0.0, 0, "share of the current stage done, in [0, 1)") \
  X(double, quality, 0.0, 0, "latent quality (log-normal, around 1)") \
  X(std::int32_t, months_in_stage, 0, 0, "months in the current stage") \
  X(std::int32_t, created_month, 0, 0, "month created")
// clang-format on

struct Projects {
  INNOCHAIN_PROJECT_COLUMNS(INNOCHAIN_DECLARE_COLUMN)
  /// Ids of projects with status active or stage_done, ascending.
  std::vector<std::int32_t> active;

  std::size_t size() const { return field.size(); }
  INNOCHAIN_TABLE(Projects, INNOCHAIN_PROJECT_COLUMNS)
  void resize(std::size_t rows) { resize_columns(rows); }
};

}  // namespace innochain
