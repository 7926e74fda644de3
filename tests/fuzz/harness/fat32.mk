# FAT32 reader and in-place writer: lib/ only. Seeds are whole (tiny) volumes, up to 26 KiB.
LF_OPTIONS_fat32 := -max_len=65536
