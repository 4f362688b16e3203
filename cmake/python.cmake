# The lmp Python package (docs/python.md): the extension lmp._lmp, built
# from python/src with pybind11 against lmpcore, and the pure-Python layer
# python/lmp, both put in ${CMAKE_BINARY_DIR}/python/lmp so that
# PYTHONPATH=build/python imports it (the tests do; `pip install ./python`
# installs it).
#
# The interpreter is Debian's python3 (whose numpy, pandas and matplotlib
# the package and its tests use) unless Python3_EXECUTABLE is given.
if(NOT DEFINED Python3_EXECUTABLE AND EXISTS /usr/bin/python3)
  set(Python3_EXECUTABLE /usr/bin/python3)
endif()
find_package(Python3 COMPONENTS Interpreter Development.Module REQUIRED)
find_package(pybind11 CONFIG)
if(NOT pybind11_FOUND)
  message(FATAL_ERROR "LMP_BUILD_PYTHON needs pybind11 (Debian packages pybind11-dev and python3-dev; "
                      "scripts/install-deps.sh installs them), or configure with -DLMP_BUILD_PYTHON=OFF")
endif()

set(LMP_PYTHON_DIR ${CMAKE_BINARY_DIR}/python/lmp)
file(GLOB LMP_PYTHON_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/python/src/*.cc)
pybind11_add_module(_lmp ${LMP_PYTHON_SOURCES})
target_link_libraries(_lmp PRIVATE lmpcore)
set_target_properties(_lmp PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${LMP_PYTHON_DIR})

file(GLOB LMP_PYTHON_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/python/lmp/*.py ${CMAKE_SOURCE_DIR}/python/lmp/*.pyi
     ${CMAKE_SOURCE_DIR}/python/lmp/py.typed)
set(LMP_PYTHON_COPIES)
foreach(f ${LMP_PYTHON_FILES})
  get_filename_component(name ${f} NAME)
  add_custom_command(OUTPUT ${LMP_PYTHON_DIR}/${name} COMMAND ${CMAKE_COMMAND} -E copy ${f} ${LMP_PYTHON_DIR}/${name}
                     DEPENDS ${f} VERBATIM)
  list(APPEND LMP_PYTHON_COPIES ${LMP_PYTHON_DIR}/${name})
endforeach()
add_custom_target(lmp_python ALL DEPENDS _lmp ${LMP_PYTHON_COPIES})
