// dispatchkit/sim/generate/gen_config.hpp: JEMSS's call-generation settings (gen_config.xml).
//
//   absl::StatusOr<CallGenConfig> c = load_call_gen_config("data/manhattan/gen_config.xml");
//   c->interarrival.mean();                // 1/(18.8*24) day: 18.8 calls an hour
//   c->priority.parameters();              // {0.42, 0, 0.58}
//   c->seeds.priority;                     // 199894915
//
// The file JEMSS's runGenConfig reads in mode "calls" (uoa-ems-research/JEMSS.jl,
// src/file/gen_sim_files.jl): under <genConfig><sim>, a <startTime>, exactly one of
// <numCalls>, <maxCallArrivalTime> or <minLastCallArrivalTime> (generation stops after that
// many calls, before the first call past that time, or at the first call at or after it),
// <callDistributions> with the six distributions <interarrivalTime>, <priority>,
// <dispatchDelay>, <onSceneDuration>, <transport> and <handoverDuration> (older files:
// <transfer>, <transferDuration>), each a Distributions.jl expression
// (sim/generate/distribution.hpp) with a seed="N" attribute, and <callDensityRaster
// cellSeed=".." cellLocSeed=".."> naming the population raster (<filename>, whose
// $jemssDir a caller replaces by giving the raster itself: dk-gencalls --raster). Times
// are in days; numeric elements are arithmetic ("1 + 14 + 0.1"). Other elements
// (<outputPath>, <numCallsFiles>, <mode>) are read or ignored as noted below.
//
// Parsed with Expat (Debian libexpat1-dev, already used by the OpenStreetMap reader): a
// malformed file, a missing element, an unknown distribution or a seed that is not an
// integer is InvalidArgument "PATH:LINE: ...". Mode "all" (JEMSS's synthetic grid
// cities) is not read: it is an error naming the mode.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <expat.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/io/text.hpp"
#include "dispatchkit/sim/generate/distribution.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

struct CallGenSeeds {
  std::uint64_t interarrival = 0, priority = 0, dispatch_delay = 0, on_scene = 0, transport = 0,
                handover = 0;
  std::uint64_t cell = 0;           // which raster cell a call falls in
  std::uint64_t cell_location = 0;  // where in the cell
};

struct CallGenConfig {
  std::string path;         // the file read, for messages
  double start_days = 0.0;  // <startTime>
  // Exactly one stop rule is set (JEMSS's rule).
  std::optional<std::uint64_t> num_calls;
  std::optional<double> max_call_arrival_days;
  std::optional<double> min_last_call_arrival_days;
  Distribution interarrival, priority, dispatch_delay, on_scene, transport, handover;
  CallGenSeeds seeds;
  std::string raster_filename;        // as written ($jemssDir/...): informative
  bool crop_raster = false;           // <cropRaster>: JEMSS crops to a <map>; read, not applied
  std::uint32_t num_calls_files = 1;  // <numCallsFiles>: dk-gencalls writes one per --seed
};

// Parses gen_config.xml text (`path` names it in messages).
[[nodiscard]] absl::StatusOr<CallGenConfig> parse_call_gen_config(const std::string& path,
                                                                  std::string_view text);
[[nodiscard]] absl::StatusOr<CallGenConfig> load_call_gen_config(const std::string& path);

// ---------------------------------------------------------------------------------------
// Implementation.

namespace detail {

// The element tree of a small XML file: name, attributes, text, children, line.
struct XmlElement {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;
  std::string text;
  std::vector<XmlElement> children;
  std::uint64_t line = 0;

  [[nodiscard]] const XmlElement* child(std::string_view n) const noexcept {
    for (const XmlElement& c : children)
      if (c.name == n) return &c;
    return nullptr;
  }
  [[nodiscard]] const std::string* attribute(std::string_view n) const noexcept {
    for (const auto& [k, v] : attributes)
      if (k == n) return &v;
    return nullptr;
  }
};

// Reads a whole XML document into an XmlElement tree with Expat.
[[nodiscard]] inline absl::StatusOr<XmlElement> parse_xml_tree(const std::string& path,
                                                               std::string_view text) {
  struct State {
    XML_Parser parser = nullptr;
    XmlElement root;
    std::vector<XmlElement*> open;
  } st;
  st.parser = XML_ParserCreate(nullptr);
  if (st.parser == nullptr)
    return absl::ResourceExhaustedError(path + ": cannot create an XML parser");
  XML_SetUserData(st.parser, &st);
  XML_SetElementHandler(
      st.parser,
      [](void* data, const XML_Char* name, const XML_Char** attrs) {
        auto* s = static_cast<State*>(data);
        XmlElement e;
        e.name = name;
        e.line = XML_GetCurrentLineNumber(s->parser);
        for (std::size_t i = 0; attrs[i] != nullptr; i += 2)
          e.attributes.emplace_back(attrs[i], attrs[i + 1]);
        if (s->open.empty()) {
          s->root = std::move(e);
          s->open.push_back(&s->root);
        } else {
          s->open.back()->children.push_back(std::move(e));
          s->open.push_back(&s->open.back()->children.back());
        }
      },
      [](void* data, const XML_Char*) { static_cast<State*>(data)->open.pop_back(); });
  XML_SetCharacterDataHandler(st.parser, [](void* data, const XML_Char* s, int len) {
    auto* state = static_cast<State*>(data);
    if (!state->open.empty()) state->open.back()->text.append(s, static_cast<std::size_t>(len));
  });
  const XML_Status ok = XML_Parse(st.parser, text.data(), static_cast<int>(text.size()), 1);
  absl::Status status;
  if (ok != XML_STATUS_OK)
    status = absl::InvalidArgumentError(
        absl::StrCat(path, ":", XML_GetCurrentLineNumber(st.parser),
                     ": not well-formed XML: ", XML_ErrorString(XML_GetErrorCode(st.parser))));
  XML_ParserFree(st.parser);
  if (!status.ok()) return status;
  return std::move(st.root);
}

}  // namespace detail

inline absl::StatusOr<CallGenConfig> parse_call_gen_config(const std::string& path,
                                                           std::string_view text) {
  DK_ASSIGN_OR_RETURN(detail::XmlElement root, detail::parse_xml_tree(path, text));
  auto at = [&](const detail::XmlElement& e, std::string_view message) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ":", e.line, ": ", detail::as_absl(message)));
  };
  if (root.name != "genConfig")
    return at(root, absl::StrCat("the root element is <", root.name, ">, expected <genConfig>"));
  CallGenConfig c;
  c.path = path;
  if (const detail::XmlElement* mode = root.child("mode");
      mode != nullptr && trim(mode->text) != "calls")
    return at(*mode, absl::StrCat("mode '", detail::as_absl(trim(mode->text)),
                                  "' is not read: dispatchkit generates calls for a real city "
                                  "(mode 'calls')"));
  auto number = [&](const detail::XmlElement& e) -> absl::StatusOr<double> {
    absl::StatusOr<double> v = evaluate_expression(trim(e.text));
    if (!v.ok()) return at(e, absl::StrCat("<", e.name, ">: ", v.status().message()));
    return *v;
  };
  if (const detail::XmlElement* n = root.child("numCallsFiles")) {
    DK_ASSIGN_OR_RETURN(double v, number(*n));
    // Bounded before the cast: 3.7e17 converted to uint32 is undefined (found by fuzz/).
    if (!(v >= 1 && v <= 1e6) || v != std::floor(v))
      return at(*n, "<numCallsFiles> must be a whole number from 1 to 1000000");
    c.num_calls_files = static_cast<std::uint32_t>(v);
  }
  const detail::XmlElement* sim = root.child("sim");
  if (sim == nullptr) return at(root, "no <sim> element");
  const detail::XmlElement* start = sim->child("startTime");
  if (start == nullptr) return at(*sim, "<sim> has no <startTime>");
  DK_ASSIGN_OR_RETURN(c.start_days, number(*start));
  if (c.start_days < 0) return at(*start, "<startTime> must be >= 0");
  int rules = 0;
  if (const detail::XmlElement* e = sim->child("numCalls")) {
    DK_ASSIGN_OR_RETURN(double v, number(*e));
    if (v < 1 || v != std::floor(v)) return at(*e, "<numCalls> must be a whole number >= 1");
    c.num_calls = static_cast<std::uint64_t>(v);
    ++rules;
  }
  if (const detail::XmlElement* e = sim->child("maxCallArrivalTime")) {
    DK_ASSIGN_OR_RETURN(c.max_call_arrival_days, number(*e));
    if (*c.max_call_arrival_days < c.start_days) return at(*e, "before <startTime>");
    ++rules;
  }
  if (const detail::XmlElement* e = sim->child("minLastCallArrivalTime")) {
    DK_ASSIGN_OR_RETURN(c.min_last_call_arrival_days, number(*e));
    if (*c.min_last_call_arrival_days < c.start_days) return at(*e, "before <startTime>");
    ++rules;
  }
  if (rules != 1)
    return at(*sim,
              "needs exactly one of <numCalls>, <maxCallArrivalTime>, <minLastCallArrivalTime>");
  const detail::XmlElement* d = sim->child("callDistributions");
  if (d == nullptr) return at(*sim, "<sim> has no <callDistributions>");
  auto distribution = [&](std::string_view name, std::string_view old_name, Distribution& out,
                          std::uint64_t& seed) -> absl::Status {
    const detail::XmlElement* e = d->child(name);
    if (e == nullptr && !old_name.empty()) e = d->child(old_name);
    if (e == nullptr)
      return at(*d, absl::StrCat("<callDistributions> has no <", detail::as_absl(name), ">"));
    absl::StatusOr<Distribution> parsed = Distribution::parse(e->text);
    if (!parsed.ok()) return at(*e, absl::StrCat("<", e->name, ">: ", parsed.status().message()));
    out = *std::move(parsed);
    const std::string* s = e->attribute("seed");
    if (s == nullptr || !parse_number(*s, seed))
      return at(*e, absl::StrCat("<", e->name, "> needs seed=\"N\" (a non-negative integer)",
                                 s == nullptr ? "" : absl::StrCat(", got '", *s, "'")));
    return absl::OkStatus();
  };
  DK_RETURN_IF_ERROR(distribution("interarrivalTime", "", c.interarrival, c.seeds.interarrival));
  DK_RETURN_IF_ERROR(distribution("priority", "", c.priority, c.seeds.priority));
  DK_RETURN_IF_ERROR(distribution("dispatchDelay", "", c.dispatch_delay, c.seeds.dispatch_delay));
  DK_RETURN_IF_ERROR(distribution("onSceneDuration", "", c.on_scene, c.seeds.on_scene));
  DK_RETURN_IF_ERROR(distribution("transport", "transfer", c.transport, c.seeds.transport));
  DK_RETURN_IF_ERROR(
      distribution("handoverDuration", "transferDuration", c.handover, c.seeds.handover));
  if (c.priority.kind() != Distribution::Kind::kCategorical || c.priority.parameters().size() > 3)
    return at(*d->child("priority"),
              "<priority> must be a Categorical over at most 3 priorities (high, medium, low)");
  if (c.transport.kind() != Distribution::Kind::kBernoulli)
    return at(*d, "<transport> must be a Bernoulli");
  const detail::XmlElement* raster = sim->child("callDensityRaster");
  if (raster == nullptr) return at(*sim, "<sim> has no <callDensityRaster>");
  for (auto [attr, seed] :
       {std::pair{"cellSeed", &c.seeds.cell}, std::pair{"cellLocSeed", &c.seeds.cell_location}}) {
    const std::string* s = raster->attribute(attr);
    if (s == nullptr || !parse_number(*s, *seed))
      return at(*raster, absl::StrCat("<callDensityRaster> needs ", attr,
                                      "=\"N\" (a non-negative integer)"));
  }
  if (const detail::XmlElement* f = raster->child("filename"))
    c.raster_filename = std::string(trim(f->text));
  if (const detail::XmlElement* crop = raster->child("cropRaster"))
    c.crop_raster = trim(crop->text) == "true";
  return c;
}

inline absl::StatusOr<CallGenConfig> load_call_gen_config(const std::string& path) {
  DK_ASSIGN_OR_RETURN(std::string text, read_file(path));
  return parse_call_gen_config(path, text);
}

DISPATCHKIT_NAMESPACE_END
