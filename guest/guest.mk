# Programs that run inside guests. Each kind keeps its own fragment.
-include guest/hvtest/hvtest.mk
-include guest/rv/rv.mk
-include guest/init/init.mk
-include guest/rv/hostile/hostile.mk
-include guest/rv/priv/priv.mk
-include guest/rv/sbitest/sbitest.mk
-include guest/rv/gdbsys/gdbsys.mk
-include guest/rv/hostile-sys/hostile-sys.mk
