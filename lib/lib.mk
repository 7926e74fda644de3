# lib/: freestanding C shared by both engines, built in every flavor (see mk/config.mk).
LIB_SRCS := $(wildcard lib/*.c)
LIB_HOST_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(LIB_SRCS))
LIB_ASAN_OBJS := $(patsubst %.c,$(BUILD)/asan/%.o,$(LIB_SRCS))
LIB_AARCH64_OBJS := $(patsubst %.c,$(BUILD)/aarch64/%.o,$(LIB_SRCS))
ALL_TARGETS += $(LIB_HOST_OBJS) $(LIB_AARCH64_OBJS)
