# Generates OUTPUT (a .cc defining meshdex::server::kDemoFiles) from the YAML
# files in DEMO_DIR. Run at build time so editing a demo file rebuilds.
file(GLOB demo_files "${DEMO_DIR}/*.yaml")
list(SORT demo_files)
set(body "")
foreach(path ${demo_files})
  get_filename_component(name ${path} NAME)
  file(READ ${path} content)
  string(APPEND body "    {\"${name}\", R\"meshdex_demo(${content})meshdex_demo\"},\n")
endforeach()
file(WRITE ${OUTPUT}.tmp "// Generated from server/demo/*.yaml. Do not edit.\n#include \"server/demo_files.h\"\n\nnamespace meshdex::server {\n\nconst std::vector<DemoFile> kDemoFiles = {\n${body}};\n\n}  // namespace meshdex::server\n")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUTPUT}.tmp ${OUTPUT})
