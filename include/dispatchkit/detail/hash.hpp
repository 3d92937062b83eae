// dispatchkit/detail/hash.hpp: small deterministic hashes (splitmix64, FNV-1a over
// bytes). Internal. Used for graph fingerprints, file checksums and the documented
// default PACE16 weight function, so their output must never change.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

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

}  // namespace detail
DISPATCHKIT_NAMESPACE_END
