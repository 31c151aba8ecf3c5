package fakeaws

import (
	"container/heap"
	"sync"
	"time"
)

// Clock tells the fake what time it is. The fake reads it on every API call
// and brings its simulated world up to that time.
type Clock interface {
	Now() time.Time
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// ManualClock is a Clock that only moves when told to, for tests that want
// to step through a deployment deterministically. It is safe for concurrent
// use.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a ManualClock that reads start until advanced.
func NewManualClock(start time.Time) *ManualClock {
	return &ManualClock{now: start}
}

// Now returns the clock's current time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Sleep advances the clock by d instead of blocking, so code that sleeps
// between polls through an injected clock runs instantly in tests.
func (c *ManualClock) Sleep(d time.Duration) { c.Advance(d) }

// timer is one scheduled state change of the simulated world.
type timer struct {
	at  time.Time
	seq int // breaks ties so that events scheduled for the same instant run in the order they were scheduled
	fn  func(at time.Time)
}

// agenda is a min-heap of timers ordered by (at, seq).
type agenda []*timer

func (a agenda) Len() int { return len(a) }
func (a agenda) Less(i, j int) bool {
	if !a[i].at.Equal(a[j].at) {
		return a[i].at.Before(a[j].at)
	}
	return a[i].seq < a[j].seq
}
func (a agenda) Swap(i, j int) { a[i], a[j] = a[j], a[i] }
func (a *agenda) Push(x any)   { *a = append(*a, x.(*timer)) }
func (a *agenda) Pop() any {
	old := *a
	t := old[len(old)-1]
	*a = old[:len(old)-1]
	return t
}

// scheduler runs timers lazily: nothing happens until advance is called, and
// then every timer due by that time runs at its own simulated instant, so the
// result does not depend on how often the world is looked at.
type scheduler struct {
	timers agenda
	seq    int
}

// at schedules fn to run at simulated time t.
func (s *scheduler) at(t time.Time, fn func(at time.Time)) {
	s.seq++
	heap.Push(&s.timers, &timer{at: t, seq: s.seq, fn: fn})
}

// advance runs, in time order, every timer due at or before now, including
// the ones that running timers schedule.
func (s *scheduler) advance(now time.Time) {
	for len(s.timers) > 0 && !s.timers[0].at.After(now) {
		t := heap.Pop(&s.timers).(*timer)
		t.fn(t.at)
	}
}
