"""Builds and installs the lmp Python package through the project's CMake.

    python3 -m pip install --no-build-isolation ./python

(Debian 12's system python also needs --break-system-packages.) The
extension is the CMake target lmp_python, built in LMP_BUILD_DIR (default:
build-python/ beside this directory; the README's set-up points it at
build/, so nothing is compiled twice). Only Debian's setuptools, wheel and
pybind11 are used: no download.
"""

import os
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        build_dir = os.environ.get("LMP_BUILD_DIR", os.path.join(ROOT, "build-python"))
        if not os.path.exists(os.path.join(build_dir, "CMakeCache.txt")):
            subprocess.run(["cmake", "-S", ROOT, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release",
                            "-DLMP_BUILD_TESTS=OFF", "-DLMP_BUILD_BENCH=OFF", "-DLMP_BUILD_PYTHON=ON",
                            "-DPython3_EXECUTABLE=" + sys.executable], check=True)
        subprocess.run(["cmake", "--build", build_dir, "-j2", "--target", "lmp_python"], check=True)
        built = os.path.join(build_dir, "python", "lmp")
        target = os.path.dirname(self.get_ext_fullpath(ext.name))
        os.makedirs(target, exist_ok=True)
        for name in os.listdir(built):
            if name.startswith("_lmp") and name.endswith(".so"):
                shutil.copy(os.path.join(built, name), self.get_ext_fullpath(ext.name))


setup(
    name="lmp",
    version="0.1.0",
    description="What running a transformer costs, operation by operation (LM-Predictor)",
    packages=["lmp"],
    package_data={"lmp": ["*.pyi", "py.typed"]},
    ext_modules=[Extension("lmp._lmp", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    python_requires=">=3.9",
)
