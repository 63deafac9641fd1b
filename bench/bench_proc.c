/*  bench_proc — what the benchmarks read of a process from /proc (see
    bench_proc.h).                                                        */

#include "bench_proc.h"
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

double
bench_proc_cpu (pid_t pid)
{
    char path [64], text [1024];
    snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
    FILE *file = fopen (path, "r");
    size_t size = file? fread (text, 1, sizeof text - 1, file): 0;
    if (file)
        fclose (file);
    text [size] = 0;
    //  After the command's closing parenthesis (the name may hold spaces):
    //  state (field 3) ... utime (14), stime (15)
    const char *after = strrchr (text, ')');
    unsigned long ticks [2] = { 0, 0 };
    if (!after || sscanf (after + 2, "%*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %lu %lu",
                          &ticks [0], &ticks [1]) != 2)
        return 0;
    return (double) (ticks [0] + ticks [1]) / (double) sysconf (_SC_CLK_TCK);
}

uint64_t
bench_proc_switches (pid_t pid)
{
    char path [64];
    snprintf (path, sizeof path, "/proc/%d/task", (int) pid);
    DIR *tasks = opendir (path);
    uint64_t switches = 0;
    for (struct dirent *task; tasks && (task = readdir (tasks));) {
        if (*task->d_name == '.')
            continue;
        char status [sizeof path + sizeof task->d_name + 8], line [256];
        snprintf (status, sizeof status, "%s/%s/status", path, task->d_name);
        FILE *file = fopen (status, "r");
        unsigned long long count;
        while (file && fgets (line, sizeof line, file))
            if (sscanf (line, "voluntary_ctxt_switches: %llu", &count) == 1
            ||  sscanf (line, "nonvoluntary_ctxt_switches: %llu", &count) == 1)
                switches += count;
        if (file)
            fclose (file);
    }
    if (tasks)
        closedir (tasks);
    return switches;
}
