# karasu-rv system-mode PLIC, CLINT and ns16550a UART models (pure C, no machine needed).
LF_SRCS_rv_devices := rv/system/dev/plic.c rv/system/dev/clint.c rv/system/dev/uart16550.c
LF_OPTIONS_rv_devices := -max_len=512
