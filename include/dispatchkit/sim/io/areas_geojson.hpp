// dispatchkit/sim/io/areas_geojson.hpp: area classes from a GeoJSON file (dk-replay --areas).
//
//   absl::StatusOr<AreaMap> areas = load_areas("districts.geojson");
//   options.areas = std::make_shared<const AreaMap>(*std::move(areas));
//
// Format: a GeoJSON FeatureCollection (RFC 7946) whose features are Polygons or
// MultiPolygons with a property "class": "urban", "rural", "mountain" or "island" (the
// last two share the mountain/island targets); an optional "name" property names the area
// in messages. Coordinates are [longitude, latitude] as GeoJSON says. Every ring must have
// at least four positions and end where it starts. Features are tested in file order (the
// first containing a call gives its class); calls in no feature are urban.
// Errors (InvalidArgument, naming the file and the feature by index and name; nothing is
// returned on half the file): text that is not JSON, no "features" array, a feature
// without a Polygon or MultiPolygon geometry, a missing or unknown class, a ring too short,
// not closed or holding a position that is not a WGS84 [lon, lat] pair.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/ems/vocabulary.hpp"
#include "dispatchkit/io/file.hpp"
#include "dispatchkit/sim/areas.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// Parses GeoJSON `text` (see the banner); `path` names it in messages.
[[nodiscard]] absl::StatusOr<AreaMap> parse_areas_geojson(std::string_view text,
                                                          const std::string& path);
// The same from a file (gzip, xz or plain); NotFound if there is none.
[[nodiscard]] absl::StatusOr<AreaMap> load_areas(const std::string& path);

// ---------------------------------------------------------------------------------------
// Implementation.

namespace detail {

// "urban", "rural", "mountain" or "island" (GeoJSON's spelling of the plans' classes).
[[nodiscard]] inline std::optional<AreaClass> geojson_area_class(std::string_view s) noexcept {
  if (s == "urban") return AreaClass::kUrban;
  if (s == "rural") return AreaClass::kRural;
  if (s == "mountain" || s == "island" || s == "mountain_island") return AreaClass::kMountainIsland;
  return std::nullopt;
}

}  // namespace detail

inline absl::StatusOr<AreaMap> parse_areas_geojson(std::string_view text, const std::string& path) {
  using Json = nlohmann::json;
  const Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded())
    return absl::InvalidArgumentError(absl::StrCat(path, ": not JSON (expected GeoJSON)"));
  if (!j.is_object() || !j.contains("features") || !j["features"].is_array())
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": expected a GeoJSON FeatureCollection with a \"features\" array"));
  AreaMap map;
  const Json& features = j["features"];
  for (std::size_t i = 0; i < features.size(); ++i) {
    const Json& f = features[i];
    std::string name;
    if (f.is_object() && f.contains("properties") && f["properties"].is_object() &&
        f["properties"].contains("name") && f["properties"]["name"].is_string())
      name = f["properties"]["name"].get<std::string>();
    const std::string where =
        absl::StrCat(path, ": feature ", i, name.empty() ? "" : " (" + name + ")");
    auto error = [&](std::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": ", detail::as_absl(what)));
    };
    if (!f.is_object() || !f.contains("properties") || !f["properties"].is_object() ||
        !f["properties"].contains("class") || !f["properties"]["class"].is_string())
      return error("expected a \"class\" property (urban, rural, mountain or island)");
    const std::string cls = f["properties"]["class"].get<std::string>();
    const std::optional<AreaClass> area = detail::geojson_area_class(cls);
    if (!area)
      return error(absl::StrCat("unknown class '", cls, "' (urban, rural, mountain or island)"));
    if (!f.contains("geometry") || !f["geometry"].is_object() || !f["geometry"].contains("type") ||
        !f["geometry"].contains("coordinates") || !f["geometry"]["coordinates"].is_array())
      return error("expected a Polygon or MultiPolygon geometry");
    const Json& g = f["geometry"];
    std::vector<const Json*> polygons;
    if (g["type"] == "Polygon") {
      polygons.push_back(&g["coordinates"]);
    } else if (g["type"] == "MultiPolygon") {
      for (const Json& p : g["coordinates"]) polygons.push_back(&p);
    } else {
      return error("expected a Polygon or MultiPolygon geometry");
    }
    for (const Json* p : polygons) {
      if (!p->is_array() || p->empty()) return error("a polygon needs at least its outer ring");
      AreaPolygon poly{.area = *area, .rings = {}, .name = name};
      for (const Json& ring : *p) {
        if (!ring.is_array() || ring.size() < 4)
          return error("a ring needs at least four positions");
        std::vector<LatLon> points;
        for (const Json& pos : ring) {
          if (!pos.is_array() || pos.size() < 2 || !pos[0].is_number() || !pos[1].is_number())
            return error("a position must be [longitude, latitude]");
          const LatLon q{pos[1].get<double>(), pos[0].get<double>()};
          if (!q.is_valid()) return error("a position is not a WGS84 [longitude, latitude]");
          points.push_back(q);
        }
        if (points.front().lat != points.back().lat || points.front().lon != points.back().lon)
          return error("a ring must end where it starts");
        poly.rings.push_back(std::move(points));
      }
      map.add(std::move(poly));
    }
  }
  return map;
}

inline absl::StatusOr<AreaMap> load_areas(const std::string& path) {
  DK_ASSIGN_OR_RETURN(std::string text, read_file(path));
  return parse_areas_geojson(text, path);
}

DISPATCHKIT_NAMESPACE_END
