// See gl_no_sync_queries.h. The answers are the state the lesson leaves between frames.
#ifdef __EMSCRIPTEN__
#include <GLES3/gl3.h>

extern "C" void attn_glGetIntegerv(GLenum pname, GLint* data) {
    switch (pname) {
    case GL_ACTIVE_TEXTURE: data[0] = GL_TEXTURE0; return;
    case GL_CURRENT_PROGRAM:
    case GL_TEXTURE_BINDING_2D:
    case GL_SAMPLER_BINDING:
    case GL_ARRAY_BUFFER_BINDING:
    case GL_VERTEX_ARRAY_BINDING: data[0] = 0; return;
    case GL_BLEND_SRC_RGB:
    case GL_BLEND_SRC_ALPHA: data[0] = GL_ONE; return;
    case GL_BLEND_DST_RGB:
    case GL_BLEND_DST_ALPHA: data[0] = GL_ZERO; return;
    case GL_BLEND_EQUATION_RGB:
    case GL_BLEND_EQUATION_ALPHA: data[0] = GL_FUNC_ADD; return;
    case GL_VIEWPORT:
    case GL_SCISSOR_BOX:
        // Restored after ImGui draws; the next frame sets its own viewport before drawing.
        data[0] = data[1] = data[2] = data[3] = 0;
        return;
    // The backend reads the extension list only to look for GL_ARB_clip_control, which is
    // desktop OpenGL's: WebGL has none. Asking would cost a round trip that waits for the GPU
    // process (up to 20 ms while a page loads, measured in headless Chromium).
    case GL_NUM_EXTENSIONS: data[0] = 0; return;
    default: glGetIntegerv(pname, data); return;  // version queries at start-up
    }
}

extern "C" GLboolean attn_glIsEnabled(GLenum cap) {
    switch (cap) {
    case GL_BLEND:
    case GL_CULL_FACE:
    case GL_DEPTH_TEST:
    case GL_STENCIL_TEST:
    case GL_SCISSOR_TEST:
    case GL_PRIMITIVE_RESTART_FIXED_INDEX: return GL_FALSE;
    default: return glIsEnabled(cap);
    }
}
#endif
