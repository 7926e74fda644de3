# Integration tests: every tests/integration/*.sh is one script that starts programs (QEMU, karasu-rv)
# under a timeout, checks their console output and prints TAP lines (`ok N - what`, `not ok N - what`);
# on a failure it prints the tail of the console log. Helpers live in tests/integration/lib.sh.
INTEGRATION_TESTS += $(sort $(wildcard tests/integration/test-*.sh))
