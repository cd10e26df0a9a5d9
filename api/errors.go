package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/waypost/waypost/shipment"
	"github.com/waypost/waypost/store"
)

// Stable error codes. A program acts on these, never on messages.
const (
	CodeBadRequest           = "bad_request"
	CodeUnauthorized         = "unauthorized"
	CodeForbidden            = "forbidden"
	CodeNotFound             = "not_found"
	CodeTrackingNotFound     = "tracking_not_found"
	CodeMethodNotAllowed     = "method_not_allowed"
	CodeConflict             = "conflict"
	CodeTrackingExists       = "tracking_exists"
	CodeReferenceTaken       = "reference_taken"
	CodeBodyTooLarge         = "body_too_large"
	CodeValidation           = "validation_failed"
	CodeCarrierAmbiguous     = "carrier_ambiguous"
	CodeCarrierUnknown       = "carrier_unknown"
	CodeNumberInvalid        = "tracking_number_invalid"
	CodeEmailInvalid         = "email_invalid"
	CodePhoneInvalid         = "phone_invalid"
	CodeIdempotencyReused    = "idempotency_key_reused"
	CodeIdempotencyInFlight  = "idempotency_key_in_progress"
	CodeRateLimited          = "rate_limited"
	CodeTrackingCompleted    = "tracking_completed"
	CodeInternal             = "internal_error"
	CodeUnsupportedMediaType = "unsupported_media_type"
)

// Error is every error the API answers with.
type Error struct {
	status int
	Body   ErrorBody `json:"error"`
}

// ErrorBody is the content of an error answer.
type ErrorBody struct {
	Code    string   `json:"code" doc:"Stable machine-readable code, e.g. tracking_not_found" example:"tracking_not_found"`
	Message string   `json:"message" doc:"Human-readable explanation"`
	Details []Detail `json:"details,omitempty" doc:"Per-field problems, for validation errors"`
	// Candidates lists the possible carriers when the carrier is ambiguous.
	Candidates []Candidate `json:"candidates,omitempty" doc:"Possible carriers (code carrier_ambiguous)"`
}

// Detail is one problem with one part of the request.
type Detail struct {
	Location string `json:"location,omitempty" doc:"Where, e.g. body.customer.email or query.limit"`
	Message  string `json:"message"`
	Value    any    `json:"value,omitempty" doc:"The offending value"`
}

// NewError returns an API error with a stable code.
func NewError(status int, code, msg string, details ...Detail) *Error {
	return &Error{status: status, Body: ErrorBody{Code: code, Message: msg, Details: details}}
}

func (e *Error) Error() string { return e.Body.Code + ": " + e.Body.Message }

// GetStatus implements huma.StatusError.
func (e *Error) GetStatus() int { return e.status }

// codeForStatus names the errors huma raises itself (validation, body
// limits, unparsable input) by their status.
var codeForStatus = map[int]string{
	http.StatusBadRequest:            CodeBadRequest,
	http.StatusUnauthorized:          CodeUnauthorized,
	http.StatusForbidden:             CodeForbidden,
	http.StatusNotFound:              CodeNotFound,
	http.StatusMethodNotAllowed:      CodeMethodNotAllowed,
	http.StatusConflict:              CodeConflict,
	http.StatusRequestEntityTooLarge: CodeBodyTooLarge,
	http.StatusUnsupportedMediaType:  CodeUnsupportedMediaType,
	http.StatusUnprocessableEntity:   CodeValidation,
	http.StatusTooManyRequests:       CodeRateLimited,
}

func init() {
	// huma builds every error it raises (and documents) through NewError;
	// replacing it gives validation and parsing errors the API's shape.
	huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
		code, ok := codeForStatus[status]
		if !ok {
			code = CodeInternal
			if status < 500 && status != 0 {
				code = CodeBadRequest
			}
		}
		e := NewError(status, code, msg)
		for _, err := range errs {
			if err == nil {
				continue
			}
			var d huma.ErrorDetailer
			if errors.As(err, &d) {
				hd := d.ErrorDetail()
				e.Body.Details = append(e.Body.Details, Detail{Location: hd.Location, Message: hd.Message, Value: hd.Value})
				continue
			}
			if status >= 500 {
				continue // internal causes are logged, not shown
			}
			e.Body.Details = append(e.Body.Details, Detail{Message: err.Error()})
		}
		return e
	}
}

// StoreError turns a store error into the API error of the same meaning;
// what names the object (e.g. "tracking") goes into the not-found code.
func StoreError(err error, what string) error {
	var inv *shipment.InvalidError
	switch {
	case errors.As(err, &inv):
		return NewError(http.StatusUnprocessableEntity, CodeValidation, inv.Error(),
			Detail{Location: "body." + inv.Field, Message: inv.Reason})
	case errors.Is(err, store.ErrNotFound):
		return NewError(http.StatusNotFound, what+"_not_found", fmt.Sprintf("no such %s", what))
	case errors.Is(err, store.ErrConflict):
		return NewError(http.StatusConflict, CodeConflict, fmt.Sprintf("%s already exists", what))
	}
	return fmt.Errorf("%s: %w", what, err) // huma answers 500 internal_error
}
