/*  bench_proc — what the benchmarks read of a process from /proc: its CPU
    time and its threads' context switches (its memory: sb_testutil_rss_kb).
    Each returns 0 when the process cannot be read (gone, or no /proc).   */

#ifndef BENCH_PROC_H_INCLUDED
#define BENCH_PROC_H_INCLUDED

#include <stdint.h>
#include <sys/types.h>

//  CPU seconds pid has used, user and system (/proc/PID/stat).
double bench_proc_cpu (pid_t pid);

//  Context switches, voluntary and not, of pid's live threads
//  (/proc/PID/task/*/status): every wake-up a message costs shows here.
uint64_t bench_proc_switches (pid_t pid);

#endif
