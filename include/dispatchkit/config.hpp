// dispatchkit/config.hpp: version and the inline ABI namespace.
//
// Every public entity lives in `dispatchkit::v0_1` (an inline namespace), so two
// vendors' plug-ins built against different dispatchkit versions cannot silently
// share mismatched layouts in one CAD process; users still write `dispatchkit::`.
#pragma once

#define DISPATCHKIT_VERSION_MAJOR 0
#define DISPATCHKIT_VERSION_MINOR 1
#define DISPATCHKIT_VERSION_PATCH 0
#define DISPATCHKIT_VERSION_STRING "0.1.0"

#define DISPATCHKIT_NAMESPACE_BEGIN \
  namespace dispatchkit {           \
  inline namespace v0_1 {
#define DISPATCHKIT_NAMESPACE_END \
  }                               \
  }
