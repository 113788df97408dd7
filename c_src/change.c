/*
 * change.c - changing course mid-run: gl_net_set changes a live network's
 * learning rate, clipping threshold or momentum between steps.
 *
 * The three are the settings the optimiser and the clipping read afresh at
 * every step (step.c's clip_scale: n->s.clip; optim.c: n->s.lr and
 * n->s.momentum), and nothing at create derives anything from them, so
 * writing the net's own settings record is the whole change: the next step
 * runs exactly as the first step after step k of a network created with the
 * new value would, from the same parameters, optimiser state, batch order and
 * running statistics (tests/c/test_engine.c builds that network and compares
 * every bit).  Every other setting shapes the network or its data and cannot
 * change while it lives.
 */
#include <string.h>

#include "gl_internal.h"

static const char *const CHANGEABLE[] = {"lr", "clip", "momentum"};

static int net_set(gl_net *net, const char *name, const char *value) {
  if (!name || !value) {
    gl_seterr(net->errmsg, "set: the setting's name and value must not be NULL");
    return GL_EMISUSE;
  }
  int known = 0;
  for (size_t i = 0; i < sizeof CHANGEABLE / sizeof *CHANGEABLE; i++) known |= !strcmp(name, CHANGEABLE[i]);
  if (!known) {
    gl_seterr(net->errmsg, "%.60s: cannot change during a run; only lr, clip and momentum can",
              name);
    return GL_EINVAL;
  }
  /* the table's checks and message ("lr: 20 is out of range [1e-09, 10]"); a failure changes nothing */
  return gl_settings_set(&net->s, net->errmsg, name, value);
}

int gl_net_set(gl_net *net, const char *name, const char *value) {
  if (!net) return GL_EMISUSE;
  return gl_net_result(net, net_set(net, name, value));
}
