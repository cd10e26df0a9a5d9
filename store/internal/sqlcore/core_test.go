package sqlcore

import (
	"testing"
	"time"
)

func TestPlaceholders(t *testing.T) {
	if got := placeholders(3, 4); got != "$3, $4, $5, $6" {
		t.Errorf("placeholders(3, 4) = %q", got)
	}
	if got := placeholders(9, 3); got != "$9, $10, $11" {
		t.Errorf("placeholders(9, 3) = %q", got)
	}
}

func TestCursorRoundTrip(t *testing.T) {
	at := time.Date(2026, 3, 1, 12, 0, 0, 123456000, time.UTC)
	c := encodeCursor(at, 42)
	gotAt, gotID, err := decodeCursor(c)
	if err != nil || !gotAt.Equal(at) || gotID != 42 {
		t.Fatalf("decode(%q) = %v %d %v", c, gotAt, gotID, err)
	}
	for _, bad := range []string{"", "!!", "bm9wZQ", "MTIz"} {
		if _, _, err := decodeCursor(bad); err == nil {
			t.Errorf("cursor %q accepted", bad)
		}
	}
}

func TestTimeColScan(t *testing.T) {
	var got time.Time
	want := time.Date(2026, 3, 1, 12, 0, 0, 5000, time.UTC)
	for _, src := range []any{want.UnixMicro(), want.In(time.FixedZone("X", 7200))} {
		if err := tc(&got).Scan(src); err != nil || !got.Equal(want) || got.Location() != time.UTC {
			t.Errorf("Scan(%v) = %v, %v", src, got, err)
		}
	}
	if err := tc(&got).Scan(nil); err != nil || !got.IsZero() {
		t.Errorf("Scan(nil) = %v, %v", got, err)
	}
	if err := tc(&got).Scan("2026-03-01"); err == nil {
		t.Error("a string was accepted as a time")
	}
}
