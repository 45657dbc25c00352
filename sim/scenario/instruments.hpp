// What each policy instrument type declares about itself: its parameters (unit, range,
// default), the levers it acts on, the agent kinds it may target, its documentation and
// source. Plain data: the decoder validates policy entries against it, docs/policies.md is
// generated from it, and the run file records the levers. Each instrument file in
// sim/policies/ registers its spec here and its implementation with the model
// (policies/policy.hpp, INNOCHAIN_REGISTER_INSTRUMENT), so the decoder needs no runtime code.
#pragma once

#include <string>
#include <vector>

namespace innochain {

/// A numeric parameter of an instrument.
struct InstrumentParam {
  std::string key;
  std::string unit;
  double lo;
  double hi;
  double default_value;
  std::string doc;
};

/// A parameter chosen from a list of words (e.g. allocation: first_come | lottery | merit).
struct InstrumentChoice {
  std::string key;
  std::vector<std::string> options;
  std::string default_value;
  std::string doc;
};

/// What an instrument type declares when it registers.
struct InstrumentSpec {
  std::string type;
  std::string doc;                  ///< what it changes, one paragraph
  std::string source;               ///< the real-world programme, or "no causal evaluation: parameters are priors"
  std::vector<std::string> levers;  ///< "phase.lever" names it acts on
  std::vector<std::string> kinds;   ///< agent sub-kinds eligibility may name
  std::vector<InstrumentParam> params;
  std::vector<InstrumentChoice> choices;
};

/// Adds a spec to the catalog (kept sorted by type).
void register_instrument_spec(InstrumentSpec spec);

/// Every registered spec, sorted by type.
const std::vector<InstrumentSpec>& instrument_specs();
const InstrumentSpec* find_instrument_spec(const std::string& type);

/// Markdown reference of every registered instrument (the generated part of docs/policies.md).
std::string instruments_reference_markdown();

}  // namespace innochain
