package shipment

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// HashEvent returns the identity of an event of the parcel with the given
// carrier and tracking number: 42 hex digits, the event's Unix second (10
// digits) followed by the first 128 bits of a SHA-256 over
//
//	carrier, tracking number, carrier code, UTC time (whole seconds),
//	location (country, postal code, state, city, text), event text
//
// with every text field normalised (NFC, Unicode case folding, runs of
// white space collapsed to one space, trimmed) and fields separated by a
// byte that cannot occur in them.
//
// Why these fields: carriers repeat near-identical events (FedEx sends "On
// the way" three times a day, La Poste repeats codes), so the code alone is
// not an identity, while the same poll returned twice must collapse. Time is
// cut to whole seconds because some APIs flip between "12:00:00" and
// "12:00:00.000". Text is normalised because carriers re-case and re-space
// the same description between requests. The time prefix makes hashes sort
// by time, so the unique index that dedupes events grows at its end like a
// log instead of being written at random places (and equal hashes imply the
// same second). Status and language are left out on
// purpose: a better classifier or a re-requested language must not turn an
// old event into a new one. The carrier and tracking number are included so
// that the hash alone names an event across parcels.
func HashEvent(carrier, trackingNumber string, e *Event) string {
	h := sha256.New()
	var buf []byte
	add := func(s string) {
		buf = append(buf[:0], s...)
		buf = append(buf, 0x1f) // unit separator
		h.Write(buf)
	}
	add(normKey(carrier))
	add(normKey(trackingNumber))
	add(normText(e.Code))
	sec := e.Time.UTC().Truncate(time.Second).Unix()
	add(strconv.FormatInt(sec, 10))
	add(normText(e.Location.Country))
	add(normText(e.Location.PostalCode))
	add(normText(e.Location.State))
	add(normText(e.Location.City))
	add(normText(e.Location.Text))
	add(normText(e.Text))
	var out [42]byte
	hex.Encode(out[:10], binary.BigEndian.AppendUint64(nil, uint64(sec))[3:])
	hex.Encode(out[10:], h.Sum(nil)[:16])
	return string(out[:])
}

// normKey normalises identifiers: upper case, no spaces or dashes, as
// tracking numbers are often printed with separators.
func normKey(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' {
			return -1
		}
		return unicode.ToUpper(r)
	}, s)
}

// normText folds case and white space so cosmetic changes do not change
// identity.
func normText(s string) string {
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(unicode.ToUpper(r))) // folds ſ→s, ς→σ
	}
	return b.String()
}
