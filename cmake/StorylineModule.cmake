# storyline_module(NAME name [DEPS targets...] [PRIVATE_DEPS targets...])
# Makes the static library storyline_<name> from src/<name>/*.cc (tests excluded)
# and, in a developer build, the test binary test_<name> from src/<name>/*_test.cc,
# registered with CTest and labelled `fast`. Files named *_slow_test.cc go into
# slowtest_<name>, labelled `slow` (run by `make eval`, not by `make test`).
set(STORYLINE_MODULE_TARGETS "" CACHE INTERNAL "")
function(storyline_module)
  cmake_parse_arguments(M "" "NAME" "DEPS;PRIVATE_DEPS;TEST_DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  set(tests ${srcs})
  list(FILTER srcs EXCLUDE REGEX "_test\\.cc$")
  list(FILTER tests INCLUDE REGEX "_test\\.cc$")
  set(slow_tests ${tests})
  list(FILTER slow_tests INCLUDE REGEX "_slow_test\\.cc$")
  list(FILTER tests EXCLUDE REGEX "_slow_test\\.cc$")
  set(lib storyline_${M_NAME})
  add_library(${lib} STATIC ${srcs})
  target_include_directories(${lib} PUBLIC
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
    $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/src>
    $<INSTALL_INTERFACE:include>)
  target_link_libraries(${lib} PUBLIC ${M_DEPS} PRIVATE ${M_PRIVATE_DEPS})
  target_compile_definitions(${lib} PRIVATE STORYLINE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  set(STORYLINE_MODULE_TARGETS ${STORYLINE_MODULE_TARGETS} ${lib} CACHE INTERNAL "")
  if(STORYLINE_DEV AND tests)
    find_package(GTest REQUIRED)
    add_executable(test_${M_NAME} ${tests})
    target_link_libraries(test_${M_NAME} PRIVATE ${lib} ${M_PRIVATE_DEPS} ${M_TEST_DEPS}
                          GTest::gtest GTest::gmock GTest::gtest_main)
    target_compile_definitions(test_${M_NAME} PRIVATE
      STORYLINE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    include(GoogleTest)
    gtest_discover_tests(test_${M_NAME}
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
      PROPERTIES LABELS fast
      DISCOVERY_TIMEOUT 60)
  endif()
  if(STORYLINE_DEV AND slow_tests)
    add_executable(slowtest_${M_NAME} ${slow_tests})
    target_link_libraries(slowtest_${M_NAME} PRIVATE ${lib} ${M_PRIVATE_DEPS} ${M_TEST_DEPS}
                          GTest::gtest GTest::gmock GTest::gtest_main)
    target_compile_definitions(slowtest_${M_NAME} PRIVATE
      STORYLINE_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
    gtest_discover_tests(slowtest_${M_NAME}
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
      PROPERTIES LABELS slow
      DISCOVERY_TIMEOUT 60)
  endif()
endfunction()
