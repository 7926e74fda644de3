# karasu.cfg parser: lib/ only. The dictionary holds the format's keywords.
LF_DICT_cfg := tests/fuzz/harness/cfg.dict
