package carrier

import (
	"sync"
	"time"
)

// quota counts requests against a daily limit per UTC day, in this process.
// Several processes sharing one carrier account should each get a share of
// the carrier's quota in their configuration.
type quota struct {
	mu    sync.Mutex
	limit int
	day   time.Time // start of the UTC day being counted
	used  int
}

func utcDay(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// roll starts a new count when the UTC day changed.
func (q *quota) roll(now time.Time) {
	if d := utcDay(now); !d.Equal(q.day) {
		q.day, q.used = d, 0
	}
}

// take uses one request if any is left. It returns the requests left after
// this one and the time the quota resets.
func (q *quota) take(now time.Time) (left int, resetAt time.Time, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.roll(now)
	resetAt = q.day.Add(24 * time.Hour)
	if q.used >= q.limit {
		return 0, resetAt, false
	}
	q.used++
	return q.limit - q.used, resetAt, true
}

func (q *quota) remaining(now time.Time) (int, time.Time) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.roll(now)
	return q.limit - q.used, q.day.Add(24 * time.Hour)
}
