/*
 * wasm_api.c - the WebAssembly export layer: which engine functions the JS
 * wrapper (web/js/engine/gradlab.js) may call, plus helpers that turn
 * out-parameters into return values.  Each export is declared once, with
 * GL_EXPORT: the Makefile reads these lines to build EXPORTED_FUNCTIONS, and
 * the table below makes the build fail if a name does not exist.
 */
#include <malloc.h>
#include <emscripten.h>

#include "gradlab.h"

/* gl_config_new without the out-parameter: NULL when out of memory (the
 * only way it fails). */
EMSCRIPTEN_KEEPALIVE gl_config *glw_config_new(void) {
  gl_config *c = NULL;
  gl_config_new(&c);
  return c;
}

/* gl_create without the out-parameter: NULL on failure, the code in
 * gl_config_errcode(cfg) and the message in gl_config_errmsg(cfg). */
EMSCRIPTEN_KEEPALIVE gl_net *glw_create(gl_config *cfg, int arch) {
  gl_net *n = NULL;
  gl_create(cfg, arch, &n);
  return n;
}

/* gl_sweep_new without the out-parameter: the handle, which holds the code
 * (gl_sweep_errcode) and message of a failure; NULL only when out of memory. */
EMSCRIPTEN_KEEPALIVE gl_sweep *glw_sweep_new(const gl_config *cfg, const char *sweep,
                                             const char *seeds, const char *arch, int steps) {
  gl_sweep *sw = NULL;
  gl_sweep_new(cfg, sweep, seeds, arch, steps, &sw);
  return sw;
}

/* gl_sweep_new2 without the out-parameter: a plane (sweep2 = the rows'
 * setting), the same handle and failures as glw_sweep_new. */
EMSCRIPTEN_KEEPALIVE gl_sweep *glw_sweep_new2(const gl_config *cfg, const char *sweep,
                                              const char *sweep2, const char *seeds,
                                              const char *arch, int steps) {
  gl_sweep *sw = NULL;
  gl_sweep_new2(cfg, sweep, sweep2, seeds, arch, steps, &sw);
  return sw;
}

/* Bytes of the WASM heap handed out by malloc and not yet freed. */
EMSCRIPTEN_KEEPALIVE size_t glw_heap_in_use(void) { return (size_t)mallinfo().uordblks; }

EMSCRIPTEN_KEEPALIVE int glw_real_bytes(void) { return (int)sizeof(gl_real); }

#define GL_EXPORT(f) (void (*)(void))f,
static void (*const exported[])(void) __attribute__((used)) = {
GL_EXPORT(glw_config_new)
GL_EXPORT(glw_create)
GL_EXPORT(glw_heap_in_use)
GL_EXPORT(glw_real_bytes)
GL_EXPORT(gl_version)
GL_EXPORT(gl_errstr)
GL_EXPORT(gl_settings_json)
GL_EXPORT(gl_config_free)
GL_EXPORT(gl_config_set)
GL_EXPORT(gl_config_get)
GL_EXPORT(gl_config_set_csv)
GL_EXPORT(gl_config_set_digits)
GL_EXPORT(gl_config_json)
GL_EXPORT(gl_config_errmsg)
GL_EXPORT(gl_config_errcode)
GL_EXPORT(gl_free)
GL_EXPORT(gl_errmsg)
GL_EXPORT(gl_errcode)
GL_EXPORT(gl_memory_bytes)
GL_EXPORT(gl_step)
GL_EXPORT(gl_measure)
GL_EXPORT(gl_status)
GL_EXPORT(gl_steps_done)
GL_EXPORT(gl_diverged_step)
GL_EXPORT(gl_diverged_layer)
GL_EXPORT(gl_diverged_where)
GL_EXPORT(gl_n_layers)
GL_EXPORT(gl_layer_name)
GL_EXPORT(gl_n_classes)
GL_EXPORT(gl_field_name)
GL_EXPORT(gl_record_field)
GL_EXPORT(gl_record_step)
GL_EXPORT(gl_record_dead)
GL_EXPORT(gl_dead_step)
GL_EXPORT(gl_record_loss)
GL_EXPORT(gl_record_acc)
GL_EXPORT(gl_record_test_loss)
GL_EXPORT(gl_record_test_acc)
GL_EXPORT(gl_eval_count)
GL_EXPORT(gl_eval_test_count)
GL_EXPORT(gl_record_res_scale)
GL_EXPORT(gl_act_max_slope)
GL_EXPORT(gl_n_blocks)
GL_EXPORT(gl_n_points)
GL_EXPORT(gl_n_inputs)
GL_EXPORT(gl_data_x)
GL_EXPORT(gl_data_y)
GL_EXPORT(gl_predict_grid)
GL_EXPORT(gl_image_height)
GL_EXPORT(gl_image_width)
GL_EXPORT(gl_n_test_points)
GL_EXPORT(gl_test_x)
GL_EXPORT(gl_test_y)
GL_EXPORT(gl_predict_test)
GL_EXPORT(gl_threads_set)
GL_EXPORT(gl_threads_get)
GL_EXPORT(gl_threads_max)
GL_EXPORT(gl_threads_errmsg)
GL_EXPORT(glw_sweep_new)
GL_EXPORT(gl_sweep_free)
GL_EXPORT(gl_sweep_errcode)
GL_EXPORT(gl_sweep_errmsg)
GL_EXPORT(gl_sweep_run)
GL_EXPORT(gl_sweep_units_done)
GL_EXPORT(gl_sweep_units_total)
GL_EXPORT(gl_sweep_progress)
GL_EXPORT(gl_sweep_json)
GL_EXPORT(glw_sweep_new2)
GL_EXPORT(gl_net_set)
GL_EXPORT(gl_block_field_name)
GL_EXPORT(gl_record_block_field)
GL_EXPORT(gl_record_stem_factor)
GL_EXPORT(gl_record_head_factor)
GL_EXPORT(gl_block_first_layer)
GL_EXPORT(gl_block_last_layer)
};
