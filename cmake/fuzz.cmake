# The fuzz targets of fuzz/ (docs/fuzzing.md). With LMP_FUZZ each is a
# libFuzzer executable (fuzz/NAME_fuzz.cc -> NAME_fuzz). Without it, and when
# tests are built, each is a replay executable (NAME_fuzz_replay) that runs
# the target once per file given, and ctest replays every input of
# tests/fuzz/regressions/NAME_fuzz/ through it: the inputs fuzzing found
# stay fixed in every build, g++ and sanitizer ones included.
file(GLOB LMP_FUZZ_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/fuzz/*_fuzz.cc)
foreach(src ${LMP_FUZZ_SOURCES})
  get_filename_component(name ${src} NAME_WE)
  if(LMP_FUZZ)
    add_executable(${name} ${src})
    target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  elseif(LMP_BUILD_TESTS)
    set(exe ${name}_replay)
    add_executable(${exe} ${src} ${CMAKE_SOURCE_DIR}/fuzz/replay_main.cc)
    target_include_directories(${exe} PRIVATE ${CMAKE_SOURCE_DIR})
    target_link_libraries(${exe} PRIVATE lmpcli)
    file(GLOB inputs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/fuzz/regressions/${name}/*)
    if(inputs)
      add_test(NAME fuzz_regressions_${name} COMMAND ${exe} ${inputs})
    endif()
    continue()
  else()
    continue()
  endif()
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE lmpcli)
endforeach()
