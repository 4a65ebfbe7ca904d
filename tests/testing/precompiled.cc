// The translation unit of meshdex_test_pch (tests/CMakeLists.txt): the target
// exists to build the tests' precompiled header (precompiled.h), and CMake
// needs one source to hang it on.
#include "tests/testing/precompiled.h"
