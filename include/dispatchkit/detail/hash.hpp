// dispatchkit/detail/hash.hpp: small deterministic hashes (splitmix64, FNV-1a over
// bytes). Internal. Used for graph fingerprints, file checksums and the documented
// default PACE16 weight function, so their output must never change.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "dispatchkit/config.hpp"

DISPATCHKIT_NAMESPACE_BEGIN
namespace detail {

// Steele, Lea, Flood: "Fast splittable pseudorandom number generators" (2014), finaliser.
[[nodiscard]] constexpr std::uint64_t splitmix64(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// 64-bit FNV-1a, fed bytes in little-endian order of the values it is given.
class Fnv64 {
 public:
  void add_bytes(const void* data, std::size_t size) noexcept {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < size; ++i) {
      state_ ^= p[i];
      state_ *= 0x100000001b3ULL;
    }
  }
  template <class T>
  void add_span(std::span<const T> values) noexcept {
    add_bytes(values.data(), values.size_bytes());
  }
  template <class T>
  void add_value(const T& v) noexcept {
    add_bytes(&v, sizeof(T));
  }
  [[nodiscard]] std::uint64_t value() const noexcept { return state_; }

 private:
  std::uint64_t state_ = 0xcbf29ce484222325ULL;
};

// Word-at-a-time 64-bit checksum of a file's bytes (multiply-rotate, as in xxHash's round
// function): verifying a 30 MB file costs a few milliseconds, and any flipped bit, swapped
// word or truncation changes it with probability 1 - 2^-64 in practice. Not cryptographic:
// it guards against disks and copies, not against an adversary. Every binary file that
// dispatchkit writes (io/container.hpp) ends with it.
[[nodiscard]] inline std::uint64_t checksum64(std::string_view bytes) noexcept {
  constexpr std::uint64_t kP1 = 0x9E3779B185EBCA87ULL, kP2 = 0xC2B2AE3D27D4EB4FULL;
  std::uint64_t h = 0x27D4EB2F165667C5ULL ^ bytes.size();
  std::size_t i = 0;
  for (; i + 8 <= bytes.size(); i += 8) {
    std::uint64_t w;
    std::memcpy(&w, bytes.data() + i, 8);
    h ^= std::rotl(w * kP2, 31) * kP1;
    h = std::rotl(h, 27) * kP1 + 0x85EBCA77C2B2AE63ULL;
  }
  for (; i < bytes.size(); ++i) {
    h ^= static_cast<unsigned char>(bytes[i]) * 0x165667B19E3779F9ULL;
    h = std::rotl(h, 11) * kP1;
  }
  h ^= h >> 33;
  h *= kP2;
  h ^= h >> 29;
  return h;
}

}  // namespace detail
DISPATCHKIT_NAMESPACE_END
