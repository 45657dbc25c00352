// Projects: the unit that flows through the chain (not an agent). Ids are dense
// and never reused; `active` lists, in id order, the projects still in a stage.
#pragma once

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

struct Projects {
  std::vector<std::uint16_t> field;
  std::vector<Stage> stage;
  std::vector<ProjectStatus> status;
  std::vector<HolderKind> holder_kind;
  std::vector<std::int32_t> holder;            ///< id in the holder's table
  std::vector<std::int32_t> origin_institute;  ///< -1 for enterprise-originated projects
  std::vector<double> progress;                ///< share of the current stage done, in [0, 1)
  std::vector<double> quality;                 ///< latent quality (log-normal, around 1)
  std::vector<std::int32_t> months_in_stage;
  std::vector<std::int32_t> created_month;

  /// Ids of projects with status active or stage_done, ascending.
  std::vector<std::int32_t> active;

  std::size_t size() const { return field.size(); }
  void resize(std::size_t n) {
    field.resize(n);
    stage.resize(n);
    status.resize(n);
    holder_kind.resize(n);
    holder.resize(n);
    origin_institute.resize(n);
    progress.resize(n);
    quality.resize(n);
    months_in_stage.resize(n);
    created_month.resize(n);
  }
};

}  // namespace innochain
