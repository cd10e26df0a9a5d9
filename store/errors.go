package store

import (
	"errors"

	"github.com/waypost/waypost/shipment"
)

// Error is a store error with a stable machine-readable code, for API
// responses and logs. Compare with errors.Is against the sentinels below.
type Error struct {
	code string
	msg  string
}

func (e *Error) Error() string { return e.msg }

// Code returns the stable code, e.g. "not_found".
func (e *Error) Code() string { return e.code }

// The store's sentinel errors. Implementations wrap them with context.
var (
	// ErrNotFound: no such row for this tenant (it may exist for another).
	ErrNotFound = &Error{"not_found", "store: not found"}
	// ErrConflict: a unique key (tenant slug, shipment reference, carrier +
	// tracking number) is already taken.
	ErrConflict = &Error{"conflict", "store: already exists"}
	// ErrInvalid: the input was rejected by validation; the wrapped
	// *shipment.InvalidError says which field and why.
	ErrInvalid = &Error{"invalid", "store: invalid input"}
	// ErrLeaseLost: the caller no longer holds the parcel's lease.
	ErrLeaseLost = &Error{"lease_lost", "store: lease not held"}
)

// Code returns the stable code of the first store error in err's chain:
// "not_found", "conflict", "invalid", "lease_lost", or "internal" for
// anything else (and "" for nil). Validation errors from package shipment
// count as "invalid".
func Code(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.code
	}
	if errors.Is(err, shipment.ErrInvalid) {
		return ErrInvalid.code
	}
	return "internal"
}

// Invalid wraps a validation error so that it matches both ErrInvalid and
// the original *shipment.InvalidError.
func Invalid(err error) error { return &invalidError{err} }

type invalidError struct{ err error }

func (e *invalidError) Error() string   { return "store: invalid input: " + e.err.Error() }
func (e *invalidError) Unwrap() []error { return []error{ErrInvalid, e.err} }
