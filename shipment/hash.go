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
	var arr [256]byte
	b := appendPrefix(arr[:0], carrier, trackingNumber)
	h, _ := hashFields(b, e)
	return h
}

// appendPrefix appends the normalised carrier and tracking number.
func appendPrefix(b []byte, carrier, trackingNumber string) []byte {
	b = append(appendKey(b, carrier), unitSep)
	return append(appendKey(b, trackingNumber), unitSep)
}

// hashFields appends e's fields to the prefix in b and returns the hash
// and the grown buffer.
func hashFields(b []byte, e *Event) (string, []byte) {
	b = append(appendText(b, e.Code), unitSep)
	sec := e.Time.UTC().Truncate(time.Second).Unix()
	b = append(strconv.AppendInt(b, sec, 10), unitSep)
	b = append(appendText(b, e.Location.Country), unitSep)
	b = append(appendText(b, e.Location.PostalCode), unitSep)
	b = append(appendText(b, e.Location.State), unitSep)
	b = append(appendText(b, e.Location.City), unitSep)
	b = append(appendText(b, e.Location.Text), unitSep)
	b = append(appendText(b, e.Text), unitSep)
	sum := sha256.Sum256(b)
	var out [42]byte
	var secs [8]byte
	binary.BigEndian.PutUint64(secs[:], uint64(sec))
	hex.Encode(out[:10], secs[3:])
	hex.Encode(out[10:], sum[:16])
	return string(out[:]), b
}

// unitSep separates fields: the ASCII unit separator cannot occur in them
// once white space is folded.
const unitSep = 0x1f

// asciiClass classifies ASCII bytes for the folding loops below.
var asciiClass = func() (t [utf8.RuneSelf]uint8) {
	for c := range utf8.RuneSelf {
		switch {
		case unicode.IsSpace(rune(c)):
			t[c] = classSpace
		case 'A' <= c && c <= 'Z':
			t[c] = classUpper
		case 'a' <= c && c <= 'z':
			t[c] = classLower
		}
	}
	return t
}()

const (
	classOther uint8 = iota
	classSpace
	classUpper
	classLower
)

// appendKey appends an identifier normalised: upper case, without spaces
// or dashes, as tracking numbers are often printed with separators.
func appendKey(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return appendKeySlow(b, s[i:])
		}
		switch asciiClass[c] {
		case classSpace:
			continue
		case classLower:
			c -= 'a' - 'A'
		}
		if c != '-' {
			b = append(b, c)
		}
	}
	return b
}

func appendKeySlow(b []byte, s string) []byte {
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
		return appendTextSlow(b, norm.NFC.String(s))
	}
	start, space := len(b), false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch asciiClass[c] {
		case classSpace:
			space = len(b) > start
			continue
		case classUpper:
			c += 'a' - 'A'
		}
		if space {
			b = append(b, ' ')
			space = false
		}
		b = append(b, c)
	}
	return b
}

// appendTextSlow is appendText for NFC text that is not all ASCII.
func appendTextSlow(b []byte, s string) []byte {
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
