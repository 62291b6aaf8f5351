// The system calls behind keepalived's process-scheduling globals for its VRRP process
// (keepalived.conf(5): vrrp_rt_priority, vrrp_rlimit_rttime, vrrp_priority, vrrp_no_swap,
// vrrp_cpu_affinity). Agent/Runtime/ProcessScheduler.swift decides when; these only do.
#define _GNU_SOURCE
#include "CLinux.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>

#ifndef SCHED_RESET_ON_FORK
#define SCHED_RESET_ON_FORK 0x40000000
#endif
#ifndef MCL_ONFAULT
#define MCL_ONFAULT 4
#endif

int vk_sched_set(int priority) {
    struct sched_param parameter = { .sched_priority = priority };
    int policy = priority > 0 ? (SCHED_RR | SCHED_RESET_ON_FORK) : SCHED_OTHER;
    return sched_setscheduler(0, policy, &parameter) == 0 ? 0 : errno;
}

int vk_sched_get(int *priority) {
    struct sched_param parameter;
    int policy = sched_getscheduler(0);
    if (policy < 0 || sched_getparam(0, &parameter) != 0) return -1;
    *priority = parameter.sched_priority;
    return policy & ~SCHED_RESET_ON_FORK;
}

int vk_rttime_limit(unsigned long soft, unsigned long hard) {
    struct rlimit limit = { .rlim_cur = soft, .rlim_max = hard };
    return setrlimit(RLIMIT_RTTIME, &limit) == 0 ? 0 : errno;
}

int vk_set_nice(int nice) {
    return setpriority(PRIO_PROCESS, 0, nice) == 0 ? 0 : errno;
}

int vk_get_nice(void) {
    errno = 0;
    return getpriority(PRIO_PROCESS, 0);
}

// Not inlined, so the buffer is a real stack frame below the caller's.
__attribute__((noinline)) static void touch_stack(size_t reserve) {
    if (reserve == 0) return;
    volatile char stack[reserve];
    for (size_t i = 0; i < reserve; i += 4096) stack[i] = 0;
    stack[reserve - 1] = 0;
}

int vk_lock_memory(size_t stack_reserve) {
    if (mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) != 0) {
        if (errno != EINVAL || mlockall(MCL_CURRENT | MCL_FUTURE) != 0) return errno;
    }
    touch_stack(stack_reserve);
    return 0;
}

int vk_unlock_memory(void) {
    return munlockall() == 0 ? 0 : errno;
}

int vk_set_affinity(const int *cpus, int count) {
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int i = 0; i < count; i++) {
        if (cpus[i] < 0 || cpus[i] >= CPU_SETSIZE) return EINVAL;
        CPU_SET(cpus[i], &set);
    }
    return sched_setaffinity(0, sizeof set, &set) == 0 ? 0 : errno;
}
