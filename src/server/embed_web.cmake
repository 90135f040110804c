# Generates a .cc that holds the files of web/ as byte arrays, with FindWebFile().
# Run as: cmake -DWEB_DIR=... -DOUT=... -P embed_web.cmake
file(GLOB files RELATIVE ${WEB_DIR} ${WEB_DIR}/*)
list(SORT files)
set(body "// Generated from web/ by src/server/embed_web.cmake. Do not edit.\n")
string(APPEND body "#include <cstring>\n#include <string>\n#include \"storyline/server.h\"\n")
string(APPEND body "namespace storyline {\nnamespace {\n")
set(table "")
set(i 0)
foreach(f ${files})
  if(IS_DIRECTORY ${WEB_DIR}/${f})
    continue()
  endif()
  get_filename_component(ext ${f} EXT)
  if(ext STREQUAL ".html")
    set(mime "text/html; charset=utf-8")
  elseif(ext STREQUAL ".css")
    set(mime "text/css; charset=utf-8")
  elseif(ext STREQUAL ".js")
    set(mime "text/javascript; charset=utf-8")
  elseif(ext STREQUAL ".svg")
    set(mime "image/svg+xml")
  elseif(ext STREQUAL ".png")
    set(mime "image/png")
  elseif(ext STREQUAL ".ico")
    set(mime "image/x-icon")
  else()
    continue()
  endif()
  file(READ ${WEB_DIR}/${f} hex HEX)
  string(LENGTH "${hex}" hexlen)
  math(EXPR size "${hexlen} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND body "const unsigned char kFile${i}[] = {${bytes}0};\n")
  string(APPEND table "  {\"${f}\", \"${mime}\", kFile${i}, ${size}},\n")
  math(EXPR i "${i} + 1")
endforeach()
string(APPEND body "const WebFile kFiles[] = {\n${table}};\n}  // namespace\n\n")
string(APPEND body [=[
const WebFile* FindWebFile(const std::string& path) {
  // Exact names only: "/" is index.html, "/app.js" is app.js; nothing else matches,
  // so "..", "%2e%2e", absolute paths and sub-folders can never reach a file.
  std::string name = (path == "/" || path.empty()) ? "index.html" : path.substr(1);
  for (const WebFile& f : kFiles) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

}  // namespace storyline
]=])
file(WRITE ${OUT}.tmp "${body}")
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different ${OUT}.tmp ${OUT})
