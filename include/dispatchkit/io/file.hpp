// dispatchkit/io/file.hpp: reading and writing files whole, compressed or not.
//
//   absl::StatusOr<std::string> text = read_file("roads.csv.xz");   // gzip, xz or plain
//   absl::Status s = write_file_atomically("queue.snapshot", bytes);
//
// Compression is recognised by content (gzip and xz magic bytes), never by name, so a
// mislabelled file still reads. Errors: NotFound (missing file), PermissionDenied,
// DataLoss (truncated or corrupt compressed stream), each naming the path.
#pragma once

#include <lzma.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

// The whole file, decompressed if it is gzip or xz.
[[nodiscard]] absl::StatusOr<std::string> read_file(const std::string& path);

// Writes `contents` to `path` through a temporary file and a rename, so that a crash
// mid-write never leaves a half-written file where a good one was.
[[nodiscard]] absl::Status write_file_atomically(const std::string& path,
                                                 std::string_view contents);

// ---------------------------------------------------------------------------------------
namespace detail {

inline absl::StatusOr<std::string> read_raw_file(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    return absl::NotFoundError(absl::StrCat(path, ": no such file"));
  if (std::filesystem::is_directory(path, ec))
    return absl::InvalidArgumentError(absl::StrCat(path, ": is a directory, expected a file"));
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr)
    return absl::PermissionDeniedError(absl::StrCat(path, ": cannot open: ", std::strerror(errno)));
  std::string data;
  char buffer[1 << 16];
  std::size_t got;
  while ((got = std::fread(buffer, 1, sizeof buffer, f)) > 0) data.append(buffer, got);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return absl::DataLossError(absl::StrCat(path, ": read error"));
  return data;
}

inline absl::StatusOr<std::string> gunzip(const std::string& path, std::string_view in) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK)  // +32: accept gzip and zlib headers
    return absl::InternalError(absl::StrCat(path, ": zlib initialisation failed"));
  std::string out;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  char buffer[1 << 16];
  int rc = Z_OK;
  while (true) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - z.avail_out);
    if (rc == Z_STREAM_END) {
      // Concatenated gzip members (as `cat a.gz b.gz` makes) continue the stream.
      if (z.avail_in == 0) break;
      if (inflateReset(&z) != Z_OK) break;
      continue;
    }
    if (rc != Z_OK) break;
    if (z.avail_in == 0 && z.avail_out != 0) {
      rc = Z_BUF_ERROR;
      break;
    }
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END)
    return absl::DataLossError(
        absl::StrCat(path, ": gzip stream is truncated or corrupt (after ", out.size(), " bytes)"));
  return out;
}

inline absl::StatusOr<std::string> unxz(const std::string& path, std::string_view in) {
  lzma_stream z = LZMA_STREAM_INIT;
  if (lzma_stream_decoder(&z, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
    return absl::InternalError(absl::StrCat(path, ": liblzma initialisation failed"));
  z.next_in = reinterpret_cast<const uint8_t*>(in.data());
  z.avail_in = in.size();
  std::string out;
  char buffer[1 << 16];
  lzma_ret rc = LZMA_OK;
  while (rc == LZMA_OK) {
    z.next_out = reinterpret_cast<uint8_t*>(buffer);
    z.avail_out = sizeof buffer;
    rc = lzma_code(&z, z.avail_in == 0 ? LZMA_FINISH : LZMA_RUN);
    out.append(buffer, sizeof buffer - z.avail_out);
  }
  lzma_end(&z);
  if (rc != LZMA_STREAM_END)
    return absl::DataLossError(absl::StrCat(path, ": xz stream is truncated or corrupt (after ",
                                            out.size(), " bytes, liblzma code ",
                                            static_cast<int>(rc), ")"));
  return out;
}

}  // namespace detail

inline absl::StatusOr<std::string> read_file(const std::string& path) {
  absl::StatusOr<std::string> raw = detail::read_raw_file(path);
  if (!raw.ok()) return raw;
  const std::string_view s = *raw;
  if (s.size() >= 2 && static_cast<unsigned char>(s[0]) == 0x1f &&
      static_cast<unsigned char>(s[1]) == 0x8b)
    return detail::gunzip(path, s);
  if (s.size() >= 6 && s.substr(0, 6) == std::string_view("\xFD"
                                                          "7zXZ\0",
                                                          6))
    return detail::unxz(path, s);
  return raw;
}

inline absl::Status write_file_atomically(const std::string& path, std::string_view contents) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return absl::PermissionDeniedError(absl::StrCat(path, ": cannot write ", tmp));
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    out.flush();
    if (!out) return absl::DataLossError(absl::StrCat(path, ": write to ", tmp, " failed"));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return absl::PermissionDeniedError(absl::StrCat(path, ": rename failed: ", ec.message()));
  return absl::OkStatus();
}

DISPATCHKIT_NAMESPACE_END
