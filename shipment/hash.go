package shipment

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"

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
	buf := make([]byte, 0, 256)
	add := func(b []byte) []byte { return append(b, 0x1f) } // unit separator
	buf = add(appendKey(buf, carrier))
	buf = add(appendKey(buf, trackingNumber))
	buf = add(appendText(buf, e.Code))
	sec := e.Time.UTC().Truncate(time.Second).Unix()
	buf = add(strconv.AppendInt(buf, sec, 10))
	buf = add(appendText(buf, e.Location.Country))
	buf = add(appendText(buf, e.Location.PostalCode))
	buf = add(appendText(buf, e.Location.State))
	buf = add(appendText(buf, e.Location.City))
	buf = add(appendText(buf, e.Location.Text))
	buf = add(appendText(buf, e.Text))
	sum := sha256.Sum256(buf)
	var out [42]byte
	var secs [8]byte
	binary.BigEndian.PutUint64(secs[:], uint64(sec))
	hex.Encode(out[:10], secs[3:])
	hex.Encode(out[10:], sum[:16])
	return string(out[:])
}

// appendKey appends an identifier normalised: upper case, without spaces
// or dashes, as tracking numbers are often printed with separators.
func appendKey(b []byte, s string) []byte {
	for _, r := range s {
		if unicode.IsSpace(r) || r == '-' {
			continue
		}
		b = utf8.AppendRune(b, unicode.ToUpper(r))
	}
	return b
}

// appendText appends s with case and white space folded, so cosmetic
// changes do not change identity: NFC, lower case via upper case (folds
// ſ to s and ς to σ), runs of white space as one space, trimmed.
func appendText(b []byte, s string) []byte {
	if !isASCII(s) {
		s = norm.NFC.String(s)
	}
	start, space := len(b), false
	for i := 0; i < len(s); {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		i += n
		if unicode.IsSpace(r) {
			space = len(b) > start
			continue
		}
		if space {
			b = append(b, ' ')
			space = false
		}
		switch {
		case r < utf8.RuneSelf && 'A' <= r && r <= 'Z':
			b = append(b, byte(r)+'a'-'A')
		case r < utf8.RuneSelf:
			b = append(b, byte(r))
		default:
			b = utf8.AppendRune(b, unicode.ToLower(unicode.ToUpper(r)))
		}
	}
	return b
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
