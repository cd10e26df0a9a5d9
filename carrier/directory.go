// Package carrier describes the carriers Waypost knows: the directory of
// slugs, names, home countries and public tracking pages.
package carrier

import (
	"sort"
	"strings"
)

// Info describes one carrier in the directory.
type Info struct {
	// Slug is the stable identifier: lowercase, hyphenated, AfterShip-style
	// where AfterShip has one.
	Slug string
	// Name is the carrier's common name.
	Name string
	// Country is the ISO 3166-1 alpha-2 code of the carrier's home, "" for a
	// global carrier.
	Country string
	// Website is the carrier's home page.
	Website string
	// TrackURL is the public tracking page, with %s where the number goes.
	TrackURL string
}

// UniversalTrackURL is the tracking page used for carriers (mostly small
// national posts) that publish no tracking page addressable by number: a
// universal tracker that follows UPU S10 items of every post.
const UniversalTrackURL = "https://t.17track.net/en#nums=%s"

// TrackingURL returns the public tracking page for number.
func (i Info) TrackingURL(number string) string {
	return string(i.AppendTrackingURL(nil, number))
}

// AppendTrackingURL appends the public tracking page for number to dst, so
// bulk writers can build URLs without allocating. The number is
// query-escaped; tracking numbers are usually plain [0-9A-Z] and pass as is.
func (i Info) AppendTrackingURL(dst []byte, number string) []byte {
	t := i.TrackURL
	if t == "" {
		t = UniversalTrackURL
	}
	k := strings.Index(t, "%s")
	if k < 0 {
		return append(dst, t...)
	}
	dst = append(dst, t[:k]...)
	dst = appendEscaped(dst, number)
	return append(dst, t[k+2:]...)
}

// appendEscaped percent-encodes every byte outside [0-9A-Za-z-._~].
func appendEscaped(dst []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	for j := 0; j < len(s); j++ {
		c := s[j]
		switch {
		case c >= '0' && c <= '9', c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z',
			c == '-', c == '.', c == '_', c == '~':
			dst = append(dst, c)
		default:
			dst = append(dst, '%', hex[c>>4], hex[c&15])
		}
	}
	return dst
}

var (
	bySlug  map[string]*Info
	byPost  map[string]*Info
	ordered []Info
)

func init() {
	all := make([]Info, 0, len(couriers)+len(posts))
	all = append(all, couriers...)
	for _, p := range posts {
		all = append(all, p.Info)
	}
	sort.Slice(all, func(a, b int) bool { return all[a].Slug < all[b].Slug })
	ordered = all
	bySlug = make(map[string]*Info, len(all))
	for k := range ordered {
		if _, dup := bySlug[ordered[k].Slug]; dup {
			panic("carrier: duplicate slug " + ordered[k].Slug)
		}
		bySlug[ordered[k].Slug] = &ordered[k]
	}
	byPost = make(map[string]*Info, len(posts))
	for _, p := range posts {
		byPost[p.Country] = bySlug[p.Slug]
		for _, cc := range p.alsoFor {
			byPost[cc] = bySlug[p.Slug]
		}
	}
}

// Lookup returns the carrier with the given slug.
func Lookup(slug string) (Info, bool) {
	if i, ok := bySlug[slug]; ok {
		return *i, true
	}
	return Info{}, false
}

// LookupPtr returns a pointer into the immutable directory, for callers on
// hot paths that must not copy; the Info must not be modified.
func LookupPtr(slug string) *Info { return bySlug[slug] }

// All returns every carrier, sorted by slug.
func All() []Info {
	out := make([]Info, len(ordered))
	copy(out, ordered)
	return out
}

// PostOf returns the designated postal operator of a country (ISO 3166-1
// alpha-2): the issuer of the UPU S10 numbers that end in that code.
func PostOf(country string) (Info, bool) {
	if i, ok := byPost[country]; ok {
		return *i, true
	}
	return Info{}, false
}

// PostCountries returns every country code that has a designated postal
// operator in the directory, sorted.
func PostCountries() []string {
	out := make([]string, 0, len(byPost))
	for cc := range byPost {
		out = append(out, cc)
	}
	sort.Strings(out)
	return out
}
