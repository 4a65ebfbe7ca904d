# Build pieces of the HTTP gateway, included by server/CMakeLists.txt after
# meshdex_server is defined: zlib (the gateway gzips responses itself) and
# the web UI (clients/web) compiled into meshdexd: every file of its src/
# plus the npm libraries the pages import, served below /ui/ (vendor/...).
find_package(ZLIB REQUIRED)
target_link_libraries(meshdex_server PRIVATE ZLIB::ZLIB)

set(MESHDEX_WEB_DIR ${CMAKE_SOURCE_DIR}/clients/web)
# NAME=PATH (relative to clients/web): the vendor files, from node_modules.
set(MESHDEX_WEB_VENDOR_FILES
  vendor/cytoscape.mjs=node_modules/cytoscape/dist/cytoscape.esm.min.mjs
  vendor/cytoscape-dagre.mjs=node_modules/cytoscape-dagre/dist/cytoscape-dagre.min.mjs)

file(GLOB_RECURSE web_sources CONFIGURE_DEPENDS RELATIVE ${MESHDEX_WEB_DIR}/src
  ${MESHDEX_WEB_DIR}/src/*)
list(SORT web_sources)
set(ui_entries "")
set(ui_inputs "")
foreach(source ${web_sources})
  list(APPEND ui_entries "${source}=${MESHDEX_WEB_DIR}/src/${source}")
  list(APPEND ui_inputs ${MESHDEX_WEB_DIR}/src/${source})
endforeach()
foreach(vendor ${MESHDEX_WEB_VENDOR_FILES})
  string(FIND "${vendor}" "=" separator)
  string(SUBSTRING "${vendor}" 0 ${separator} name)
  math(EXPR path_start "${separator} + 1")
  string(SUBSTRING "${vendor}" ${path_start} -1 relative)
  if(NOT EXISTS ${MESHDEX_WEB_DIR}/${relative})
    message(FATAL_ERROR
      "clients/web/${relative} is missing: the web UI's npm packages are not installed.\n"
      "Run `make deps` (or `npm ci` in clients/web), then configure again.")
  endif()
  list(APPEND ui_entries "${name}=${MESHDEX_WEB_DIR}/${relative}")
  list(APPEND ui_inputs ${MESHDEX_WEB_DIR}/${relative})
endforeach()
string(JOIN "|" ui_entries_arg ${ui_entries})

add_custom_command(
  OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/ui_files.cc
  COMMAND ${CMAKE_COMMAND} "-DFILES=${ui_entries_arg}"
          -DOUTPUT=${CMAKE_CURRENT_BINARY_DIR}/ui_files.cc
          -P ${CMAKE_CURRENT_SOURCE_DIR}/http/embed_ui.cmake
  DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/http/embed_ui.cmake ${ui_inputs}
  COMMENT "embedding the web UI"
  VERBATIM)
target_sources(meshdex_server PRIVATE ${CMAKE_CURRENT_BINARY_DIR}/ui_files.cc)
