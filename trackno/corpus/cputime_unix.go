//go:build unix

package corpus

import (
	"syscall"
	"time"
)

// CPUTime returns the CPU time (user + system) the process has used, so
// benchmarks can report throughput per CPU-second even on a busy machine,
// where wall-clock figures undercount.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
