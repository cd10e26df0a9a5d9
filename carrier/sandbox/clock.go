package sandbox

import (
	"sync"
	"time"
)

// Clock is the simulated time shared by the servers of a sandbox: a carrier
// reveals an event only once the clock has passed it. It runs at Speed
// simulated seconds per real second (3600: one real second is one simulated
// hour; 0: frozen) and can also be moved by hand. Safe for concurrent use.
type Clock struct {
	mu       sync.Mutex
	base     time.Time // simulated time at realBase
	realBase time.Time // monotonic reading
	speed    float64
}

// NewClock returns a clock showing start now and running at speed.
func NewClock(start time.Time, speed float64) *Clock {
	return &Clock{base: start.UTC(), realBase: time.Now(), speed: max(speed, 0)}
}

// Now returns the simulated time, in UTC.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nowLocked()
}

func (c *Clock) nowLocked() time.Time {
	if c.speed == 0 {
		return c.base
	}
	real := time.Since(c.realBase)
	return c.base.Add(time.Duration(float64(real) * c.speed))
}

// rebase pins the current simulated time so a change applies from now on.
func (c *Clock) rebase() {
	c.base, c.realBase = c.nowLocked(), time.Now()
}

// Advance moves the simulated time forward (or back, for negative d).
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rebase()
	c.base = c.base.Add(d)
}

// Set jumps to t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.base, c.realBase = t.UTC(), time.Now()
}

// SetSpeed changes the rate of simulated time from now on.
func (c *Clock) SetSpeed(speed float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rebase()
	c.speed = max(speed, 0)
}

// Speed returns simulated seconds per real second.
func (c *Clock) Speed() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.speed
}
