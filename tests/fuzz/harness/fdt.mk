# Devicetree reader: lib/ only. The dictionary holds the structure tokens and common property names.
LF_DICT_fdt := tests/fuzz/harness/fdt.dict
LF_OPTIONS_fdt := -max_len=8192
