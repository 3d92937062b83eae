// dispatchkit/sim/generate/density_raster.hpp: a population-density raster to draw call
// locations from.
//
//   absl::StatusOr<DensityRaster> r =
//       load_density_raster("data/manhattan/manhattan_pop_densit_20m.zip");   // or a .tif
//   RasterSampler s(*r);
//   LatLon p = s.sample(cell_rng, location_rng);  // a cell by its weight, uniform inside it
//   absl::Status c = r->check_covers(graph);       // the network lies inside the raster
//
// JEMSS draws a call's location as its RasterSampler does (src/types/raster.jl): a cell
// with probability proportional to its value, then a point uniformly inside the cell. The
// raster is read through GDAL (Debian libgdal-dev): any format GDAL reads, first band;
// GeoTIFF as JEMSS ships it, inside a .zip through GDAL's /vsizip/ (the one .tif in the
// archive). Its coordinates must be WGS84 longitude / latitude like the JEMSS road
// networks (both published rasters are EPSG:4326): a raster in another reference system is
// an error rather than calls in the wrong place. NODATA cells weigh 0; a negative or
// non-finite value, a rotated grid or an empty raster is InvalidArgument naming the file.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_srs_api.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/graph/road_graph.hpp"
#include "dispatchkit/graph/types.hpp"
#include "dispatchkit/sim/event_queue.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// Cell (i, j) covers lon [west + i dx, west + (i + 1) dx) and lat [north - (j + 1) dy,
// north - j dy): row j = 0 is the northern edge, as GeoTIFFs are stored.
struct DensityRaster {
  std::string path;
  double west = 0, north = 0;  // the outer corner of cell (0, 0)
  double dx = 0, dy = 0;       // cell size in degrees (both > 0)
  std::uint32_t nx = 0, ny = 0;
  std::vector<double> weight;  // nx * ny, row-major from the north (index j * nx + i)

  [[nodiscard]] double east() const noexcept { return west + dx * nx; }
  [[nodiscard]] double south() const noexcept { return north - dy * ny; }
  [[nodiscard]] double total() const noexcept {
    double t = 0;
    for (double w : weight) t += w;
    return t;
  }
  // The cell holding `p`, or -1 outside the raster.
  [[nodiscard]] std::int64_t cell_of(LatLon p) const noexcept {
    const double fi = std::floor((p.lon - west) / dx), fj = std::floor((north - p.lat) / dy);
    if (fi < 0 || fj < 0 || fi >= nx || fj >= ny) return -1;
    return static_cast<std::int64_t>(fj) * nx + static_cast<std::int64_t>(fi);
  }
  // OK when every node of `graph` lies inside the raster, else InvalidArgument saying
  // which extent misses which (a raster of another city, or cut too small, would put no
  // call on part of the network).
  [[nodiscard]] absl::Status check_covers(const RoadGraph& graph) const;
};

// Reads band 1 of a raster file (or the one .tif inside a .zip).
[[nodiscard]] absl::StatusOr<DensityRaster> load_density_raster(const std::string& path);

// Draws locations: a cell by weight (binary search on the cumulative weights), then a
// uniform point in it. Two streams, as JEMSS's cellSeed and cellLocSeed.
class RasterSampler {
 public:
  explicit RasterSampler(const DensityRaster& r) : r_(&r) {
    cumulative_.reserve(r.weight.size());
    double sum = 0;
    for (double w : r.weight) cumulative_.push_back(sum += w);
  }
  [[nodiscard]] std::uint64_t sample_cell(SimRandom& cell_rng) const noexcept {
    const double u = cell_rng.uniform01() * cumulative_.back();
    // The first cell whose cumulative weight exceeds u (never a zero-weight cell).
    return static_cast<std::uint64_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), u) -
                                      cumulative_.begin());
  }
  [[nodiscard]] LatLon sample(SimRandom& cell_rng, SimRandom& location_rng) const noexcept {
    const std::uint64_t c = std::min<std::uint64_t>(sample_cell(cell_rng), cumulative_.size() - 1);
    const std::uint64_t i = c % r_->nx, j = c / r_->nx;
    const double lon = r_->west + (static_cast<double>(i) + location_rng.uniform01()) * r_->dx;
    const double lat = r_->north - (static_cast<double>(j) + location_rng.uniform01()) * r_->dy;
    return LatLon{lat, lon};
  }

 private:
  const DensityRaster* r_;
  std::vector<double> cumulative_;
};

// ---------------------------------------------------------------------------------------
// Implementation.

inline absl::Status DensityRaster::check_covers(const RoadGraph& graph) const {
  if (!graph.has_coordinates() || graph.node_count() == 0) return absl::OkStatus();
  double lat0 = 90, lat1 = -90, lon0 = 180, lon1 = -180;
  for (const LatLon& p : graph.coordinates()) {
    lat0 = std::min(lat0, p.lat), lat1 = std::max(lat1, p.lat);
    lon0 = std::min(lon0, p.lon), lon1 = std::max(lon1, p.lon);
  }
  if (lat0 >= south() && lat1 <= north && lon0 >= west && lon1 <= east()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrFormat(
      "%s: the raster covers lat %.4f..%.4f, lon %.4f..%.4f, but the road network spans lat "
      "%.4f..%.4f, lon %.4f..%.4f: no call could fall on part of it (a raster of another "
      "city?)",
      path, south(), north, west, east(), lat0, lat1, lon0, lon1));
}

namespace detail {
// The GDAL path of `path`: itself, or "/vsizip/ZIP/NAME.tif" for the one .tif in a zip.
[[nodiscard]] inline absl::StatusOr<std::string> gdal_raster_path(const std::string& path) {
  if (path.size() < 4 || path.substr(path.size() - 4) != ".zip") return path;
  const std::string zip = "/vsizip/" + path;
  char** list = VSIReadDirRecursive(zip.c_str());
  std::vector<std::string> tifs;
  for (char** p = list; p != nullptr && *p != nullptr; ++p) {
    const std::string_view n = *p;
    if (n.size() > 4 && (n.substr(n.size() - 4) == ".tif" || n.substr(n.size() - 4) == ".TIF"))
      tifs.emplace_back(n);
  }
  CSLDestroy(list);
  if (tifs.size() != 1)
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": expected one .tif in the zip archive, found ", tifs.size()));
  return zip + "/" + tifs.front();
}
}  // namespace detail

inline absl::StatusOr<DensityRaster> load_density_raster(const std::string& path) {
  if (VSIStatBufL st; VSIStatL(path.c_str(), &st) != 0)
    return absl::NotFoundError(absl::StrCat(path, ": no such raster file"));
  DK_ASSIGN_OR_RETURN(const std::string gdal_path, detail::gdal_raster_path(path));
  GDALAllRegister();
  CPLPushErrorHandler(CPLQuietErrorHandler);  // the message goes into the Status instead
  GDALDatasetH ds =
      GDALOpenEx(gdal_path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
  CPLPopErrorHandler();
  if (ds == nullptr)
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": not a raster GDAL reads (", CPLGetLastErrorMsg(), ")"));
  struct Close {
    GDALDatasetH d;
    ~Close() { GDALClose(d); }
  } close{ds};
  DensityRaster r;
  r.path = path;
  double gt[6];
  if (GDALGetGeoTransform(ds, gt) != CE_None)
    return absl::InvalidArgumentError(absl::StrCat(path, ": the raster has no geotransform"));
  if (gt[2] != 0 || gt[4] != 0)
    return absl::InvalidArgumentError(absl::StrCat(path, ": a rotated raster grid is not read"));
  if (!(gt[1] > 0) || gt[5] == 0)
    return absl::InvalidArgumentError(absl::StrCat(path, ": cells of zero or negative width"));
  if (const char* wkt = GDALGetProjectionRef(ds); wkt != nullptr && *wkt != '\0') {
    OGRSpatialReferenceH srs = OSRNewSpatialReference(wkt);
    const bool geographic = srs != nullptr && OSRIsGeographic(srs);
    if (srs != nullptr) OSRDestroySpatialReference(srs);
    if (!geographic)
      return absl::InvalidArgumentError(
          absl::StrCat(path,
                       ": the raster is in a projected reference system; dispatchkit reads "
                       "longitude/latitude rasters (EPSG:4326) as the JEMSS road networks are"));
  }
  r.nx = static_cast<std::uint32_t>(GDALGetRasterXSize(ds));
  r.ny = static_cast<std::uint32_t>(GDALGetRasterYSize(ds));
  if (r.nx == 0 || r.ny == 0 || GDALGetRasterCount(ds) < 1)
    return absl::InvalidArgumentError(absl::StrCat(path, ": the raster is empty"));
  r.dx = gt[1];
  r.dy = std::abs(gt[5]);
  r.west = gt[0];
  r.north = gt[5] < 0 ? gt[3] : gt[3] + gt[5] * r.ny;
  r.weight.resize(static_cast<std::size_t>(r.nx) * r.ny);
  GDALRasterBandH band = GDALGetRasterBand(ds, 1);
  if (GDALRasterIO(band, GF_Read, 0, 0, static_cast<int>(r.nx), static_cast<int>(r.ny),
                   r.weight.data(), static_cast<int>(r.nx), static_cast<int>(r.ny), GDT_Float64, 0,
                   0) != CE_None)
    return absl::DataLossError(
        absl::StrCat(path, ": cannot read the raster's cells (", CPLGetLastErrorMsg(), ")"));
  if (gt[5] > 0)  // stored from the south: flip to north-first rows
    for (std::uint32_t j = 0; j < r.ny / 2; ++j)
      std::swap_ranges(r.weight.begin() + std::size_t{j} * r.nx,
                       r.weight.begin() + std::size_t{j + 1} * r.nx,
                       r.weight.begin() + std::size_t{r.ny - 1 - j} * r.nx);
  int has_nodata = 0;
  const double nodata = GDALGetRasterNoDataValue(band, &has_nodata);
  for (std::size_t k = 0; k < r.weight.size(); ++k) {
    double& w = r.weight[k];
    if (has_nodata && (w == nodata || (std::isnan(nodata) && std::isnan(w)))) {
      w = 0;
      continue;
    }
    if (!std::isfinite(w) || w < 0)
      return absl::InvalidArgumentError(
          absl::StrFormat("%s: cell (%u, %u) holds %g; densities must be finite and >= 0", path,
                          static_cast<unsigned>(k % r.nx), static_cast<unsigned>(k / r.nx), w));
  }
  if (!(r.total() > 0))
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": every cell is 0: no call can be placed"));
  return r;
}

DISPATCHKIT_NAMESPACE_END
