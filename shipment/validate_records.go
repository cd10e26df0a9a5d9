package shipment

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// Limits for seller-supplied fields.
const (
	MaxReferenceBytes = 128
	MaxExtraKeys      = 8
)

var (
	slugRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	// emailRe is deliberately loose: one @, something on both sides, a dot
	// in the domain. Deliverability is the mail server's business.
	emailRe = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// NormalizeTenant checks a tenant's slug and name.
func NormalizeTenant(t Tenant) (Tenant, error) {
	t.Slug = strings.TrimSpace(t.Slug)
	if !slugRe.MatchString(t.Slug) {
		return t, &InvalidError{"slug", fmt.Sprintf("%q is not a slug (lower-case letters, digits, hyphens)", t.Slug)}
	}
	var rs []Repair
	cleanString("name", &t.Name, MaxShortBytes, &rs)
	return t, nil
}

// NormalizeShipment checks and repairs a shipment a seller submits. Unknown
// countries and malformed emails are rejected rather than dropped: unlike
// carrier input, the seller can correct them.
func NormalizeShipment(s Shipment) (Shipment, []Repair, error) {
	var rs []Repair
	s.Reference = strings.TrimSpace(s.Reference)
	if len(s.Reference) > MaxReferenceBytes {
		return s, nil, &InvalidError{"reference", fmt.Sprintf("longer than %d bytes", MaxReferenceBytes)}
	}
	cleanString("reference", &s.Reference, MaxReferenceBytes, &rs)
	cleanString("customer.name", &s.Customer.Name, MaxShortBytes, &rs)
	cleanString("customer.phone", &s.Customer.Phone, MaxShortBytes, &rs)
	cleanString("customer.language", &s.Customer.Language, MaxTagBytes, &rs)
	s.Customer.Email = strings.TrimSpace(s.Customer.Email)
	if s.Customer.Email != "" && (len(s.Customer.Email) > MaxShortBytes || !emailRe.MatchString(s.Customer.Email)) {
		return s, nil, &InvalidError{"customer.email", fmt.Sprintf("%q is not an email address", s.Customer.Email)}
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"origin_country", &s.OriginCountry}, {"destination_country", &s.DestinationCountry}} {
		if *f.v == "" {
			continue
		}
		c, ok := NormalizeCountry(*f.v)
		if !ok {
			return s, nil, &InvalidError{f.name, fmt.Sprintf("%q is not an ISO 3166-1 alpha-2 code", *f.v)}
		}
		*f.v = c
	}
	cleanString("service", &s.Service, MaxShortBytes, &rs)
	a := &s.Customer.Address
	for _, f := range []struct {
		name string
		v    *string
	}{{"customer.address.line1", &a.Line1}, {"customer.address.line2", &a.Line2}, {"customer.address.city", &a.City},
		{"customer.address.region", &a.Region}, {"customer.address.postal_code", &a.PostalCode}} {
		cleanString(f.name, f.v, MaxShortBytes, &rs)
	}
	if a.Country != "" {
		c, ok := NormalizeCountry(a.Country)
		if !ok {
			return s, nil, &InvalidError{"customer.address.country", fmt.Sprintf("%q is not an ISO 3166-1 alpha-2 code", a.Country)}
		}
		a.Country = c
	}
	if !s.PromisedDate.IsZero() {
		y, m, d := s.PromisedDate.Date()
		s.PromisedDate = time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return s, rs, nil
}

// NormalizeParcel checks a parcel's carrier slug, tracking number and extra
// keys. The tracking number is trimmed of surrounding space but otherwise
// kept as given; recognising formats is the trackno package's job.
func NormalizeParcel(p Parcel) (Parcel, error) {
	p.Carrier = strings.TrimSpace(p.Carrier)
	if !slugRe.MatchString(p.Carrier) {
		return p, &InvalidError{"carrier", fmt.Sprintf("%q is not a carrier slug", p.Carrier)}
	}
	p.TrackingNumber = strings.TrimSpace(p.TrackingNumber)
	if p.TrackingNumber == "" || len(p.TrackingNumber) > 64 {
		return p, &InvalidError{"tracking_number", "empty or longer than 64 bytes"}
	}
	var rs []Repair
	cleanString("tracking_number", &p.TrackingNumber, 64, &rs)
	if len(rs) > 0 {
		return p, &InvalidError{"tracking_number", rs[0].Reason}
	}
	if len(p.Extra) > MaxExtraKeys {
		return p, &InvalidError{"extra", fmt.Sprintf("more than %d keys", MaxExtraKeys)}
	}
	for k, v := range p.Extra {
		if !slugRe.MatchString(strings.ReplaceAll(k, "_", "-")) || len(v) > MaxShortBytes {
			return p, &InvalidError{"extra", fmt.Sprintf("key %q or its value is not acceptable", k)}
		}
	}
	if p.Leg <= 0 {
		p.Leg = 1
	}
	return p, nil
}
