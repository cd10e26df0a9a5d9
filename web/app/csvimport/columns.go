// Package csvimport reads shipments from a seller's CSV file, checks each
// row and stores the good ones, reporting every bad row by its line
// number and a stable reason code. Importing the same file twice stores
// nothing new: a row whose reference and tracking number are already
// stored is counted as unchanged. The dashboard's upload form and
// `waypost import` both use it, and the dashboard's export writes the same
// columns, so an export can be imported again.
package csvimport

import (
	"strings"
)

// The columns, by their canonical header name.
const (
	ColReference   = "reference"
	ColTracking    = "tracking_number"
	ColCarrier     = "carrier"
	ColName        = "customer_name"
	ColEmail       = "email"
	ColPhone       = "phone"
	ColLanguage    = "language"
	ColDestination = "destination_country"
	ColPostalCode  = "postal_code"
)

// Columns lists the canonical columns in the order exports write them.
var Columns = []string{ColReference, ColTracking, ColCarrier, ColName, ColEmail, ColPhone,
	ColLanguage, ColDestination, ColPostalCode}

// aliases maps the header names shops commonly export to the canonical
// ones (after lower-casing and turning spaces and dashes into
// underscores).
var aliases = map[string]string{
	"order": ColReference, "order_number": ColReference, "order_id": ColReference, "order_no": ColReference,
	"ref": ColReference, "reference": ColReference, "order/reference": ColReference,
	"tracking_number": ColTracking, "tracking": ColTracking, "tracking_no": ColTracking,
	"tracking_code": ColTracking, "number": ColTracking, "awb": ColTracking,
	"carrier": ColCarrier, "courier": ColCarrier, "carrier_slug": ColCarrier,
	"customer_name": ColName, "name": ColName, "customer": ColName, "recipient": ColName,
	"email": ColEmail, "e_mail": ColEmail, "customer_email": ColEmail,
	"phone": ColPhone, "customer_phone": ColPhone, "telephone": ColPhone, "mobile": ColPhone,
	"language": ColLanguage, "lang": ColLanguage, "locale": ColLanguage,
	"destination_country": ColDestination, "destination": ColDestination, "country": ColDestination,
	"ship_to_country": ColDestination,
	"postal_code":     ColPostalCode, "postcode": ColPostalCode, "zip": ColPostalCode, "zip_code": ColPostalCode,
}

// canonical returns the canonical column a header cell names, or "".
func canonical(h string) string {
	h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	h = strings.NewReplacer(" ", "_", "-", "_").Replace(h)
	return aliases[h]
}

// SafeCell protects a value written to a CSV file that a spreadsheet may
// open: a cell starting with =, +, -, @, tab or carriage return would be
// run as a formula, so it gets a leading apostrophe. Phone numbers such
// as "+49 30 1234567" are left alone. Unescape undoes it on import.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '@', '\t', '\r':
		return "'" + s
	case '+', '-':
		if !phoneLike(s) {
			return "'" + s
		}
	}
	return s
}

// Unescape removes the apostrophe SafeCell adds.
func Unescape(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}

func phoneLike(s string) bool {
	for _, r := range s[1:] {
		if !(r >= '0' && r <= '9' || r == ' ' || r == '-' || r == '(' || r == ')' || r == '.') {
			return false
		}
	}
	return len(s) > 1
}
