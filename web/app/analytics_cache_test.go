package app

import (
	"context"
	"testing"
	"time"
)

type countingAnalytics struct{ calls int }

func (c *countingAnalytics) Report(_ context.Context, tenantID int64, _, _ time.Time) (Report, error) {
	c.calls++
	return Report{WISMOShare: float64(tenantID)}, nil
}

func TestReportCache(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := reportCache{now: func() time.Time { return now }}
	src := &countingAnalytics{}
	from, to := now.AddDate(0, 0, -30), now
	for range 3 {
		if rep, _ := c.get(t.Context(), src, 1, from, to); rep.WISMOShare != 1 {
			t.Fatalf("tenant 1 got tenant %v's report", rep.WISMOShare)
		}
	}
	if src.calls != 1 {
		t.Errorf("%d computations for three reads within a minute, want 1", src.calls)
	}
	if rep, _ := c.get(t.Context(), src, 2, from, to); rep.WISMOShare != 2 || src.calls != 2 {
		t.Errorf("another tenant shares the cached report (calls %d)", src.calls)
	}
	now = now.Add(reportTTL)
	if c.get(t.Context(), src, 1, from, to); src.calls != 3 {
		t.Errorf("a report older than %v was reused", reportTTL)
	}
}
