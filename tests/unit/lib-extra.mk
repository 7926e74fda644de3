# Extra sources for unit tests of the lib/ owner's areas, and keeping generated test data.
#   test_config exercises hv/core/config.c (freestanding; links with lib/).
UNIT_SRCS_test_config := hv/core/config.c
