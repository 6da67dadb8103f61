# Environment shared by the scripts (sourced, not run).
# Debian's emscripten runs its JS tools with the machine's node, which does not see
# Debian's node modules (acorn) unless told where they are.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
# Debian's emscripten system cache is frozen (FROZEN_CACHE); every system library our link
# flags need is prebuilt in it, so it is used as it is. A flag that needs a library rebuilt
# would need a writable copy: EM_CACHE pointing at a copy of /usr/share/emscripten/cache.
