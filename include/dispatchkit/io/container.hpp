// dispatchkit/io/container.hpp: the one versioned, checksummed binary container that every
// binary file dispatchkit writes uses (CH index, triage snapshot, binary graph, calibration),
// so that each format checks magic, version, inputs and integrity the same way.
//
//   ContainerWriter out("DK-CHIX\n", /*version=*/2, graph.fingerprint());
//   ByteWriter& rank = out.section("RANK");
//   rank.array(std::span<const std::uint32_t>(ranks));
//   DK_RETURN_IF_ERROR(out.save("city.ch"));                  // temporary file + rename
//
//   DK_ASSIGN_OR_RETURN(std::string bytes, read_file("city.ch"));
//   DK_ASSIGN_OR_RETURN(ContainerReader in,
//                       ContainerReader::open("city.ch", bytes, "DK-CHIX\n", 2, "CH index"));
//   if (in.fingerprint() != graph.fingerprint())
//     return in.failed_precondition("was built for another graph");
//   DK_ASSIGN_OR_RETURN(ByteReader rank, in.section("RANK"));
//   std::vector<std::uint32_t> ranks;
//   if (!rank.array(n, ranks) || !rank.at_end()) return in.data_loss("RANK section is short");
//
// Layout (little-endian, every integer unsigned unless named i64):
//   magic[8] | u32 version | u32 section count | u64 fingerprint |
//   {u32 tag, u32 0, u64 offset, u64 size}[count]   offsets from the start of the file |
//   sections, each starting on an 8-byte boundary (zero padding between) |
//   u64 detail::checksum64 of every byte before it.
// The first 12 bytes (magic, version) are where every dispatchkit binary file has had them
// since version 1, so a file of an older layout is still told apart by its version.
// The fingerprint names the inputs a file was derived from (a graph, a profile): a reader
// compares it with its own inputs and rejects a file made from others.
//
// Errors from open(): DataLoss (not this kind of file, truncated, a section outside the
// file, two sections with one tag, checksum mismatch: "PATH: <what> ..."),
// FailedPrecondition (another format version). Sections are views into the bytes given to
// open(): keep them alive while reading. Sections are 8-byte aligned within the file, so a
// memory-mapped reader could hand out spans of them directly.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <deque>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "dispatchkit/config.hpp"
#include "dispatchkit/detail/hash.hpp"
#include "dispatchkit/detail/status_macros.hpp"
#include "dispatchkit/io/file.hpp"

DISPATCHKIT_NAMESPACE_BEGIN

static_assert(std::endian::native == std::endian::little,
              "dispatchkit's binary files are little-endian; add byte swapping for this platform");

namespace detail {

inline constexpr std::size_t kContainerHeaderBytes = 8 + 4 + 4 + 8;
inline constexpr std::size_t kContainerEntryBytes = 4 + 4 + 8 + 8;

[[nodiscard]] constexpr std::uint32_t container_tag(std::string_view tag) noexcept {
  std::uint32_t t = 0;
  for (std::size_t i = 0; i < 4; ++i)
    t |= static_cast<std::uint32_t>(static_cast<unsigned char>(i < tag.size() ? tag[i] : ' '))
         << (8 * i);
  return t;
}

[[nodiscard]] inline std::string container_tag_name(std::uint32_t tag) {
  std::string s(4, ' ');
  for (std::size_t i = 0; i < 4; ++i) s[i] = static_cast<char>((tag >> (8 * i)) & 0xFF);
  return s;
}

}  // namespace detail

// Appends little-endian values to a byte string. Plain values and arrays of trivially
// copyable types are written as they lie in memory.
class ByteWriter {
 public:
  void u8(std::uint8_t v) { put(v); }
  void u32(std::uint32_t v) { put(v); }
  void u64(std::uint64_t v) { put(v); }
  void i64(std::int64_t v) { put(v); }
  void f64(double v) { put(v); }
  void bytes(const void* data, std::size_t size) {
    bytes_.append(static_cast<const char*>(data), size);
  }
  // u32 length, then the bytes.
  void str(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    bytes(s.data(), s.size());
  }
  template <class T>
  void array(std::span<const T> values) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes(values.data(), values.size_bytes());
  }
  void reserve(std::size_t bytes) { bytes_.reserve(bytes); }
  [[nodiscard]] std::size_t size() const noexcept { return bytes_.size(); }
  [[nodiscard]] const std::string& contents() const noexcept { return bytes_; }

 private:
  template <class T>
  void put(const T& v) {
    bytes(&v, sizeof v);
  }
  std::string bytes_;
};

// Reads little-endian values from a byte view; every read checks the bounds and returns
// false (reading nothing) when the view is too short, so a truncated or lying file can
// never read past its end. noexcept except array(), which allocates.
class ByteReader {
 public:
  ByteReader() = default;
  explicit ByteReader(std::string_view bytes) noexcept : bytes_(bytes) {}

  bool u8(std::uint8_t& v) noexcept { return get(v); }
  bool u32(std::uint32_t& v) noexcept { return get(v); }
  bool u64(std::uint64_t& v) noexcept { return get(v); }
  bool i64(std::int64_t& v) noexcept { return get(v); }
  bool f64(double& v) noexcept { return get(v); }
  bool bytes(void* out, std::size_t size) noexcept {
    if (size > remaining()) return false;
    if (size > 0) std::memcpy(out, bytes_.data() + pos_, size);
    pos_ += size;
    return true;
  }
  bool str(std::string& out) {
    std::uint32_t size = 0;
    if (!u32(size) || size > remaining()) return false;
    out.assign(bytes_.data() + pos_, size);
    pos_ += size;
    return true;
  }
  // `count` values into `out` (resized). False, before allocating, when fewer than
  // count * sizeof(T) bytes remain: a corrupt count cannot exhaust memory.
  template <class T>
  bool array(std::size_t count, std::vector<T>& out) {
    static_assert(std::is_trivially_copyable_v<T>);
    if (count > remaining() / sizeof(T)) return false;
    out.resize(count);
    return bytes(out.data(), count * sizeof(T));
  }
  // A view of the next `size` bytes (no copy).
  bool view(std::size_t size, std::string_view& out) noexcept {
    if (size > remaining()) return false;
    out = bytes_.substr(pos_, size);
    pos_ += size;
    return true;
  }
  [[nodiscard]] std::size_t remaining() const noexcept { return bytes_.size() - pos_; }
  [[nodiscard]] bool at_end() const noexcept { return pos_ == bytes_.size(); }

 private:
  template <class T>
  bool get(T& v) noexcept {
    return bytes(&v, sizeof v);
  }
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

// Builds a container in memory: sections in the order they were opened.
class ContainerWriter {
 public:
  // `magic` is exactly 8 bytes naming the kind of file.
  ContainerWriter(std::string_view magic, std::uint32_t version, std::uint64_t fingerprint)
      : magic_(magic), version_(version), fingerprint_(fingerprint) {}

  // A new section tagged with 4 characters ("RANK"); the reference stays valid.
  ByteWriter& section(std::string_view tag) {
    sections_.push_back({detail::container_tag(tag), {}});
    return sections_.back().bytes;
  }
  // The whole file.
  [[nodiscard]] std::string finish() const;
  // finish() written atomically (io/file.hpp write_file_atomically).
  [[nodiscard]] absl::Status save(const std::string& path) const {
    return write_file_atomically(path, finish());
  }

 private:
  struct Section {
    std::uint32_t tag;
    ByteWriter bytes;
  };
  std::string magic_;
  std::uint32_t version_;
  std::uint64_t fingerprint_;
  std::deque<Section> sections_;
};

// Opens a container held in memory, checking everything but the sections' contents.
class ContainerReader {
 public:
  // `what` names the kind of file in messages ("CH index", "triage snapshot").
  [[nodiscard]] static absl::StatusOr<ContainerReader> open(std::string path,
                                                            std::string_view bytes,
                                                            std::string_view magic,
                                                            std::uint32_t version,
                                                            std::string_view what);

  [[nodiscard]] std::uint64_t fingerprint() const noexcept { return fingerprint_; }
  [[nodiscard]] std::uint32_t version() const noexcept { return version_; }
  [[nodiscard]] bool has(std::string_view tag) const noexcept {
    return find(detail::container_tag(tag)) != nullptr;
  }
  // A reader over the section tagged `tag`, or DataLoss "PATH: <what> has no TAG section".
  [[nodiscard]] absl::StatusOr<ByteReader> section(std::string_view tag) const;

  // "PATH: <what> message" as DataLoss (corrupt contents) or FailedPrecondition (a good
  // file that does not fit: another graph, another profile).
  [[nodiscard]] absl::Status data_loss(std::string_view message) const {
    return absl::DataLossError(prefixed(message));
  }
  [[nodiscard]] absl::Status failed_precondition(std::string_view message) const {
    return absl::FailedPreconditionError(prefixed(message));
  }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  struct Entry {
    std::uint32_t tag;
    std::string_view bytes;
  };
  [[nodiscard]] const Entry* find(std::uint32_t tag) const noexcept {
    for (const Entry& e : entries_)
      if (e.tag == tag) return &e;
    return nullptr;
  }
  [[nodiscard]] std::string prefixed(std::string_view message) const {
    return absl::StrCat(path_, ": ", detail::as_absl(what_), " ", detail::as_absl(message));
  }
  std::string path_;
  std::string what_;
  std::uint32_t version_ = 0;
  std::uint64_t fingerprint_ = 0;
  std::vector<Entry> entries_;
};

// ---------------------------------------------------------------------------------------
// Implementation.

inline std::string ContainerWriter::finish() const {
  auto align = [](std::size_t at) { return (at + 7) & ~std::size_t{7}; };
  std::size_t at =
      align(detail::kContainerHeaderBytes + sections_.size() * detail::kContainerEntryBytes);
  std::size_t total = at;
  for (const Section& s : sections_) total = align(total) + s.bytes.size();
  ByteWriter out;
  out.reserve(align(total) + 8);
  std::string magic = magic_;
  magic.resize(8, ' ');
  out.bytes(magic.data(), 8);
  out.u32(version_);
  out.u32(static_cast<std::uint32_t>(sections_.size()));
  out.u64(fingerprint_);
  for (const Section& s : sections_) {
    out.u32(s.tag);
    out.u32(0);
    out.u64(at);
    out.u64(s.bytes.size());
    at = align(at + s.bytes.size());
  }
  static constexpr char kZeros[8] = {};
  for (const Section& s : sections_) {
    out.bytes(kZeros, align(out.size()) - out.size());
    out.bytes(s.bytes.contents().data(), s.bytes.size());
  }
  std::string bytes = out.contents();
  const std::uint64_t sum = detail::checksum64(bytes);
  bytes.append(reinterpret_cast<const char*>(&sum), sizeof sum);
  return bytes;
}

inline absl::StatusOr<ContainerReader> ContainerReader::open(std::string path,
                                                             std::string_view bytes,
                                                             std::string_view magic,
                                                             std::uint32_t version,
                                                             std::string_view what) {
  ContainerReader r;
  r.path_ = std::move(path);
  r.what_ = std::string(what);
  std::string expected_magic(magic);
  expected_magic.resize(8, ' ');
  const bool magic_ok = bytes.size() >= 8 && bytes.substr(0, 8) == expected_magic;
  if (!magic_ok)
    return absl::DataLossError(absl::StrCat(
        r.path_, ": not a dispatchkit ", detail::as_absl(what), " file (",
        bytes.size() < 8 ? absl::StrCat("only ", bytes.size(), " bytes") : "bad magic bytes", ")"));
  ByteReader in(bytes.substr(8));
  std::uint32_t count = 0;
  if (!in.u32(r.version_))
    return r.data_loss(
        absl::StrCat("truncated: ", bytes.size(), " bytes, shorter than its header"));
  if (r.version_ != version)
    return r.failed_precondition(
        absl::StrCat("format version ", r.version_, ", this build reads version ", version));
  if (!in.u32(count) || !in.u64(r.fingerprint_) ||
      count > in.remaining() / detail::kContainerEntryBytes ||
      bytes.size() < detail::kContainerHeaderBytes + count * detail::kContainerEntryBytes + 8)
    return r.data_loss(
        absl::StrCat("truncated: ", bytes.size(), " bytes, shorter than its header"));
  const std::size_t body = bytes.size() - 8;
  std::uint64_t stored = 0;
  std::memcpy(&stored, bytes.data() + body, 8);
  if (stored != detail::checksum64(bytes.substr(0, body)))
    return r.data_loss(
        "checksum mismatch (the file is truncated, has trailing bytes or is corrupt)");
  const std::size_t table_end =
      detail::kContainerHeaderBytes + count * detail::kContainerEntryBytes;
  r.entries_.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint32_t tag = 0, zero = 0;
    std::uint64_t offset = 0, size = 0;
    if (!in.u32(tag) || !in.u32(zero) || !in.u64(offset) || !in.u64(size))
      return r.data_loss("section table is truncated");
    if (offset < table_end || offset > body || size > body - offset)
      return r.data_loss(absl::StrCat("section ", detail::container_tag_name(tag),
                                      " lies outside the file (offset ", offset, ", ", size,
                                      " bytes, file ", bytes.size(), " bytes)"));
    if (r.find(tag) != nullptr)
      return r.data_loss(absl::StrCat("has two sections tagged ", detail::container_tag_name(tag)));
    r.entries_.push_back({tag, bytes.substr(offset, size)});
  }
  return r;
}

inline absl::StatusOr<ByteReader> ContainerReader::section(std::string_view tag) const {
  const Entry* e = find(detail::container_tag(tag));
  if (e == nullptr) return data_loss(absl::StrCat("has no ", detail::as_absl(tag), " section"));
  return ByteReader(e->bytes);
}

DISPATCHKIT_NAMESPACE_END
