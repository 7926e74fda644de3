/* Zba, Zbb, Zbs and Zicond instructions translated inline (translate_bitmanip.c). */
#ifndef KARASU_RV_JIT_TRANSLATE_BITMANIP_H
#define KARASU_RV_JIT_TRANSLATE_BITMANIP_H

#include <stdbool.h>

#include "rv/jit/tctx.h"

/* Emits x86-64 for in if it is a Zba/Zbb/Zbs/Zicond op (true), else false (nothing emitted). */
bool jit_translate_bitmanip(struct jit_tctx *t, const struct rv_insn *in);

#endif
