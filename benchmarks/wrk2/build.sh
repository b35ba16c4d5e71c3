#!/usr/bin/env bash
# Builds wrk2 (https://github.com/giltene/wrk2, Apache-2.0), the constant-rate variant of wrk that
# measures each request from the time the rate plan meant to send it (coordinated omission
# corrected). compare.sh uses it for the half-rate p99 from the client. Debian has no wrk2
# package, so it is built from its source at a pinned commit, against Debian's LuaJIT 2.1
# (libluajit-5.1-dev) instead of the LuaJIT 2.0 it bundles: 2.0 hashes long strings from a few
# sampled bytes, and the engine's answers differ only in a few bytes (payment ids), so every
# answer's body collided in the string table. Against the engine at 25,667 req/s asked, the bundled
# build spent 86% of its CPU in lj_str_new and sent 4,441 req/s; this build sent 24,926 req/s
# using 14% of the two cores.
#
#   benchmarks/wrk2/build.sh      prints the path of the wrk2 binary (built once, then reused)
#
# env: WRK2_GIT   where to clone from (default https://github.com/giltene/wrk2.git; a local
#                 clone or mirror works the same)
#      WRK2_HOME  where to build (default ~/.cache/lumbung/wrk2-<commit>)
# Installs the Debian packages it needs (gcc, libssl-dev, libluajit-5.1-dev, luajit) when missing.
set -euo pipefail
commit=44a94c17d8e6a0bac8559b53da76848e430cb7a7
home="${WRK2_HOME:-$HOME/.cache/lumbung/wrk2-${commit:0:7}}"
bin="$home/wrk2"
if [[ -x "$bin" ]]; then
  echo "$bin"
  exit 0
fi
need=()
command -v gcc >/dev/null || need+=(gcc)
command -v luajit >/dev/null || need+=(luajit)
[[ -f /usr/include/luajit-2.1/lua.h ]] || need+=(libluajit-5.1-dev)
[[ -f /usr/include/openssl/ssl.h ]] || need+=(libssl-dev)
if (( ${#need[@]} )); then
  echo "== installing ${need[*]} (apt-get)" >&2
  apt-get update -qq >&2 && apt-get install -y -qq "${need[@]}" >&2
fi
src="$home/src"
rm -rf "$src"
mkdir -p "$home"
git clone -q "${WRK2_GIT:-https://github.com/giltene/wrk2.git}" "$src" >&2
git -C "$src" -c advice.detachedHead=false checkout -q "$commit"
mkdir -p "$src/obj"
# wrk2's Makefile links its bundled LuaJIT; these are its own sources and flags, linked to
# Debian's. luaL_reg is LuaJIT 2.0's name for 2.1's luaL_Reg.
cflags=(-std=c99 -O2 -D_REENTRANT -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DluaL_reg=luaL_Reg
        -I/usr/include/luajit-2.1)
for f in wrk net ssl aprintf stats script units ae zmalloc http_parser tinymt64 hdr_histogram; do
  gcc "${cflags[@]}" -w -c -o "$src/obj/$f.o" "$src/src/$f.c"
done
luajit -b "$src/src/wrk.lua" "$src/obj/bytecode.o"
gcc -Wl,-E -o "$bin.tmp" "$src"/obj/*.o -lluajit-5.1 -lpthread -lm -lcrypto -lssl -ldl
mv "$bin.tmp" "$bin"
echo "== built wrk2 ${commit:0:7} at $bin" >&2
echo "$bin"
