/*
 * A bare-metal virtio-mmio block driver that hands the disk requests pointing outside RAM (-bios none,
 * -m 128M, one -drive; the test prepares the image: sector 0 starts with "KARASU-HSYS-VIRTIO", sector 1
 * holds the code `addi a0, zero, 0x5a5; jalr x0, 0(ra)`, sector 2 is overwritten here with WRITE_BYTE).
 *
 * From the virtio 1.1 specification: the MMIO transport (4.2.2: MagicValue 0x74726976, Version 2,
 * DeviceID 2 = block; 4.2.3 initialization: reset, ACKNOWLEDGE, DRIVER, features with VERSION_1 (bit 32),
 * FEATURES_OK read back, queue 0 set up, DRIVER_OK), split virtqueues (2.6), block requests (5.2.6:
 * header {type, reserved, sector}, data, status byte; IN = 0, OUT = 1; status OK = 0, IOERR = 1,
 * UNSUPP = 2; the used element's len = the bytes written into the chain), device status (2.1: the device
 * sets DEVICE_NEEDS_RESET (64) when it cannot go on and, with DRIVER_OK set, sends a configuration change
 * notification: InterruptStatus bit 1 on MMIO, 4.2.2).
 *
 * Well-formed requests first (read, write, a read past the end: IOERR, an unknown type: UNSUPP), then
 * broken ones, each followed by a reset and a good read (the device must work again): a data buffer past
 * the end of RAM, one that straddles it, a status byte past it, a descriptor chain that loops, a next
 * index out of range, an available index a whole queue ahead, a descriptor table past the end of RAM.
 * Each must leave the device in DEVICE_NEEDS_RESET with the configuration interrupt (and, but for the
 * run-ahead index, complete nothing), and never crash the host. Last, the device's DMA overwrites code
 * the hart has run: after FENCE.I the new code runs.
 *
 * QEMU 7.2 behaves the same (checked there) except for buffers past the end of RAM, which it does not
 * check (cases 7-12, skipped on QEMU): there karasu-rv's device follows its own contract (lib/virtio_blk.h:
 * guest addresses are checked, a bad one needs a reset), which the spec allows (2.1.2).
 */
#include "guest/rv/hostile-sys/hsys.inc"

#define RAM_END 0x88000000 /* RAM_BASE + 128 MiB */

/* virtio-mmio registers (4.2.2) */
#define VIRTIO_SLOT0          0x10001000
#define VIRTIO_SLOT_STRIDE    0x1000
#define VIRTIO_SLOTS          8
#define VIO_MAGIC             0x000
#define VIO_VERSION           0x004
#define VIO_DEVICE_ID         0x008
#define VIO_DEVICE_FEATURES   0x010
#define VIO_DEVICE_FEAT_SEL   0x014
#define VIO_DRIVER_FEATURES   0x020
#define VIO_DRIVER_FEAT_SEL   0x024
#define VIO_QUEUE_SEL         0x030
#define VIO_QUEUE_NUM_MAX     0x034
#define VIO_QUEUE_NUM         0x038
#define VIO_QUEUE_READY       0x044
#define VIO_QUEUE_NOTIFY      0x050
#define VIO_INTERRUPT_STATUS  0x060
#define VIO_INTERRUPT_ACK     0x064
#define VIO_STATUS            0x070
#define VIO_QUEUE_DESC_LOW    0x080
#define VIO_QUEUE_DESC_HIGH   0x084
#define VIO_QUEUE_DRIVER_LOW  0x090
#define VIO_QUEUE_DRIVER_HIGH 0x094
#define VIO_QUEUE_DEVICE_LOW  0x0a0
#define VIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIO_CONFIG_CAPACITY   0x100 /* block config: capacity in 512-byte sectors, u64 */
#define VIRTIO_MAGIC          0x74726976
#define VIRTIO_ID_BLOCK       2
#define ST_ACKNOWLEDGE        1
#define ST_DRIVER             2
#define ST_DRIVER_OK          4
#define ST_FEATURES_OK        8
#define ST_NEEDS_RESET        64
#define INT_USED_BUFFER       1
#define INT_CONFIG_CHANGE     2
#define F_VERSION_1_HIGH      1 /* VIRTIO_F_VERSION_1 = feature bit 32: bit 0 of the high word */

/* split virtqueue (2.6) */
#define QUEUE_SIZE    8
#define DESC_SIZE     16
#define DESC_F_NEXT   1
#define DESC_F_WRITE  2
#define AVAIL_IDX     2
#define AVAIL_RING    4
#define USED_IDX      2
#define USED_RING     4
#define USED_ELEM_LEN 4

/* block requests (5.2.6) */
#define BLK_T_IN      0
#define BLK_T_OUT     1
#define BLK_T_BOGUS   0x7f
#define BLK_S_OK      0
#define BLK_S_IOERR   1
#define BLK_S_UNSUPP  2
#define SECTOR_SIZE   512
#define STATUS_UNSET  0xff

#define HEADER_WORD0  0x482d55534152414b /* "KARASU-H", the disk's first 8 bytes, little-endian */
#define WRITE_BYTE    0xa7
#define CODE_RESULT   0x5a5
#define CLINT_MTIME   0x200bff8
#define KICK_TICKS    20000000 /* 2 s at 10 MHz: how long a request may take */
#define PAGE_SIZE     4096

/* results of vq_kick */
#define KICK_DONE        0
#define KICK_NEEDS_RESET 1
#define KICK_NOTHING     2

	HSYS_ENTRY
	TRAP_HANDLER

/* reg = the 32-bit register at offset `off` of the device (s1) */
.macro RD reg, off
	lw \reg, \off(s1)
.endm
.macro WR off, reg
	sw \reg, \off(s1)
.endm
.macro WRI off, value
	li t6, \value
	sw t6, \off(s1)
.endm

	.text
	.option norvc
test_main:
	/* 1: find the block device: the slot with DeviceID 2, from the last one down (the first -drive is
	 * in the last slot) */
	SET_CASE 1
	li s1, VIRTIO_SLOT0 + (VIRTIO_SLOTS - 1) * VIRTIO_SLOT_STRIDE
	li t1, VIRTIO_SLOT0
1:	RD t0, VIO_DEVICE_ID
	li t2, VIRTIO_ID_BLOCK
	beq t0, t2, 2f
	li t2, VIRTIO_SLOT_STRIDE
	sub s1, s1, t2
	bgeu s1, t1, 1b
	mv a1, zero
	li a2, VIRTIO_ID_BLOCK
	j hsys_fail_check
2:	RD t0, VIO_MAGIC
	CHECK_EQ t0, VIRTIO_MAGIC
	RD t0, VIO_VERSION
	CHECK_EQ t0, 2

	/* 2: initialization (vq_init checks each step) */
	SET_CASE 2
	lla a0, desc_table
	call vq_init

	/* 3: read sector 0: OK, one used element {head 0, len 513}, the used-buffer interrupt, the data */
	SET_CASE 3
	call read_sector0_checked

	/* 4: write sector 2 with WRITE_BYTE, then read it back */
	SET_CASE 4
	lla a0, data_buf
	li a1, WRITE_BYTE
	li a2, SECTOR_SIZE
	call fill
	li a0, BLK_T_OUT
	li a1, 2
	lla a2, data_buf
	li a3, SECTOR_SIZE
	li a4, 0
	call make_request
	li a0, 0
	call vq_kick
	CHECK_EQ a0, KICK_DONE
	lla t0, status_byte
	lbu t0, 0(t0)
	CHECK_EQ t0, BLK_S_OK
	call last_used_len
	CHECK_EQ a0, 1 /* only the status byte was written */
	lla a0, data_buf
	li a1, 0
	li a2, SECTOR_SIZE
	call fill
	li a0, BLK_T_IN
	li a1, 2
	lla a2, data_buf
	li a3, SECTOR_SIZE
	li a4, DESC_F_WRITE
	call make_request
	li a0, 0
	call vq_kick
	CHECK_EQ a0, KICK_DONE
	lla t0, data_buf
	lbu t1, 0(t0)
	CHECK_EQ t1, WRITE_BYTE
	lbu t1, SECTOR_SIZE - 1(t0)
	CHECK_EQ t1, WRITE_BYTE

	/* 5: a read of the sector just past the end of the disk: IOERR, the device goes on */
	SET_CASE 5
	/* a 64-bit configuration field is read as two 32-bit halves (4.2.2.2) */
	lwu a1, VIO_CONFIG_CAPACITY(s1)
	lwu t0, VIO_CONFIG_CAPACITY + 4(s1)
	slli t0, t0, 32
	or a1, a1, t0
	li a0, BLK_T_IN
	lla a2, data_buf
	li a3, SECTOR_SIZE
	li a4, DESC_F_WRITE
	call make_request
	li a0, 0
	call vq_kick
	CHECK_EQ a0, KICK_DONE
	lla t0, status_byte
	lbu t0, 0(t0)
	CHECK_EQ t0, BLK_S_IOERR

	/* 6: an unknown request type: UNSUPP */
	SET_CASE 6
	li a0, BLK_T_BOGUS
	li a1, 0
	lla a2, data_buf
	li a3, SECTOR_SIZE
	li a4, DESC_F_WRITE
	call make_request
	li a0, 0
	call vq_kick
	CHECK_EQ a0, KICK_DONE
	lla t0, status_byte
	lbu t0, 0(t0)
	CHECK_EQ t0, BLK_S_UNSUPP

	/* 7-12: buffers past the end of RAM. Skipped on QEMU 7.2, which does not check DMA addresses: it
	 * bounces the transfer and drops what has no memory, completing the request. */
	SKIP_ON_QEMU 9f
	/* 7: the data buffer past the end of RAM */
	SET_CASE 7
	li a0, BLK_T_IN
	li a1, 0
	li a2, RAM_END
	li a3, SECTOR_SIZE
	li a4, DESC_F_WRITE
	call make_request
	call expect_needs_reset
	SET_CASE 8
	call recover

	/* 9: a data buffer that starts in RAM and ends past it */
	SET_CASE 9
	li a0, BLK_T_IN
	li a1, 0
	li a2, RAM_END - SECTOR_SIZE / 2
	li a3, SECTOR_SIZE
	li a4, DESC_F_WRITE
	call make_request
	call expect_needs_reset
	SET_CASE 10
	call recover

	/* 11: the status byte past the end of RAM */
	SET_CASE 11
	li a0, BLK_T_IN
	li a1, 0
	lla a2, data_buf
	li a3, SECTOR_SIZE
	li a4, DESC_F_WRITE
	call make_request
	li a0, 2
	li a1, RAM_END
	li a2, 1
	li a3, DESC_F_WRITE
	li a4, 0
	call set_desc
	call expect_needs_reset
	SET_CASE 12
	call recover
9:
	/* 13: a descriptor chain that loops (0 -> 1 -> 0 ...) */
	SET_CASE 13
	li a0, BLK_T_IN
	li a1, 0
	lla a2, data_buf
	li a3, SECTOR_SIZE
	li a4, DESC_F_WRITE
	call make_request
	li a0, 1
	lla a1, data_buf
	li a2, SECTOR_SIZE
	li a3, DESC_F_WRITE | DESC_F_NEXT
	li a4, 0
	call set_desc
	call expect_needs_reset
	SET_CASE 14
	call recover

	/* 15: a next index beyond the queue */
	SET_CASE 15
	li a0, BLK_T_IN
	li a1, 0
	lla a2, data_buf
	li a3, SECTOR_SIZE
	li a4, DESC_F_WRITE
	call make_request
	li a0, 1
	lla a1, data_buf
	li a2, SECTOR_SIZE
	li a3, DESC_F_WRITE | DESC_F_NEXT
	li a4, 200
	call set_desc
	call expect_needs_reset
	SET_CASE 16
	call recover

	/* 17: the available index moved a whole queue and more ahead of what the device has seen (the ring
	 * entries are stale: whether a device serves some of them before it gives up is its choice) */
	SET_CASE 17
	li a0, BLK_T_IN
	li a1, 0
	lla a2, data_buf
	li a3, SECTOR_SIZE
	li a4, DESC_F_WRITE
	call make_request
	lla t0, avail_ring
	lhu t1, AVAIL_IDX(t0)
	addi t1, t1, QUEUE_SIZE + 1
	sh t1, AVAIL_IDX(t0)
	fence
	WRI VIO_QUEUE_NOTIFY, 0
	call wait_used
	CHECK_EQ a0, KICK_NEEDS_RESET
	call check_needs_reset_state
	SET_CASE 18
	call recover

	/* 19: the descriptor table itself past the end of RAM (QEMU reads it as zeros there and gives up
	 * on the zero-sized buffers; karasu-rv on the failed read: both need a reset) */
	SET_CASE 19
	li a0, RAM_END
	call vq_init
	lla t0, avail_ring
	sh zero, AVAIL_RING(t0)
	li t1, 1
	sh t1, AVAIL_IDX(t0)
	fence
	WRI VIO_QUEUE_NOTIFY, 0
	call wait_used
	CHECK_EQ a0, KICK_NEEDS_RESET
	call check_needs_reset_state
	SET_CASE 20
	call recover

	/* 21: the device writes over code this hart has already run (sector 1 holds new code): after
	 * FENCE.I the hart runs the new code (the ISA leaves open when a device's writes reach instruction
	 * fetches; QEMU runs the new code here, and karasu-rv documents that DMA drops stale translations) */
	SET_CASE 21
	lla t0, dma_code
	jalr ra, 0(t0)
	CHECK_EQ a0, 1
	li a0, BLK_T_IN
	li a1, 1
	lla a2, dma_code
	li a3, SECTOR_SIZE
	li a4, DESC_F_WRITE
	call make_request
	li a0, 0
	call vq_kick
	CHECK_EQ a0, KICK_DONE
	fence.i
	lla t0, dma_code
	jalr ra, 0(t0)
	CHECK_EQ a0, CODE_RESULT
	j hsys_pass

/* ---- the driver (each routine clobbers t0-t6 and a0-a5; failures end the guest) ---- */

/* Resets the device and sets it up with queue 0's descriptor table at a0 (the rings are ours). */
vq_init:
	mv a5, a0
	WRI VIO_STATUS, 0
	RD t0, VIO_STATUS
	CHECK_EQ t0, 0
	WRI VIO_STATUS, ST_ACKNOWLEDGE
	WRI VIO_STATUS, ST_ACKNOWLEDGE | ST_DRIVER
	WRI VIO_DEVICE_FEAT_SEL, 1
	RD t0, VIO_DEVICE_FEATURES
	andi t0, t0, F_VERSION_1_HIGH
	CHECK_EQ t0, F_VERSION_1_HIGH
	WRI VIO_DRIVER_FEAT_SEL, 1
	WRI VIO_DRIVER_FEATURES, F_VERSION_1_HIGH
	WRI VIO_DRIVER_FEAT_SEL, 0
	WRI VIO_DRIVER_FEATURES, 0
	WRI VIO_STATUS, ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK
	RD t0, VIO_STATUS
	andi t0, t0, ST_FEATURES_OK
	CHECK_EQ t0, ST_FEATURES_OK
	WRI VIO_QUEUE_SEL, 0
	RD t0, VIO_QUEUE_NUM_MAX
	sltiu t0, t0, QUEUE_SIZE
	CHECK_EQ t0, 0
	WRI VIO_QUEUE_NUM, QUEUE_SIZE
	/* the rings start empty */
	lla t0, avail_ring
	sd zero, 0(t0)
	lla t0, used_ring
	sd zero, 0(t0)
	lla t0, last_used
	sd zero, 0(t0)
	WR VIO_QUEUE_DESC_LOW, a5
	srli t0, a5, 32
	WR VIO_QUEUE_DESC_HIGH, t0
	lla t1, avail_ring
	WR VIO_QUEUE_DRIVER_LOW, t1
	srli t0, t1, 32
	WR VIO_QUEUE_DRIVER_HIGH, t0
	lla t1, used_ring
	WR VIO_QUEUE_DEVICE_LOW, t1
	srli t0, t1, 32
	WR VIO_QUEUE_DEVICE_HIGH, t0
	WRI VIO_QUEUE_READY, 1
	WRI VIO_STATUS, ST_ACKNOWLEDGE | ST_DRIVER | ST_FEATURES_OK | ST_DRIVER_OK
	ret

/* Descriptor a0 = {addr a1, len a2, flags a3, next a4}. */
set_desc:
	lla t0, desc_table
	slli t1, a0, 4
	add t0, t0, t1
	sd a1, 0(t0)
	sw a2, 8(t0)
	sh a3, 12(t0)
	sh a4, 14(t0)
	ret

/* A request in descriptors 0 -> 1 -> 2: header {type a0, sector a1}, data {a2, len a3, flags a4},
 * status byte (set to STATUS_UNSET first). */
make_request:
	mv s8, ra
	lla t0, req_header
	sw a0, 0(t0)
	sw zero, 4(t0)
	sd a1, 8(t0)
	lla t0, status_byte
	li t1, STATUS_UNSET
	sb t1, 0(t0)
	mv t3, a2
	mv t4, a3
	mv t5, a4
	li a0, 0
	lla a1, req_header
	li a2, 16
	li a3, DESC_F_NEXT
	li a4, 1
	call set_desc
	li a0, 1
	mv a1, t3
	mv a2, t4
	ori a3, t5, DESC_F_NEXT
	li a4, 2
	call set_desc
	li a0, 2
	lla a1, status_byte
	li a2, 1
	li a3, DESC_F_WRITE
	li a4, 0
	call set_desc
	mv ra, s8
	ret

/* Offers the chain at head a0 and notifies; returns a0 = KICK_DONE / KICK_NEEDS_RESET / KICK_NOTHING. */
vq_kick:
	lla t0, avail_ring
	lhu t1, AVAIL_IDX(t0)
	andi t2, t1, QUEUE_SIZE - 1
	slli t2, t2, 1
	add t2, t2, t0
	sh a0, AVAIL_RING(t2)
	fence
	addi t1, t1, 1
	sh t1, AVAIL_IDX(t0)
	fence
	WRI VIO_QUEUE_NOTIFY, 0
	/* fall through */
/* Waits until the used index moves (KICK_DONE: last_used advanced), the device needs a reset, or
 * KICK_TICKS pass. */
wait_used:
	li t0, CLINT_MTIME
	ld t3, 0(t0)
	li t1, KICK_TICKS
	add t3, t3, t1
	lla t4, last_used
	ld t4, 0(t4)
1:	fence
	lla t0, used_ring
	lhu t1, USED_IDX(t0)
	bne t1, t4, 2f
	RD t1, VIO_STATUS
	andi t1, t1, ST_NEEDS_RESET
	bnez t1, 3f
	li t0, CLINT_MTIME
	ld t0, 0(t0)
	bltu t0, t3, 1b
	li a0, KICK_NOTHING
	ret
2:	lla t2, last_used
	sd t1, 0(t2)
	li a0, KICK_DONE
	ret
3:	li a0, KICK_NEEDS_RESET
	ret

/* a0 = the len of the newest used element */
last_used_len:
	lla t0, last_used
	ld t1, 0(t0)
	addi t1, t1, -1
	andi t1, t1, QUEUE_SIZE - 1
	slli t1, t1, 3
	lla t0, used_ring
	add t0, t0, t1
	lwu a0, USED_RING + USED_ELEM_LEN(t0)
	ret

/* fill(a0 = buffer, a1 = byte, a2 = length) */
fill:
	add a2, a2, a0
1:	sb a1, 0(a0)
	addi a0, a0, 1
	bltu a0, a2, 1b
	ret

/* The request in descriptors 0..2 is broken: after the kick the device needs a reset (and says so),
 * nothing completed, the status byte was not written. */
expect_needs_reset:
	mv s8, ra
	li a0, 0
	call vq_kick
	CHECK_EQ a0, KICK_NEEDS_RESET
	call check_needs_reset_state
	mv ra, s8
	lla t0, used_ring
	lhu t0, USED_IDX(t0)
	lla t1, last_used
	ld t1, 0(t1)
	CHECK_EQ_REG t0, t1
	lla t0, status_byte
	lbu t0, 0(t0)
	CHECK_EQ t0, STATUS_UNSET
	ret

/* DEVICE_NEEDS_RESET is set and the configuration-change interrupt is pending. */
check_needs_reset_state:
	RD t0, VIO_STATUS
	andi t0, t0, ST_NEEDS_RESET
	CHECK_EQ t0, ST_NEEDS_RESET
	RD t0, VIO_INTERRUPT_STATUS
	andi t0, t0, INT_CONFIG_CHANGE
	CHECK_EQ t0, INT_CONFIG_CHANGE
	ret

/* After a broken request: a reset, the set-up again, and a good read of sector 0. */
recover:
	mv s7, ra
	lla a0, desc_table
	call vq_init
	RD t0, VIO_STATUS
	andi t0, t0, ST_NEEDS_RESET
	CHECK_EQ t0, 0
	call read_sector0_checked
	mv ra, s7
	ret

/* Reads sector 0 into data_buf and checks the completion, the interrupt and the disk's header. */
read_sector0_checked:
	mv s6, ra
	lla a0, data_buf
	li a1, 0
	li a2, SECTOR_SIZE
	call fill
	li a0, BLK_T_IN
	li a1, 0
	lla a2, data_buf
	li a3, SECTOR_SIZE
	li a4, DESC_F_WRITE
	call make_request
	li a0, 0
	call vq_kick
	CHECK_EQ a0, KICK_DONE
	lla t0, status_byte
	lbu t0, 0(t0)
	CHECK_EQ t0, BLK_S_OK
	call last_used_len
	CHECK_EQ a0, SECTOR_SIZE + 1
	lla t0, last_used
	ld t1, 0(t0)
	addi t1, t1, -1
	andi t1, t1, QUEUE_SIZE - 1
	slli t1, t1, 3
	lla t0, used_ring
	add t0, t0, t1
	lwu t0, USED_RING(t0)
	CHECK_EQ t0, 0 /* the head of the chain */
	RD t0, VIO_INTERRUPT_STATUS
	andi t0, t0, INT_USED_BUFFER
	CHECK_EQ t0, INT_USED_BUFFER
	WRI VIO_INTERRUPT_ACK, INT_USED_BUFFER
	RD t0, VIO_INTERRUPT_STATUS
	andi t0, t0, INT_USED_BUFFER
	CHECK_EQ t0, 0
	lla t0, data_buf
	ld t1, 0(t0)
	li t2, HEADER_WORD0
	CHECK_EQ_REG t1, t2
	mv ra, s6
	ret

/* Code that the device overwrites in case 21: `addi a0, zero, 1; ret`, a page of its own. */
	.section .text.dma, "ax"
	.balign PAGE_SIZE
dma_code:
	li a0, 1
	ret
	.balign PAGE_SIZE

	.bss
	.balign PAGE_SIZE
desc_table:
	.space DESC_SIZE * QUEUE_SIZE
	.balign 64
avail_ring:
	.space AVAIL_RING + 2 * QUEUE_SIZE + 2
	.balign 64
used_ring:
	.space USED_RING + 8 * QUEUE_SIZE + 2
	.balign 64
req_header:
	.space 16
status_byte:
	.space 8
last_used:
	.space 8
	.balign 64
data_buf:
	.space SECTOR_SIZE
