package store

import (
	"errors"
	"fmt"
	"testing"

	"github.com/waypost/waypost/shipment"
)

func TestCode(t *testing.T) {
	inv := Invalid(&shipment.InvalidError{Field: "slug", Reason: "bad"})
	cases := map[string]error{
		"":           nil,
		"not_found":  fmt.Errorf("store: shipment 3: %w", ErrNotFound),
		"conflict":   fmt.Errorf("wrapped: %w", ErrConflict),
		"lease_lost": ErrLeaseLost,
		"invalid":    inv,
		"internal":   errors.New("disk on fire"),
	}
	for want, err := range cases {
		if got := Code(err); got != want {
			t.Errorf("Code(%v) = %q, want %q", err, got, want)
		}
	}
	if Code(&shipment.InvalidError{Field: "x"}) != "invalid" {
		t.Error("a bare validation error should be invalid")
	}
	var ie *shipment.InvalidError
	if !errors.Is(inv, ErrInvalid) || !errors.As(inv, &ie) || ie.Field != "slug" {
		t.Error("Invalid must match ErrInvalid and keep the field")
	}
}
