package app

import (
	"context"
	"sync"
	"time"
)

// reportTTL is how long an analytics report is reused. The figures are
// daily aggregates, and computing them costs seconds on a large SQLite
// store, so a page reload within a minute reads the cached one.
const reportTTL = time.Minute

// maxCachedReports bounds the cache; past it, the cache starts afresh.
const maxCachedReports = 256

type reportKey struct {
	tenant   int64
	from, to time.Time
}

type cachedReport struct {
	rep Report
	at  time.Time
}

// reportCache reuses reports per tenant and period for reportTTL.
type reportCache struct {
	mu  sync.Mutex
	m   map[reportKey]cachedReport
	now func() time.Time
}

func (c *reportCache) get(ctx context.Context, src Analytics, tenantID int64, from, to time.Time) (Report, error) {
	k := reportKey{tenantID, from.UTC(), to.UTC()}
	now := c.now()
	c.mu.Lock()
	e, ok := c.m[k]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < reportTTL {
		return e.rep, nil
	}
	rep, err := src.Report(ctx, tenantID, from, to)
	if err != nil {
		return rep, err
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedReports {
		c.m = map[reportKey]cachedReport{}
	}
	c.m[k] = cachedReport{rep, now}
	c.mu.Unlock()
	return rep, nil
}
