# One precompiled header (cmake/precompiled.h) for meshdex's libraries and
# tools: built once by meshdex_pch, reused by every target named to
# meshdex_use_pch(). Measured on the libraries and tools using it: clang (the
# sanitizer build) 806 -> 624 CPU seconds; gcc only 5% (its cost there is
# code generation, cpp-httplib's and spdlog's templates above all).
#
# The owner carries no definitions of its own: clang refuses a precompiled
# header whose macros a user lacks, and users may add theirs (spdlog's,
# cpp-httplib's). Configure with -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON to
# check that every file includes what it uses.
add_library(meshdex_pch OBJECT ${CMAKE_CURRENT_LIST_DIR}/precompiled.cc)
target_link_libraries(meshdex_pch PRIVATE meshdex_proto gRPC::grpc++ RocksDB::rocksdb
  nlohmann_json::nlohmann_json absl::status absl::statusor absl::strings absl::str_format
  absl::synchronization absl::time absl::flat_hash_map absl::flat_hash_set)
target_precompile_headers(meshdex_pch PRIVATE ${CMAKE_CURRENT_LIST_DIR}/precompiled.h)

# meshdex_use_pch(TARGET...): these targets compile with the shared header
# (targets not configured, e.g. the bench without tests, are skipped).
function(meshdex_use_pch)
  foreach(target IN LISTS ARGN)
    if(TARGET ${target})
      target_precompile_headers(${target} REUSE_FROM meshdex_pch)
      if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        # gcc silently ignores a precompiled header it cannot use; say so.
        target_compile_options(${target} PRIVATE -Winvalid-pch)
      endif()
    endif()
  endforeach()
endfunction()
