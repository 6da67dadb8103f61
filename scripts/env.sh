# Environment shared by the scripts (sourced, not run).
# Debian's emscripten runs its JS tools with the machine's node, which does not see
# Debian's node modules (acorn) unless told where they are.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
# Debian's emscripten system cache is frozen and read-only; a writable copy lets emcc
# build the few system libraries our flags need.
root=${root:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
export EM_CACHE="$root/.deps/em-cache"
if [[ ! -d "$EM_CACHE" && -d /usr/share/emscripten/cache ]]; then
  mkdir -p "$root/.deps"
  cp -r /usr/share/emscripten/cache "$EM_CACHE"
  rm -f "$EM_CACHE/cache.lock"
fi
export EM_FROZEN_CACHE=0
